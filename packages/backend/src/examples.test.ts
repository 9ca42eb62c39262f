import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
} from '@backstage/catalog-model';

const catalogDir = path.resolve(
  __dirname,
  '../../../examples/online-boutique/catalog',
);

function loadCatalog(): Entity[] {
  const location = yaml.parse(
    fs.readFileSync(path.join(catalogDir, 'all.yaml'), 'utf8'),
  );
  return (location.spec.targets as string[]).flatMap(target =>
    yaml
      .parseAllDocuments(fs.readFileSync(path.join(catalogDir, target), 'utf8'))
      .map(doc => doc.toJS() as Entity),
  );
}

// The real call graph of Online Boutique (microservices-demo).
const CALLS: Record<string, string[]> = {
  frontend: [
    'productcatalogservice',
    'currencyservice',
    'cartservice',
    'recommendationservice',
    'shippingservice',
    'checkoutservice',
    'adservice',
  ],
  checkoutservice: [
    'productcatalogservice',
    'shippingservice',
    'paymentservice',
    'emailservice',
    'currencyservice',
    'cartservice',
  ],
  recommendationservice: ['productcatalogservice'],
  loadgenerator: ['frontend'],
};

const PORTS: Record<string, string | undefined> = {
  frontend: 'http:8080',
  cartservice: 'grpc:7070',
  productcatalogservice: 'grpc:3550',
  currencyservice: 'grpc:7000',
  paymentservice: 'grpc:50051',
  shippingservice: 'grpc:50051',
  emailservice: 'grpc:8080',
  checkoutservice: 'grpc:5050',
  recommendationservice: 'grpc:8080',
  adservice: 'grpc:9555',
  loadgenerator: undefined,
};

describe('examples/online-boutique catalog', () => {
  const entities = loadCatalog();
  const components = entities.filter(e => e.kind === 'Component');
  const byName = new Map(components.map(c => [c.metadata.name, c]));

  it('holds only valid entities', async () => {
    const policy = EntityPolicies.allOf([
      new DefaultNamespaceEntityPolicy(),
      new FieldFormatEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new SchemaValidEntityPolicy(),
    ]);
    for (const entity of entities) {
      await expect(policy.enforce(entity)).resolves.toBeDefined();
    }
  });

  it('has the 11 services and redis-cart in the online-boutique system', () => {
    expect([...byName.keys()].sort()).toEqual(Object.keys(PORTS).sort());
    const redis = entities.find(e => e.kind === 'Resource');
    expect(redis?.metadata.name).toBe('redis-cart');
    for (const entity of [...components, redis!]) {
      expect(entity.spec?.system).toBe('online-boutique');
      // The load generator runs in its own sidecar-injected namespace (see the example README).
      expect(
        entity.metadata.annotations?.['backstage.io/kubernetes-namespace'],
      ).toBe(
        entity.metadata.name === 'loadgenerator'
          ? 'loadgenerator'
          : 'online-boutique',
      );
      expect(entity.metadata.annotations?.['backstage.io/kubernetes-id']).toBe(
        entity.metadata.name,
      );
    }
  });

  it('follows the real call graph in dependsOn and consumesApis', () => {
    for (const [name, component] of byName) {
      const callees = CALLS[name] ?? [];
      const expected = callees.map(c => `component:default/${c}`);
      if (name === 'cartservice') expected.push('resource:default/redis-cart');
      expect(
        [...((component.spec?.dependsOn as string[]) ?? [])].sort(),
      ).toEqual(expected.sort());
      const consumed = callees
        .filter(c => c !== 'frontend')
        .map(c => `api:default/${c}-grpc`);
      expect(
        [...((component.spec?.consumesApis as string[]) ?? [])].sort(),
      ).toEqual(consumed.sort());
    }
  });

  it('declares the real ports of every service', () => {
    for (const [name, port] of Object.entries(PORTS)) {
      expect(
        byName.get(name)!.metadata.annotations?.['zero-trust.io/ports'],
      ).toBe(port);
    }
  });

  it('gives each gRPC service an API listing its methods', () => {
    const grpcServices = Object.keys(PORTS).filter(n =>
      PORTS[n]?.startsWith('grpc:'),
    );
    expect(grpcServices).toHaveLength(9);
    for (const name of grpcServices) {
      const apiRef = `api:default/${name}-grpc`;
      expect(byName.get(name)!.spec?.providesApis).toEqual([apiRef]);
      const api = entities.find(e => stringifyEntityRef(e) === apiRef);
      expect(api?.spec?.type).toBe('grpc');
      expect(api?.spec?.definition).toMatch(
        /service \w+Service \{\n(\s+rpc \w+\(\w+\) returns \(\w+\) \{\}\n)+/,
      );
    }
  });
});
