export { generateManifests } from './generateManifests';
export type { GeneratedManifests } from './generateManifests';
export { parseServiceSpec } from './parseServiceSpec';
export {
  serviceSpecSchema,
  ENVIRONMENTS,
  SERVICE_PROTOCOLS,
} from './ServiceSpec';
export type {
  ServiceSpec,
  ServiceSpecInput,
  ServicePeerSpec,
  EnvironmentName,
} from './ServiceSpec';
export type { ManifestObject } from './objectMeta';
export { BASELINE_VERSION, BASELINE_CHANGELOG } from './baselineVersion';
export type { BaselineChange } from './baselineVersion';
export {
  TREE_RECORD_FILE,
  gitBlobSha,
  parseTreeRecord,
  writeTreeRecord,
} from './treeRecord';
export type { TreeRecord } from './treeRecord';
export {
  planUpgrade,
  isUpToDate,
  describeUpgradePlan,
  upgradePullRequest,
  inMemoryTree,
} from './upgrade';
export type {
  GitOpsTree,
  UpgradePlan,
  UpgradeFileChange,
  UpgradeFileStatus,
} from './upgrade';
