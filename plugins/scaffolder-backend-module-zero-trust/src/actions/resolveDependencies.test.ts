import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import yaml from 'yaml';
import { createResolveDependenciesAction } from './resolveDependencies';
import { examples } from './resolveDependencies.examples';

const component = (name: string, annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    owner: 'group:boutique-team',
    lifecycle: 'production',
  },
});

const catalog = catalogServiceMock({
  entities: [
    component('cartservice', {
      'backstage.io/kubernetes-namespace': 'online-boutique',
      'zero-trust.io/ports': 'grpc:7070',
    }),
    component('paymentservice', {
      'backstage.io/kubernetes-namespace': 'online-boutique',
      'zero-trust.io/ports': 'grpc:50051',
    }),
    component('frontend', {
      'backstage.io/kubernetes-namespace': 'online-boutique',
      'zero-trust.io/ports': 'http:8080',
    }),
    component('evil', {
      'backstage.io/kubernetes-namespace': 'x\n---\nkind: Secret',
    }),
  ],
});

describe('zerotrust:catalog:resolve-dependencies', () => {
  const action = createResolveDependenciesAction({ catalog });

  it.each(examples.map(e => [e.description, e.example]))(
    'runs the example: %s',
    async (_d, example) => {
      const input = yaml.parse(example).steps[0].input;
      const ctx = createMockActionContext({ input });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('callees', [
        expect.objectContaining({
          name: 'cartservice',
          namespace: 'online-boutique',
          serviceAccount: 'cartservice',
          ports: [{ protocol: 'grpc', port: 7070 }],
        }),
        expect.objectContaining({
          name: 'paymentservice',
          ports: [{ protocol: 'grpc', port: 50051 }],
        }),
      ]);
      expect(ctx.output).toHaveBeenCalledWith('callers', [
        expect.objectContaining({
          name: 'frontend',
          ports: [{ protocol: 'http', port: 8080 }],
        }),
      ]);
    },
  );

  it('fails with a clear error for an entity missing from the catalog', async () => {
    const ctx = createMockActionContext({
      input: { callees: ['component:default/nope'], callers: [] },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'Unknown callee in the catalog: component:default/nope',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('refuses an entity whose annotations would inject YAML', async () => {
    const ctx = createMockActionContext({
      input: { callees: [], callers: ['component:default/evil'] },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /not a valid Kubernetes name/,
    );
  });
});
