import { EvidenceRef } from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeObject } from '../sources/types';

/** A pointer to the live object behind a result. */
export function evidenceRef(
  cluster: string,
  obj: KubeObject,
  observedAt: string,
): EvidenceRef {
  return {
    cluster,
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    resourceVersion: obj.metadata.resourceVersion,
    observedAt,
  };
}
