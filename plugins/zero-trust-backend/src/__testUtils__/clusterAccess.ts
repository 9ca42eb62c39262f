import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceAccountStrategy } from '@backstage/plugin-kubernetes-backend';
import * as clientNode from '@kubernetes/client-node';
import {
  ClusterAccessOptions,
  KubernetesClusterAccess,
  LiveClusterConfig,
} from '../sources/clusterAccess';

/**
 * The kubernetes plugin's ServiceAccountStrategy loads client-node with a dynamic import, which
 * Jest runs only with --experimental-vm-modules; the strategy takes the module injected (for its
 * own tests) instead. Everything else about it is the real strategy.
 */
export function serviceAccountStrategyForJest(): ServiceAccountStrategy {
  const strategy = new ServiceAccountStrategy();
  (
    strategy as unknown as { injectedKubernetesClient: unknown }
  ).injectedKubernetesClient = clientNode;
  return strategy;
}

/** Cluster access for a test: the kubernetes plugin's locators and strategies over this config. */
export function clusterAccessFor(
  config: object,
  extra: Partial<ClusterAccessOptions> & {
    entities?: Entity[];
    logger?: LoggerService;
  } = {},
): KubernetesClusterAccess {
  const { entities, authStrategies, ...rest } = extra;
  return new KubernetesClusterAccess({
    config: new ConfigReader(config),
    logger: mockServices.logger.mock(),
    catalog: catalogServiceMock({ entities: entities ?? [] }),
    auth: mockServices.auth(),
    inClusterDir: '/nonexistent/serviceaccount',
    ...rest,
    authStrategies: new Map([
      ['serviceAccount', serviceAccountStrategyForJest()],
      ...(authStrategies ?? []),
    ]),
  });
}

/** The live clusters of a `config` locator over these cluster entries. */
export async function configLocatorClusters(
  clusters: object[],
  extra?: Parameters<typeof clusterAccessFor>[1],
): Promise<LiveClusterConfig[]> {
  return clusterAccessFor(
    { kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters }] } },
    extra,
  ).resolve();
}
