/**
 * Scaffolder actions (`zerotrust:*`) that generate, validate and propose Zero Trust manifests.
 *
 * @packageDocumentation
 */

export { scaffolderModuleZeroTrust as default } from './module';
export { createResolveDependenciesAction } from './actions/resolveDependencies';
