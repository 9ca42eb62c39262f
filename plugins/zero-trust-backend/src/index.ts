/**
 * The Zero Trust backend plugin: each catalog component's posture, with evidence, from live
 * clusters.
 *
 * @packageDocumentation
 */

export { zeroTrustPlugin as default } from './plugin';
export { zeroTrustClusterAccessExtensionPoint } from './sources/clusterAccessExtensionPoint';
export type { ZeroTrustClusterAccessExtensionPoint } from './sources/clusterAccessExtensionPoint';
