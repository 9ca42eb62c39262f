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

/**
 * Entities of kinds that run no workload, each carrying the annotations that would make it look
 * like a peer: accepted, they would become mesh principals and NetworkPolicy peers.
 */
const POSING = {
  'boutique-team': ['Group', 'group:default/boutique-team'],
  jane: ['User', 'user:default/jane'],
  'online-boutique': ['System', 'system:default/online-boutique'],
  'cart-api': ['API', 'api:default/cart-api'],
  'boutique-catalog': ['Location', 'location:default/boutique-catalog'],
  shop: ['Domain', 'domain:default/shop'],
} as const;

const posing = (name: string, kind: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-namespace': 'online-boutique',
      'zero-trust.io/ports': 'http:8080',
    },
  },
  spec: {},
  relations:
    kind === 'API'
      ? [{ type: 'apiProvidedBy', targetRef: 'component:default/cartservice' }]
      : [],
});

const catalog = catalogServiceMock({
  entities: [
    ...Object.entries(POSING).map(([name, [kind]]) => posing(name, kind)),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'redis-cart',
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-namespace': 'online-boutique',
          'zero-trust.io/ports': 'tcp:6379',
        },
      },
      spec: { type: 'database', owner: 'group:boutique-team' },
    },
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

  it('accepts a Resource as a callee', async () => {
    const ctx = createMockActionContext({
      input: { callees: ['resource:default/redis-cart'], callers: [] },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('callees', [
      expect.objectContaining({
        entityRef: 'resource:default/redis-cart',
        name: 'redis-cart',
        ports: [{ protocol: 'tcp', port: 6379 }],
      }),
    ]);
  });

  it('refuses a Resource as a caller: it would become a mesh principal', async () => {
    const ctx = createMockActionContext({
      input: { callees: [], callers: ['resource:default/redis-cart'] },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'resource:default/redis-cart is of kind Resource, which runs no workload: a caller must be a Component',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  describe.each(['callers', 'callees'] as const)('as %s', field => {
    const role = field === 'callers' ? 'caller' : 'callee';
    it.each(Object.values(POSING))(
      'refuses a %s, naming the entity and its kind, and outputs nothing',
      async (kind, ref) => {
        const ctx = createMockActionContext({
          // Among valid peers, so a partial result would show.
          input: {
            callees: ['component:default/cartservice'],
            callers: ['component:default/frontend'],
            [field]: ['component:default/paymentservice', ref],
          },
        });
        const error = await action.handler(ctx).catch(e => e);
        expect(error.name).toBe('InputError');
        expect(error.message).toMatch(
          new RegExp(
            `^${ref} is of kind ${kind}, which runs no workload: a ${role} must be a Component`,
          ),
        );
        expect(ctx.output).not.toHaveBeenCalled();
      },
    );
  });

  it('points from an API to the Components that provide it', async () => {
    const ctx = createMockActionContext({
      input: { callees: ['api:default/cart-api'], callers: [] },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      'api:default/cart-api is of kind API, which runs no workload: a callee must be a Component or Resource; name the Component that provides it: component:default/cartservice',
    );
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
