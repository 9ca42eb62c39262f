/**
 * Scaffolder actions (`zerotrust:*`) that generate, validate and propose Zero Trust manifests.
 *
 * @packageDocumentation
 */

export { scaffolderModuleZeroTrust as default } from './module';
export { createResolveDependenciesAction } from './actions/resolveDependencies';
export { createGenerateManifestsAction } from './actions/generateManifests';
export { createValidateManifestsAction } from './actions/validateManifests';
export { createGitopsPullRequestAction } from './actions/gitopsPullRequest';
export { createKyvernoPoliciesAction } from './actions/kyvernoPolicies';
export { createBaselineUpgradeAction } from './actions/baselineUpgrade';
