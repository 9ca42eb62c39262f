import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { zeroTrustPermissions } from '@zero-trust-k8s/plugin-zero-trust-common';
import { createRouter } from './service/router';
import { ClusterRegistry } from './service/ClusterRegistry';
import { PostureService } from './service/PostureService';
import { readCollectorSettings } from './service/collectorSettings';

/**
 * The Zero Trust backend plugin: each catalog component's posture, with evidence.
 *
 * @public
 */
export const zeroTrustPlugin = createBackendPlugin({
  pluginId: 'zero-trust',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        lifecycle,
        catalog,
      }) {
        permissionsRegistry.addPermissions(zeroTrustPermissions);
        const clusters = ClusterRegistry.fromConfig(config, logger);
        logger.info(
          `Zero Trust backend reads ${clusters.sources().length} cluster(s)`,
        );
        // Informers run for the backend's lifetime; page views only read their caches.
        lifecycle.addStartupHook(() => clusters.start());
        lifecycle.addShutdownHook(() => clusters.stop());
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            catalog,
            posture: new PostureService(
              clusters,
              catalog,
              readCollectorSettings(config),
            ),
            clusters,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
