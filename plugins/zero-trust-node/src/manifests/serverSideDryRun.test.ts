import {
  CoreV1Api,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { useTestCluster } from '@zero-trust-k8s/test-cluster';
import { generateManifests } from './generateManifests';
import { ENVIRONMENTS } from './ServiceSpec';
import {
  ONLINE_BOUTIQUE_SERVICES,
  boutiqueSpec,
} from './__fixtures__/onlineBoutique';

jest.setTimeout(120_000);

// Every object the engine writes must be accepted by a real API server with the upstream CRDs
// (Istio, Gateway API, Cilium, External Secrets, Argo Rollouts and CD): schema, required fields,
// enum values. A server-side dry-run validates exactly as an apply would, and stores nothing.
describe('server-side dry-run of the generated manifests', () => {
  const cluster = useTestCluster();

  const services = [
    ...ONLINE_BOUTIQUE_SERVICES.map(name => ({
      label: name,
      generated: generateManifests(boutiqueSpec(name)),
    })),
    {
      label: 'paymentservice (canary, sidecar, EKS)',
      generated: generateManifests(
        boutiqueSpec('paymentservice', {
          canary: { enabled: true },
          mesh: { mode: 'sidecar' },
          cloudIdentity: {
            provider: 'eks',
            roleArn: 'arn:aws:iam::123456789012:role/payment',
          },
        }),
      ),
    },
  ];

  beforeAll(async () => {
    const core = cluster().kubeConfig().makeApiClient(CoreV1Api);
    for (const name of ['online-boutique', 'argocd']) {
      await core.createNamespace({ body: { metadata: { name } } });
    }
  });

  it('covers all 11 Online Boutique services', () => {
    expect(ONLINE_BOUTIQUE_SERVICES).toHaveLength(11);
  });

  it.each(services.map(s => [s.label, s.generated]))(
    '%s: every object of every overlay and its Argo CD Applications are accepted',
    async (_label, generated) => {
      const client = KubernetesObjectApi.makeApiClient(cluster().kubeConfig());
      const objects = [
        ...ENVIRONMENTS.flatMap(env => generated.rendered[env]),
        ...generated.applications,
      ];
      const rejected: string[] = [];
      for (const object of objects) {
        try {
          await client.patch(
            object as KubernetesObject,
            undefined,
            'All',
            'zero-trust-test',
            true,
            PatchStrategy.ServerSideApply,
          );
        } catch (e) {
          rejected.push(
            `${object.kind} ${object.metadata.name}: ${
              (e as { body?: string }).body ?? e
            }`,
          );
        }
      }
      expect(rejected).toEqual([]);
      expect(objects.length).toBeGreaterThanOrEqual(3 * 6 + 3);
    },
  );

  it('rejects an object the schema does not allow, so the check can fail', async () => {
    const client = KubernetesObjectApi.makeApiClient(cluster().kubeConfig());
    const pa = services[1].generated.rendered.prod.find(
      o => o.kind === 'PeerAuthentication',
    )!;
    const broken = structuredClone(pa) as any;
    broken.spec.mtls.mode = 'SOMETIMES';
    await expect(
      client.patch(
        broken,
        undefined,
        'All',
        'zero-trust-test',
        true,
        PatchStrategy.ServerSideApply,
      ),
    ).rejects.toThrow(/SOMETIMES|Unsupported value|mode/);
  });
});
