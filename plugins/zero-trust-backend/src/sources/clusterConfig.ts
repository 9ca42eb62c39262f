import { Config, readDurationFromConfig } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { durationToMilliseconds } from '@backstage/types';
import { LiveClusterConfig } from './clusterAccess';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterOptions,
} from './LiveClusterSource';

export type { LiveClusterConfig } from './clusterAccess';

/**
 * The context named by `zeroTrust.kubeconfig`, as one more live cluster for local use. The
 * clusters shared with Backstage's kubernetes plugin come from its locators: see clusterAccess.ts.
 */
export function readLocalKubeconfig(
  config: Config,
): LiveClusterConfig | undefined {
  const local = config.getOptionalConfig('zeroTrust.kubeconfig');
  return local ? fromKubeconfig(local) : undefined;
}

function fromKubeconfig(c: Config): LiveClusterConfig {
  const path = c.getOptionalString('path');
  const context = c.getOptionalString('context');
  const kubeConfig = new KubeConfig();
  try {
    if (path) kubeConfig.loadFromFile(path);
    else kubeConfig.loadFromDefault();
    if (context) {
      if (!kubeConfig.getContextObject(context)) {
        throw new Error(`context "${context}" not found`);
      }
      kubeConfig.setCurrentContext(context);
    }
  } catch (e) {
    return {
      name: c.getOptionalString('name') ?? context ?? 'kubeconfig',
      error: `cannot load kubeconfig${path ? ` ${path}` : ''}: ${
        (e as Error).message
      }`,
    };
  }
  return {
    name:
      c.getOptionalString('name') ??
      kubeConfig.getCurrentContext() ??
      'kubeconfig',
    kubeConfig,
  };
}

/** Timeouts, retries and limits from `zeroTrust.clusters` and `zeroTrust.limits`. */
export function readLiveClusterOptions(config: Config): LiveClusterOptions {
  const d = DEFAULT_LIVE_CLUSTER_OPTIONS;
  const ms = (key: string, fallback: number) =>
    config.has(key)
      ? durationToMilliseconds(readDurationFromConfig(config, { key }))
      : fallback;
  const watchTimeoutMs = ms(
    'zeroTrust.clusters.watchTimeout',
    d.watchTimeoutSeconds * 1000,
  );
  return {
    requestTimeoutMs: ms(
      'zeroTrust.clusters.requestTimeout',
      d.requestTimeoutMs,
    ),
    pageSize:
      config.getOptionalNumber('zeroTrust.clusters.pageSize') ?? d.pageSize,
    watchTimeoutSeconds: Math.max(1, Math.round(watchTimeoutMs / 1000)),
    initialBackoffMs: ms(
      'zeroTrust.clusters.initialBackoff',
      d.initialBackoffMs,
    ),
    maxBackoffMs: ms('zeroTrust.clusters.maxBackoff', d.maxBackoffMs),
    recheckMs: ms('zeroTrust.clusters.recheckInterval', d.recheckMs),
    staleAfterMs: ms('zeroTrust.clusters.staleAfter', d.staleAfterMs),
    limits: {
      maxSbomComponents:
        config.getOptionalNumber('zeroTrust.limits.sbomComponents') ??
        d.limits.maxSbomComponents,
    },
  };
}

/** How often the cluster locators are asked again for the clusters (`zeroTrust.clusters.refreshInterval`, default 5 minutes). */
export function readClusterRefreshMs(config: Config): number {
  return config.has('zeroTrust.clusters.refreshInterval')
    ? durationToMilliseconds(
        readDurationFromConfig(config, {
          key: 'zeroTrust.clusters.refreshInterval',
        }),
      )
    : 300_000;
}
