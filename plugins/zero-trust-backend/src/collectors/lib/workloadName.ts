import { ClusterWorkloads } from '../../service/resolveWorkloads';
import { KubeObject } from '../../sources/types';

/**
 * The name people know a pod by: its top controller (`Deployment/frontend`,
 * `Rollout/checkoutservice`), or `Pod/<name>` for a bare pod.
 */
export function workloadNameOf(pod: KubeObject, w: ClusterWorkloads): string {
  let current: KubeObject = pod;
  for (let depth = 0; depth < 5; depth++) {
    const ref =
      current.metadata.ownerReferences?.find(r => r.controller) ??
      current.metadata.ownerReferences?.[0];
    if (!ref) break;
    const namespace = current.metadata.namespace;
    const owner = w.controllers.find(
      c =>
        c.metadata.namespace === namespace &&
        ((ref.uid && c.metadata.uid === ref.uid) ||
          (c.kind === ref.kind && c.metadata.name === ref.name)),
    );
    if (!owner) break;
    current = owner;
  }
  return `${current.kind}/${current.metadata.name}`;
}

/** A pod's containers, init containers and ephemeral containers, as plain objects. */
export function podContainers(pod: KubeObject): {
  containers: Container[];
  initContainers: Container[];
} {
  const spec = (pod.spec ?? {}) as {
    containers?: unknown;
    initContainers?: unknown;
  };
  return {
    containers: Array.isArray(spec.containers) ? spec.containers : [],
    initContainers: Array.isArray(spec.initContainers)
      ? spec.initContainers
      : [],
  };
}

/** The fields of a container the collectors read. */
export interface Container {
  name?: string;
  image?: string;
  restartPolicy?: string;
  ports?: { containerPort?: number; name?: string }[];
  env?: {
    valueFrom?: { secretKeyRef?: { name?: string } };
  }[];
  envFrom?: { secretRef?: { name?: string } }[];
}
