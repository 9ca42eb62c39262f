import fs from 'node:fs';
import { Config, readDurationFromConfig } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterOptions,
} from './LiveClusterSource';

/** A live cluster to connect to, or the reason its configuration cannot be used. */
export type LiveClusterConfig =
  | { name: string; kubeConfig: KubeConfig; error?: undefined }
  | { name: string; kubeConfig?: undefined; error: string };

// Backstage's kubernetes plugin names the auth provider either way.
const AUTH_PROVIDER_KEY = 'kubernetes.io/auth-provider';
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const IN_CLUSTER_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

/**
 * The live clusters: those of `kubernetes.clusterLocatorMethods` of type `config` (shared with
 * Backstage's kubernetes plugin, so users configure clusters once) and, for local use, the context
 * named by `zeroTrust.kubeconfig`. Other locator types (`gke`, `catalog`, …) are skipped; the
 * plugin logs them.
 */
export function readLiveClusters(
  config: Config,
  options: { inClusterTokenPath?: string; inClusterCaPath?: string } = {},
): { clusters: LiveClusterConfig[]; skipped: string[] } {
  const clusters: LiveClusterConfig[] = [];
  const skipped: string[] = [];
  for (const method of config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  ) ?? []) {
    const type = method.getString('type');
    if (type !== 'config') {
      skipped.push(type);
      continue;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      clusters.push(fromClusterConfig(cluster, options));
    }
  }
  const local = config.getOptionalConfig('zeroTrust.kubeconfig');
  if (local) {
    clusters.push(fromKubeconfig(local));
  }
  return { clusters, skipped };
}

function fromClusterConfig(
  c: Config,
  options: { inClusterTokenPath?: string; inClusterCaPath?: string },
): LiveClusterConfig {
  const name = c.getString('name');
  const authMetadata =
    c.getOptional<Record<string, string>>('authMetadata') ?? {};
  const authProvider =
    authMetadata[AUTH_PROVIDER_KEY] ?? c.getOptionalString('authProvider');
  if (authProvider !== 'serviceAccount') {
    return {
      name,
      error: authProvider
        ? `auth provider "${authProvider}" is not supported by the Zero Trust backend; use serviceAccount (a token of a ServiceAccount bound to examples/rbac)`
        : 'no auth provider configured (authProvider: serviceAccount)',
    };
  }
  const url = c.getString('url');
  const token =
    authMetadata.serviceAccountToken ??
    c.getOptionalString('serviceAccountToken');
  const tokenPath = options.inClusterTokenPath ?? IN_CLUSTER_TOKEN;
  if (!token && !fs.existsSync(tokenPath)) {
    return {
      name,
      error: `no serviceAccountToken configured and no in-cluster token at ${tokenPath}`,
    };
  }
  const caData = c.getOptionalString('caData');
  let caFile = c.getOptionalString('caFile');
  const caPath = options.inClusterCaPath ?? IN_CLUSTER_CA;
  if (!token && !caData && !caFile && fs.existsSync(caPath)) {
    caFile = caPath; // running in the cluster it reads: trust its CA
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name,
        server: url,
        caData,
        caFile,
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
      },
    ],
    users: [
      token
        ? { name: 'zero-trust', token }
        : {
            name: 'zero-trust',
            // Re-read periodically, as projected tokens rotate.
            authProvider: {
              name: 'tokenFile',
              config: { tokenFile: tokenPath },
            },
          },
    ],
    contexts: [{ name, cluster: name, user: 'zero-trust' }],
    currentContext: name,
  });
  return { name, kubeConfig };
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
