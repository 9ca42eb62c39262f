import { Entity } from '@backstage/catalog-model';
import { servicePeerFromEntity, parsePorts } from './servicePeer';

const component = (
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: {},
});

describe('servicePeerFromEntity', () => {
  it('reads namespace, service account and ports from annotations', () => {
    expect(
      servicePeerFromEntity(
        component('cartservice', {
          'backstage.io/kubernetes-namespace': 'online-boutique',
          'zero-trust.io/ports': 'grpc:7070',
          'zero-trust.io/service-account': 'cart',
        }),
      ),
    ).toEqual({
      entityRef: 'component:default/cartservice',
      name: 'cartservice',
      namespace: 'online-boutique',
      serviceAccount: 'cart',
      ports: [{ protocol: 'grpc', port: 7070 }],
    });
  });

  it('defaults the namespace and the service account', () => {
    const peer = servicePeerFromEntity(component('frontend'));
    expect(peer.namespace).toBe('default');
    expect(peer.serviceAccount).toBe('frontend');
    expect(peer.ports).toEqual([]);
  });

  it.each([
    ['backstage.io/kubernetes-namespace', '../etc'],
    ['backstage.io/kubernetes-namespace', 'a\nkind: ClusterRoleBinding'],
    ['zero-trust.io/service-account', 'x"; drop'],
    ['backstage.io/kubernetes-id', 'UPPER'],
  ])('rejects a hostile %s annotation %p', (key, value) => {
    expect(() =>
      servicePeerFromEntity(component('svc', { [key]: value })),
    ).toThrow(/not a valid Kubernetes name/);
  });
});

describe('parsePorts', () => {
  it('parses several ports', () => {
    expect(parsePorts('http:8080, grpc:9555', 'x')).toEqual([
      { protocol: 'http', port: 8080 },
      { protocol: 'grpc', port: 9555 },
    ]);
  });

  it.each(['grpc', 'udp:53', 'grpc:0', 'grpc:70000', 'grpc:80;rm'])(
    'rejects %p',
    value => {
      expect(() => parsePorts(value, 'component:default/x')).toThrow(
        /invalid zero-trust.io\/ports/,
      );
    },
  );

  it('rejects a duplicate port', () => {
    expect(() => parsePorts('grpc:80,http:80', 'component:default/x')).toThrow(
      /twice/,
    );
  });
});
