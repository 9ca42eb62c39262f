import { EvidenceRef } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterSource, KubeObject, groupOf } from '../../sources/types';

/**
 * A pointer to the object behind a result. `observedAt` is when the cache last confirmed the
 * object's kind (now, for a live watch that is connected), so stale evidence shows its age.
 */
export function evidenceRef(
  cluster: ClusterSource,
  obj: KubeObject,
  fallbackObservedAt: string,
): EvidenceRef {
  return {
    cluster: cluster.name,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
    observedAt:
      cluster.kindStatus(groupOf(obj.apiVersion), obj.kind).lastSyncAt ??
      fallbackObservedAt,
  };
}

/** Evidence of one result, each object once, in the order first seen. */
export class EvidenceList {
  private readonly refs = new Map<string, EvidenceRef>();

  constructor(private readonly observedAt: string) {}

  add(cluster: ClusterSource, obj: KubeObject): this {
    const key = `${cluster.name}/${obj.apiVersion}/${obj.kind}/${
      obj.metadata.namespace ?? ''
    }/${obj.metadata.name}`;
    if (!this.refs.has(key)) {
      this.refs.set(key, evidenceRef(cluster, obj, this.observedAt));
    }
    return this;
  }

  list(): EvidenceRef[] {
    return [...this.refs.values()];
  }
}
