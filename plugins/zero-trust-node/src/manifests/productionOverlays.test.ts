import { InputError } from '@backstage/errors';
import YAML from 'yaml';
import { checkManifests } from '../policy';
import { generateManifests } from './generateManifests';
import { ManifestObject } from './objectMeta';
import { ENVIRONMENTS, ServiceSpecInput } from './ServiceSpec';
import { boutiqueSpec } from './__fixtures__/onlineBoutique';

// Issue 12 §2: what a platform team expects of every overlay, by default and configurable.

const find = (objects: ManifestObject[], kind: string) =>
  objects.filter(o => o.kind === kind) as any[];

const podSpec = (objects: ManifestObject[]) =>
  (objects.find(o => o.kind === 'Deployment' || o.kind === 'Rollout') as any)
    .spec.template.spec;

const container = (objects: ManifestObject[]) => podSpec(objects).containers[0];

/** The spec's error message, or a failure when it was accepted. */
function refusal(spec: unknown): string {
  try {
    generateManifests(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('the spec was accepted');
}

const withReplicas = (
  name: string,
  replicas: [number, number, number],
  overrides: Partial<ServiceSpecInput> = {},
): ServiceSpecInput => {
  const spec = boutiqueSpec(name, overrides);
  return {
    ...spec,
    environments: {
      dev: { replicas: replicas[0] },
      stage: { replicas: replicas[1] },
      prod: { ...spec.environments?.prod, replicas: replicas[2] },
    },
  };
};

describe('PodDisruptionBudget', () => {
  it('is written in the overlays with more than one replica, not in base', () => {
    const { files, rendered } = generateManifests(boutiqueSpec('cartservice'));
    expect(find(rendered.dev, 'PodDisruptionBudget')).toEqual([]);
    for (const env of ['stage', 'prod'] as const) {
      const [pdb] = find(rendered[env], 'PodDisruptionBudget');
      expect(pdb.apiVersion).toBe('policy/v1');
      expect(pdb.metadata).toMatchObject({
        name: 'cartservice',
        namespace: 'online-boutique',
      });
      expect(pdb.spec).toEqual({
        maxUnavailable: 1,
        selector: { matchLabels: { app: 'cartservice' } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      });
      expect(
        YAML.parse(files[`overlays/${env}/kustomization.yaml`]).resources,
      ).toEqual(['../../base', 'poddisruptionbudget-cartservice.yaml']);
    }
    expect(
      Object.keys(files).filter(f => f.includes('poddisruptionbudget')),
    ).toEqual([
      'overlays/stage/poddisruptionbudget-cartservice.yaml',
      'overlays/prod/poddisruptionbudget-cartservice.yaml',
    ]);
  });

  it('selects exactly the pods of its workload, Deployment or Rollout', () => {
    for (const canary of [false, true]) {
      const { rendered } = generateManifests(
        boutiqueSpec('paymentservice', { canary: { enabled: canary } }),
      );
      const [pdb] = find(rendered.prod, 'PodDisruptionBudget');
      const workload = rendered.prod.find(
        o => o.kind === (canary ? 'Rollout' : 'Deployment'),
      ) as any;
      expect(pdb.spec.selector).toEqual(workload.spec.selector);
    }
  });

  it.each([
    ['one replica everywhere', [1, 1, 1]],
    ['scaled to zero', [0, 0, 1]],
  ] as const)('is not written with %s', (_what, replicas) => {
    const { files, rendered } = generateManifests(
      withReplicas('cartservice', [...replicas]),
    );
    for (const env of ENVIRONMENTS) {
      expect(find(rendered[env], 'PodDisruptionBudget')).toEqual([]);
      expect(
        YAML.parse(files[`overlays/${env}/kustomization.yaml`]).resources,
      ).toEqual(['../../base']);
    }
  });

  it('follows the replicas of each environment', () => {
    const { rendered } = generateManifests(
      withReplicas('adservice', [2, 1, 4]),
    );
    expect(find(rendered.dev, 'PodDisruptionBudget')).toHaveLength(1);
    expect(find(rendered.stage, 'PodDisruptionBudget')).toHaveLength(0);
    expect(find(rendered.prod, 'PodDisruptionBudget')).toHaveLength(1);
  });

  it('can be turned off or given a larger budget', () => {
    const off = generateManifests(
      boutiqueSpec('cartservice', { podDisruptionBudget: { enabled: false } }),
    );
    for (const env of ENVIRONMENTS) {
      expect(find(off.rendered[env], 'PodDisruptionBudget')).toEqual([]);
    }
    const two = generateManifests(
      withReplicas('cartservice', [1, 3, 5], {
        podDisruptionBudget: { maxUnavailable: 2 },
      }),
    );
    expect(
      find(two.rendered.prod, 'PodDisruptionBudget')[0].spec.maxUnavailable,
    ).toBe(2);
  });

  it('refuses a budget that would let a drain evict every pod', () => {
    expect(
      refusal(
        withReplicas('cartservice', [1, 2, 3], {
          podDisruptionBudget: { maxUnavailable: 2 },
        }),
      ),
    ).toMatch(
      /podDisruptionBudget\.maxUnavailable: is not below the 2 replicas of stage/,
    );
    // Turned off, the budget is not checked against the replicas.
    expect(() =>
      generateManifests(
        withReplicas('cartservice', [1, 2, 3], {
          podDisruptionBudget: { enabled: false, maxUnavailable: 2 },
        }),
      ),
    ).not.toThrow();
  });

  it.each([0, -1, 1.5, 100, '1', '50%', null])(
    'refuses maxUnavailable %p',
    maxUnavailable => {
      expect(
        refusal(
          boutiqueSpec('cartservice', {
            podDisruptionBudget: { maxUnavailable } as any,
          }),
        ),
      ).toContain('podDisruptionBudget.maxUnavailable');
    },
  );

  it('refuses unknown fields', () => {
    expect(
      refusal(
        boutiqueSpec('cartservice', {
          podDisruptionBudget: { minAvailable: 0 } as any,
        }),
      ),
    ).toContain('podDisruptionBudget');
  });
});

describe('topology spread', () => {
  it('spreads across nodes (DoNotSchedule) and zones (ScheduleAnyway) by default', () => {
    const { rendered } = generateManifests(boutiqueSpec('cartservice'));
    const common = {
      maxSkew: 1,
      labelSelector: { matchLabels: { app: 'cartservice' } },
      matchLabelKeys: ['pod-template-hash'],
      nodeTaintsPolicy: 'Honor',
    };
    for (const env of ENVIRONMENTS) {
      expect(podSpec(rendered[env]).topologySpreadConstraints).toEqual([
        {
          ...common,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'DoNotSchedule',
        },
        {
          ...common,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
        },
      ]);
    }
  });

  it("tells a Rollout's revisions apart by its own pod-template-hash label", () => {
    const { rendered } = generateManifests(boutiqueSpec('checkoutservice'));
    for (const c of podSpec(rendered.prod).topologySpreadConstraints) {
      expect(c.matchLabelKeys).toEqual(['rollouts-pod-template-hash']);
    }
  });

  it('is configurable per topology and can be turned off', () => {
    const custom = generateManifests(
      boutiqueSpec('cartservice', {
        topologySpread: { nodes: 'ScheduleAnyway', zones: 'none', maxSkew: 2 },
      }),
    );
    expect(
      podSpec(custom.rendered.prod).topologySpreadConstraints,
    ).toMatchObject([
      {
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        maxSkew: 2,
      },
    ]);
    const off = generateManifests(
      boutiqueSpec('cartservice', {
        topologySpread: { nodes: 'none', zones: 'none' },
      }),
    );
    expect(podSpec(off.rendered.prod)).not.toHaveProperty(
      'topologySpreadConstraints',
    );
  });

  it.each([
    [
      { nodes: 'Sometimes' },
      /topologySpread\.nodes: must be one of "DoNotSchedule", "ScheduleAnyway", "none"/,
    ],
    [{ zones: 'doNotSchedule' }, /topologySpread\.zones: must be one of/],
    [{ maxSkew: 0 }, /topologySpread\.maxSkew: must be at least 1/],
    [{ maxSkew: 1.5 }, /topologySpread\.maxSkew: must be a whole number/],
    [{ topologyKey: 'kubernetes.io/os' }, /topologySpread/],
  ])('refuses %p', (topologySpread, message) => {
    expect(
      refusal(boutiqueSpec('cartservice', { topologySpread } as any)),
    ).toMatch(message);
  });
});

describe('readiness differs from liveness', () => {
  it('asks the gRPC health service about a named readiness service', () => {
    const c = container(
      generateManifests(boutiqueSpec('cartservice')).rendered.prod,
    );
    expect(c.livenessProbe.grpc).toEqual({ port: 7070 });
    expect(c.startupProbe.grpc).toEqual({ port: 7070 });
    expect(c.readinessProbe.grpc).toEqual({ port: 7070, service: 'readiness' });
    const custom = container(
      generateManifests(
        boutiqueSpec('cartservice', {
          grpcReadinessService: 'hipstershop.CartService',
        }),
      ).rendered.prod,
    );
    expect(custom.readinessProbe.grpc.service).toBe('hipstershop.CartService');
  });

  it('uses a readiness path apart from the health path for HTTP', () => {
    const c = container(
      generateManifests(boutiqueSpec('frontend')).rendered.prod,
    );
    expect(c.livenessProbe.httpGet).toEqual({
      path: '/_healthz',
      port: 'http',
    });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const custom = container(
      generateManifests(boutiqueSpec('frontend', { readinessPath: '/ready' }))
        .rendered.prod,
    );
    expect(custom.readinessProbe.httpGet.path).toBe('/ready');
  });

  it('refuses one HTTP path for both probes', () => {
    expect(
      refusal(boutiqueSpec('frontend', { readinessPath: '/_healthz' })),
    ).toMatch(/readinessPath: must differ from healthCheckPath/);
  });

  it.each([
    '',
    'ready ness',
    '../readiness',
    'readiness\n',
    '.readiness',
    'readiness.',
    'a/b',
    'x'.repeat(129),
  ])('refuses the gRPC readiness service %p', grpcReadinessService => {
    expect(
      refusal(boutiqueSpec('cartservice', { grpcReadinessService })),
    ).toContain('grpcReadinessService:');
  });

  it.each(['readyz', '/a/../b', '/ready?x=1', '/ready*', '/ready\nx'])(
    'refuses the readiness path %p',
    readinessPath => {
      expect(refusal(boutiqueSpec('frontend', { readinessPath }))).toContain(
        'readinessPath:',
      );
    },
  );
});

describe('ephemeral storage', () => {
  it('requests and limits it in every environment by default', () => {
    const { rendered } = generateManifests(boutiqueSpec('cartservice'));
    for (const env of ENVIRONMENTS) {
      const { resources } = container(rendered[env]);
      expect(resources.requests['ephemeral-storage']).toBe('128Mi');
      expect(resources.limits['ephemeral-storage']).toBe('256Mi');
    }
  });

  it('is configurable per environment', () => {
    const { rendered } = generateManifests({
      ...boutiqueSpec('cartservice'),
      environments: {
        prod: {
          resources: {
            requests: {
              cpu: '100m',
              memory: '128Mi',
              'ephemeral-storage': '1Gi',
            },
            limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' },
          },
        },
      },
    });
    expect(container(rendered.prod).resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' },
    });
    expect(container(rendered.dev).resources.limits['ephemeral-storage']).toBe(
      '256Mi',
    );
  });

  const withStorage = (requests: string, limits: string) => ({
    ...boutiqueSpec('cartservice'),
    environments: {
      stage: {
        resources: {
          requests: {
            cpu: '100m',
            memory: '128Mi',
            'ephemeral-storage': requests,
          },
          limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': limits },
        },
      },
    },
  });

  it('refuses a limit below the request or below the size of /tmp', () => {
    expect(refusal(withStorage('1Gi', '512Mi'))).toContain(
      'environments.stage.resources.limits.ephemeral-storage: is below the ephemeral-storage request',
    );
    expect(refusal(withStorage('16Mi', '32Mi'))).toContain(
      'environments.stage.resources.limits.ephemeral-storage: is below the 64Mi of /tmp',
    );
  });

  it.each(['-1Gi', '1Ei', '0', '1.5Gi', '1Gi\nkind: Secret', '256 Mi', ''])(
    'refuses the quantity %p',
    quantity => {
      expect(refusal(withStorage(quantity, '2Gi'))).toContain(
        'environments.stage.resources.requests.ephemeral-storage:',
      );
    },
  );
});

describe('production overlays and the policy baseline', () => {
  it.each([
    ['defaults', {}],
    [
      'no spread, no budget',
      {
        topologySpread: { nodes: 'none', zones: 'none' },
        podDisruptionBudget: { enabled: false },
      },
    ],
    [
      'canary with a custom readiness service',
      {
        canary: { enabled: true },
        grpcReadinessService: 'payment-readiness',
      },
    ],
  ] as const)('%s: every overlay passes the baseline', (_what, overrides) => {
    const { rendered } = generateManifests(
      boutiqueSpec('paymentservice', overrides as Partial<ServiceSpecInput>),
    );
    for (const env of ENVIRONMENTS) {
      expect(checkManifests(rendered[env])).toEqual([]);
    }
  });
});
