import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  V1Pod,
} from '@kubernetes/client-node';
import { useTestCluster } from './jest';
import { kubeRequest } from './kubeRequest';
import { eventually } from './eventually';

jest.setTimeout(240_000);

const ns = 'producers';

function deployment(name: string, image: string, extra: object = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image, ...extra }] },
      },
    },
  };
}

describe('test cluster with its real producers', () => {
  const cluster = useTestCluster({ producers: ['kwok', 'kyverno'] });

  beforeAll(async () => {
    const core = cluster().kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });

  it('runs a Deployment as the controllers, the scheduler and KWOK would: ReplicaSet, scheduled Running pods, real uids and owner references', async () => {
    const kc = cluster().kubeConfig();
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const created = await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web', 'registry.example/web:1.0.0'),
    });

    const pods = await eventually('two Ready pods', async () => {
      const { items } = await core.listNamespacedPod({
        namespace: ns,
        labelSelector: 'app=web',
      });
      const ready = items.filter(
        (p: V1Pod) =>
          p.status?.phase === 'Running' &&
          p.status.conditions?.some(
            c => c.type === 'Ready' && c.status === 'True',
          ),
      );
      return ready.length === 2 ? ready : undefined;
    });
    const { items: replicaSets } = await apps.listNamespacedReplicaSet({
      namespace: ns,
      labelSelector: 'app=web',
    });
    expect(replicaSets).toHaveLength(1);
    const rs = replicaSets[0];
    // The Deployment controller names the ReplicaSet after the template hash and owns it by uid.
    const hash = rs.metadata!.labels!['pod-template-hash'];
    expect(rs.metadata!.name).toBe(`web-${hash}`);
    expect(rs.metadata!.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'web',
        uid: created.metadata!.uid,
        controller: true,
      }),
    ]);
    for (const pod of pods) {
      expect(pod.metadata!.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(pod.metadata!.name).toMatch(
        new RegExp(`^web-${hash}-[a-z0-9]{5}$`),
      );
      expect(pod.metadata!.labels!['pod-template-hash']).toBe(hash);
      expect(pod.metadata!.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'ReplicaSet',
          name: rs.metadata!.name,
          uid: rs.metadata!.uid,
        }),
      ]);
      expect(pod.spec!.nodeName).toMatch(/^kwok-node-\d$/);
      expect(pod.status!.podIP).toMatch(/^10\.244\./);
      expect(pod.status!.containerStatuses).toEqual([
        expect.objectContaining({
          name: 'web',
          image: 'registry.example/web:1.0.0',
          ready: true,
        }),
      ]);
    }
    // The ServiceAccount controller created the namespace's default ServiceAccount.
    await core.readNamespacedServiceAccount({ name: 'default', namespace: ns });
  });

  it('enforces a ClusterPolicy through Kyverno’s admission webhook and reports an Audit rule in a PolicyReport', async () => {
    const kc = cluster().kubeConfig();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const policy = (name: string, failureAction: 'Enforce' | 'Audit') => ({
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name },
      spec: {
        background: true,
        rules: [
          {
            name: name,
            match: {
              any: [
                {
                  resources: {
                    kinds: ['Deployment'],
                    namespaces: [ns],
                  },
                },
              ],
            },
            validate: {
              failureAction,
              message:
                failureAction === 'Enforce'
                  ? 'Privilege escalation is not allowed.'
                  : 'An image tag other than latest is required.',
              pattern:
                failureAction === 'Enforce'
                  ? {
                      spec: {
                        template: {
                          spec: {
                            containers: [
                              {
                                '=(securityContext)': {
                                  '=(allowPrivilegeEscalation)': false,
                                },
                              },
                            ],
                          },
                        },
                      },
                    }
                  : {
                      spec: {
                        template: {
                          spec: { containers: [{ image: '!*:latest' }] },
                        },
                      },
                    },
            },
          },
        ],
      },
    });
    for (const body of [
      policy('deny-privilege-escalation', 'Enforce'),
      policy('audit-latest-tag', 'Audit'),
    ]) {
      await custom.createClusterCustomObject({
        group: 'kyverno.io',
        version: 'v1',
        plural: 'clusterpolicies',
        body,
      });
    }
    // Kyverno marks a policy Ready once its webhook rules are registered.
    for (const name of ['deny-privilege-escalation', 'audit-latest-tag']) {
      await eventually(`ClusterPolicy ${name} Ready`, async () => {
        const p = (await custom.getClusterCustomObject({
          group: 'kyverno.io',
          version: 'v1',
          plural: 'clusterpolicies',
          name,
        })) as { status?: { conditions?: { type: string; status: string }[] } };
        return p.status?.conditions?.some(
          c => c.type === 'Ready' && c.status === 'True',
        )
          ? true
          : undefined;
      });
    }

    const denied = await kubeRequest(
      kc,
      'POST',
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      deployment('escalating', 'registry.example/web:1.0.0', {
        securityContext: { allowPrivilegeEscalation: true },
      }),
    );
    expect(denied).toEqual(
      expect.objectContaining({
        status: 400,
        body: expect.stringContaining('deny-privilege-escalation'),
      }),
    );
    expect(denied.body).toContain('Privilege escalation is not allowed.');

    const admitted = await kubeRequest(
      kc,
      'POST',
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      deployment('latest', 'registry.example/web:latest'),
    );
    expect(admitted.status).toBe(201);
    const uid = JSON.parse(admitted.body).metadata.uid as string;

    // The reports controller's background scan writes a PolicyReport named after the resource's
    // uid, scoped to it, with the Audit rule's failure.
    const report = await eventually(
      'the PolicyReport of Deployment latest',
      async () => {
        try {
          const r = (await custom.getNamespacedCustomObject({
            group: 'wgpolicyk8s.io',
            version: 'v1alpha2',
            namespace: ns,
            plural: 'policyreports',
            name: uid,
          })) as {
            scope?: { uid?: string; name?: string };
            results?: { policy: string; result: string }[];
          };
          return r.results?.some(x => x.policy === 'audit-latest-tag')
            ? r
            : undefined;
        } catch {
          return undefined;
        }
      },
      180_000,
    );
    expect(report.scope).toEqual(
      expect.objectContaining({ kind: 'Deployment', name: 'latest', uid }),
    );
    expect(report.results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          policy: 'audit-latest-tag',
          result: 'fail',
          source: 'kyverno',
        }),
      ]),
    );
  });
});
