export {
  checkManifests,
  kyvernoRuleName,
  workloadsInExcludedNamespaces,
} from './checkManifests';
export type { CheckManifestsOptions } from './checkManifests';
export { zeroTrustKyvernoPolicies } from './kyvernoPolicies';
export type {
  KyvernoClusterPolicy,
  KyvernoPolicyOptions,
} from './kyvernoPolicies';
export {
  BASELINE_POLICIES,
  EXCLUDED_NAMESPACES,
  EXCLUDED_NAMESPACES_TEXT,
  isExcludedNamespace,
} from './baseline';
export type { BaselinePolicyName } from './baseline';
export type {
  PolicySeverity,
  PolicyResourceRef,
  PolicyViolation,
  UnknownObject,
} from './types';
export { renderManifestFolder } from './renderManifestFolder';
export type { RenderedBuild } from './renderManifestFolder';
