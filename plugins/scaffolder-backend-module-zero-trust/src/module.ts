import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { createResolveDependenciesAction } from './actions/resolveDependencies';
import { createGenerateManifestsAction } from './actions/generateManifests';
import { createValidateManifestsAction } from './actions/validateManifests';
import { createKyvernoPoliciesAction } from './actions/kyvernoPolicies';
import { createGitopsPullRequestAction } from './actions/gitopsPullRequest';
import { createBaselineUpgradeAction } from './actions/baselineUpgrade';

/**
 * Registers the `zerotrust:*` scaffolder actions.
 *
 * @public
 */
export const scaffolderModuleZeroTrust = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'zero-trust',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, catalog, config }) {
        const integrations = ScmIntegrations.fromConfig(config);
        const githubCredentialsProvider =
          DefaultGithubCredentialsProvider.fromIntegrations(integrations);
        scaffolder.addActions(
          createResolveDependenciesAction({ catalog }),
          createGenerateManifestsAction(),
          createValidateManifestsAction(),
          createKyvernoPoliciesAction(),
          createGitopsPullRequestAction({
            integrations,
            githubCredentialsProvider,
          }),
          createBaselineUpgradeAction({
            catalog,
            integrations,
            githubCredentialsProvider,
          }),
        );
      },
    });
  },
});
