import { PolicyResourceRef, UnknownObject } from './types';

/** How Kyverno reports the rule for this kind: itself, autogen for controllers, ours for Rollouts. */
export type PodHolderKind = 'pod' | 'controller' | 'cronjob' | 'rollout';

/** Where each kind keeps its pod template. Keyed by `<group>/<kind>`, any version. */
const POD_SPEC_PATHS: Record<
  string,
  { path: string[]; holder: PodHolderKind }
> = {
  '/Pod': { path: [], holder: 'pod' },
  'apps/Deployment': { path: ['spec', 'template'], holder: 'controller' },
  'apps/StatefulSet': { path: ['spec', 'template'], holder: 'controller' },
  'apps/DaemonSet': { path: ['spec', 'template'], holder: 'controller' },
  'apps/ReplicaSet': { path: ['spec', 'template'], holder: 'controller' },
  '/ReplicationController': {
    path: ['spec', 'template'],
    holder: 'controller',
  },
  'batch/Job': { path: ['spec', 'template'], holder: 'controller' },
  'batch/CronJob': {
    path: ['spec', 'jobTemplate', 'spec', 'template'],
    holder: 'cronjob',
  },
  'argoproj.io/Rollout': { path: ['spec', 'template'], holder: 'rollout' },
};

/** A pod (template) inside a workload, with the JSON paths to report against. */
export interface PodTemplate {
  resource: PolicyResourceRef;
  holder: PodHolderKind;
  /** `metadata` of the pod or pod template (labels). */
  metadata: UnknownObject;
  spec: UnknownObject;
  /** JSON path of `spec`, e.g. `spec.template.spec`. */
  specPath: string;
}

export const isObject = (v: unknown): v is UnknownObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const asObject = (v: unknown): UnknownObject => (isObject(v) ? v : {});

export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Kyverno treats an object without a namespace as living in `default`. */
export function namespaceOf(object: UnknownObject): string {
  const ns = asObject(object.metadata).namespace;
  return typeof ns === 'string' && ns ? ns : 'default';
}

export function resourceRef(
  object: UnknownObject,
): PolicyResourceRef | undefined {
  const meta = asObject(object.metadata);
  if (
    typeof object.apiVersion !== 'string' ||
    typeof object.kind !== 'string' ||
    typeof meta.name !== 'string'
  ) {
    return undefined;
  }
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(typeof meta.namespace === 'string'
      ? { namespace: meta.namespace }
      : {}),
    name: meta.name,
  };
}

/** The pod template of a workload, or undefined for objects that hold no pods. */
export function podTemplateOf(object: UnknownObject): PodTemplate | undefined {
  const resource = resourceRef(object);
  if (!resource) {
    return undefined;
  }
  const entry =
    POD_SPEC_PATHS[`${groupOf(resource.apiVersion)}/${resource.kind}`];
  if (!entry) {
    return undefined;
  }
  let holder: unknown = object;
  for (const key of entry.path) {
    holder = asObject(holder)[key];
  }
  return {
    resource,
    holder: entry.holder,
    metadata: asObject(asObject(holder).metadata),
    spec: asObject(asObject(holder).spec),
    specPath: [...entry.path, 'spec'].join('.'),
  };
}

/**
 * The workload's `app` label, resolved like the Kyverno policies do: pod template first, then
 * the CronJob's template, then the object's own labels.
 */
export function appLabelOf(object: UnknownObject): string {
  const labels = (path: string[]) => {
    let v: unknown = object;
    for (const k of path) v = asObject(v)[k];
    const app = asObject(v).app;
    return typeof app === 'string' ? app : '';
  };
  return (
    labels(['spec', 'template', 'metadata', 'labels']) ||
    labels(['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels']) ||
    labels(['metadata', 'labels'])
  );
}

export const CONTAINER_LISTS = [
  'ephemeralContainers',
  'initContainers',
  'containers',
] as const;

/** Every container of a pod spec with its JSON path. */
export function containersOf(pod: PodTemplate) {
  return CONTAINER_LISTS.flatMap(list =>
    asArray(pod.spec[list]).map((c, i) => ({
      list,
      container: asObject(c),
      path: `${pod.specPath}.${list}[${i}]`,
    })),
  );
}
