import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  AuthenticationStrategy,
  KubernetesClusterSupplierFactory,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import { zeroTrustPermissions } from '@zero-trust-k8s/plugin-zero-trust-common';
import { createRouter } from './service/router';
import { ClusterRegistry } from './service/ClusterRegistry';
import { HubbleFlows, readHubbleSettings } from './hubble/HubbleFlows';
import { PostureService } from './service/PostureService';
import { readCollectorSettings } from './service/collectorSettings';
import { KubernetesClusterAccess } from './sources/clusterAccess';
import { zeroTrustClusterAccessExtensionPoint } from './sources/clusterAccessExtensionPoint';
import { createZeroTrustActions } from './actions';
import { CollectorRegistry } from './collectors/registry';
import { zeroTrustCollectorsExtensionPoint } from './collectors/collectorsExtensionPoint';
import { zeroTrustEvidenceSourcesExtensionPoint } from './sources/evidenceSourcesExtensionPoint';
import { ClusterSource } from './sources/types';
import { startReplicas } from './store/replicas';

/**
 * The Zero Trust backend plugin: each catalog component's posture, with evidence.
 *
 * @public
 */
export const zeroTrustPlugin = createBackendPlugin({
  pluginId: 'zero-trust',
  register(env) {
    let clusterSupplier:
      | KubernetesClustersSupplier
      | KubernetesClusterSupplierFactory
      | undefined;
    const authStrategies = new Map<string, AuthenticationStrategy>();
    // The built-in collectors first, registered as a module registers its own.
    const collectors = CollectorRegistry.withBuiltIns();
    env.registerExtensionPoint(zeroTrustCollectorsExtensionPoint, {
      addCollector: collector => collectors.add(collector),
    });
    const addedSources: ClusterSource[] = [];
    env.registerExtensionPoint(zeroTrustEvidenceSourcesExtensionPoint, {
      addClusterSource(source) {
        if (typeof source?.name !== 'string' || !source.name) {
          throw new Error('Zero Trust: an evidence source needs a name');
        }
        addedSources.push(source);
      },
    });
    env.registerExtensionPoint(zeroTrustClusterAccessExtensionPoint, {
      addClusterSupplier(supplier) {
        if (clusterSupplier) {
          throw new Error(
            'Zero Trust: a cluster supplier has already been registered',
          );
        }
        clusterSupplier = supplier;
      },
      addAuthStrategy(key, strategy) {
        if (/\s/.test(key)) {
          throw new Error(
            `Zero Trust: auth strategy key "${key}" must not contain whitespace`,
          );
        }
        authStrategies.set(key, strategy);
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        lifecycle,
        auth,
        catalog,
        actionsRegistry,
        database,
        scheduler,
      }) {
        permissionsRegistry.addPermissions(zeroTrustPermissions);
        // Clusters are found and authenticated as Backstage's kubernetes plugin does.
        const clusterAccess = new KubernetesClusterAccess({
          config,
          logger,
          catalog,
          auth,
          clusterSupplier,
          authStrategies,
        });
        // With zeroTrust.replicas.enabled: leases per cluster and the shared posture store.
        const replicas = await startReplicas({
          config,
          logger,
          database,
          scheduler,
          catalog,
          auth,
        });
        const clusters = ClusterRegistry.fromConfig(
          config,
          logger,
          clusterAccess,
          {
            sources: addedSources,
            kinds: collectors.kinds(),
            leases: replicas?.leases,
          },
        );
        // Informers run for the backend's lifetime; page views only read their caches. The
        // catalog locator needs the catalog, so clusters are resolved once the backend started.
        lifecycle.addStartupHook(async () => {
          await clusters.start();
          logger.info(
            `Zero Trust backend reads ${clusters.sources().length} cluster(s)`,
          );
        });
        // Recent flows from Hubble Relay, read per page view (zeroTrust.hubble).
        const hubble = new HubbleFlows(readHubbleSettings(config));
        lifecycle.addShutdownHook(async () => {
          await replicas?.leases.stop();
          await clusters.stop();
          hubble.close();
        });
        const posture = new PostureService(
          clusters,
          catalog,
          readCollectorSettings(config),
          logger,
          collectors,
          replicas?.shared,
          hubble,
        );
        replicas?.recordWith(posture);
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            catalog,
            posture,
            clusters,
            store: replicas?.store,
            clusterHealth: replicas?.clusterHealth,
          }),
        );
        // The same answers for MCP clients and other plugins, behind the same permissions.
        createZeroTrustActions({
          actionsRegistry,
          catalog,
          permissions,
          posture,
        });
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
