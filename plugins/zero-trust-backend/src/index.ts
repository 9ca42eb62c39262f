/**
 * The Zero Trust backend plugin: each catalog component's posture, with evidence, from live
 * clusters.
 *
 * @packageDocumentation
 */

export { zeroTrustPlugin as default } from './plugin';
export { zeroTrustClusterAccessExtensionPoint } from './sources/clusterAccessExtensionPoint';
export type { ZeroTrustClusterAccessExtensionPoint } from './sources/clusterAccessExtensionPoint';
export { zeroTrustCollectorsExtensionPoint } from './collectors/collectorsExtensionPoint';
export type { ZeroTrustCollectorsExtensionPoint } from './collectors/collectorsExtensionPoint';
export type {
  ZeroTrustCollector,
  ZeroTrustCollectorContext,
  ZeroTrustCollectorResult,
  ZeroTrustClusterObjects,
} from './collectors/types';
export { zeroTrustEvidenceSourcesExtensionPoint } from './sources/evidenceSourcesExtensionPoint';
export type { ZeroTrustEvidenceSourcesExtensionPoint } from './sources/evidenceSourcesExtensionPoint';
export type {
  ClusterSource,
  KindStatus,
  KubeObject,
  OwnerReference,
} from './sources/types';
