import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { createResolveDependenciesAction } from './actions/resolveDependencies';

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
        logger: coreServices.logger,
      },
      async init({ scaffolder, catalog }) {
        scaffolder.addActions(createResolveDependenciesAction({ catalog }));
      },
    });
  },
});
