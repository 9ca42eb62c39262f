import {
  KindSyncState,
  WATCHED_KINDS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { LabelSelector } from '@zero-trust-k8s/plugin-zero-trust-node';
import {
  CollectorContext,
  CollectorSettings,
  DEFAULT_COLLECTOR_SETTINGS,
} from '../collectors/types';
import { resolveWorkloads } from '../service/resolveWorkloads';
import { ClusterSource, KubeObject, groupOf } from '../sources/types';

/** An in-memory cluster for collector tests; kinds can be marked not installed, forbidden, … */
export function memoryCluster(
  objects: KubeObject[],
  options: { name?: string; states?: Record<string, KindSyncState> } = {},
): ClusterSource {
  const name = options.name ?? 'test';
  const states = options.states ?? {};
  const visible = (o: KubeObject) =>
    !['not-installed', 'forbidden', 'pending'].includes(states[o.kind] ?? '');
  return {
    name,
    type: 'snapshot',
    objects: (group, kind, namespace) =>
      objects.filter(
        o =>
          groupOf(o.apiVersion) === group &&
          o.kind === kind &&
          (namespace === undefined || o.metadata.namespace === namespace) &&
          visible(o),
      ),
    kindStatus: (_group, kind) => ({
      state: states[kind] ?? 'synced',
      lastSyncAt: states[kind] ? undefined : '2026-01-01T00:00:00.000Z',
    }),
    health: () => ({
      name,
      source: 'snapshot',
      healthy: true,
      errors: [],
      kinds: WATCHED_KINDS.map(k => ({
        group: k.group,
        version: k.version,
        kind: k.kind,
        state: states[k.kind] ?? 'synced',
        count: objects.filter(o => o.kind === k.kind).length,
      })),
    }),
    start: async () => {},
    stop: async () => {},
  };
}

/** The collector context of the workloads a selector finds in some objects. */
export function contextFor(
  objects: KubeObject[],
  options: {
    selector?: string;
    namespace?: string;
    states?: Record<string, KindSyncState>;
    settings?: Partial<CollectorSettings>;
  } = {},
): CollectorContext {
  const cluster = memoryCluster(objects, { states: options.states });
  return {
    workloads: resolveWorkloads([cluster], {
      selector: LabelSelector.parse(options.selector ?? 'app=web'),
      namespace: options.namespace,
    }),
    settings: { ...DEFAULT_COLLECTOR_SETTINGS, ...options.settings },
    now: '2026-01-02T00:00:00.000Z',
  };
}

/** A Kubernetes object with the metadata tests usually need. */
export function obj(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string | undefined,
  fields: Record<string, unknown> = {},
  metadata: Partial<KubeObject['metadata']> & {
    creationTimestamp?: string;
  } = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      uid: `uid-${kind}-${name}`,
      resourceVersion: '1',
      ...metadata,
    },
    ...fields,
  };
}

/** A Deployment → ReplicaSet → Pod chain labelled `app=<app>`, joined by owner UID. */
export function deploymentChain(
  app: string,
  namespace: string,
  podSpec: Record<string, unknown> = {},
  podLabels: Record<string, string> = {},
): KubeObject[] {
  const labels = { app, ...podLabels };
  const deployment = obj(
    'apps/v1',
    'Deployment',
    app,
    namespace,
    {
      spec: { template: { spec: podSpec } },
    },
    { labels: { app } },
  );
  const rs = obj(
    'apps/v1',
    'ReplicaSet',
    `${app}-abc`,
    namespace,
    {},
    {
      labels,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: app,
          uid: deployment.metadata.uid,
          controller: true,
        },
      ],
    },
  );
  const pod = obj(
    'v1',
    'Pod',
    `${app}-abc-1`,
    namespace,
    {
      spec: {
        serviceAccountName: app,
        containers: [{ name: 'server', image: `${app}:1` }],
        ...podSpec,
      },
    },
    {
      labels,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs.metadata.name,
          uid: rs.metadata.uid,
          controller: true,
        },
      ],
    },
  );
  return [deployment, rs, pod];
}
