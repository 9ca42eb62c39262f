import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { JsonObject } from '@backstage/types';
import {
  AksStrategy,
  AnonymousStrategy,
  AwsIamStrategy,
  AzureIdentityStrategy,
  DispatchStrategy,
  GoogleServiceAccountStrategy,
  GoogleStrategy,
  OidcStrategy,
  ServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
} from '@backstage/plugin-kubernetes-common';
import {
  AuthenticationStrategy,
  ClusterDetails,
  KubernetesClusterSupplierFactory,
  KubernetesClustersSupplier,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import { KubeConfig, User } from '@kubernetes/client-node';
import {
  GetCombinedClusterSupplier,
  loadKubernetesClusterSupplier,
} from './kubernetesPluginInternals';

/** A live cluster to connect to, or the reason it cannot be used. */
export type LiveClusterConfig = (
  | { name: string; kubeConfig: KubeConfig; error?: undefined }
  | { name: string; kubeConfig?: undefined; error: string }
) & {
  /** Changes when the cluster's connection details change, so the source is rebuilt. */
  fingerprint?: string;
};

/** Produces the live clusters; asked at startup and again every refresh interval. */
export interface LiveClusterResolver {
  resolve(): Promise<LiveClusterConfig[]>;
}

/**
 * The auth strategies of Backstage's kubernetes plugin, keyed by `authProvider`, as its default
 * strategy map builds them (the map itself is not exported; the classes are).
 */
export function defaultAuthStrategies(options: {
  config: Config;
  logger: LoggerService;
}): Map<string, AuthenticationStrategy> {
  const { config, logger } = options;
  return new Map<string, AuthenticationStrategy>([
    ['aks', new AksStrategy()],
    ['aws', new AwsIamStrategy({ config })],
    ['azure', new AzureIdentityStrategy(logger)],
    ['google', new GoogleStrategy()],
    ['googleServiceAccount', new GoogleServiceAccountStrategy({ config })],
    ['localKubectlProxy', new AnonymousStrategy()],
    ['oidc', new OidcStrategy()],
    ['serviceAccount', new ServiceAccountStrategy()],
  ]);
}

// Strategies that use the token the signed-in user's browser sends with each request to the
// kubernetes plugin. The Zero Trust backend watches clusters in the background, for no user.
const USER_TOKEN_HINTS: Record<string, string> = {
  google:
    'the google auth provider uses the signed-in user’s Google token, and the Zero Trust backend reads clusters in the background without a user; use googleServiceAccount',
  oidc: 'the oidc auth provider uses the signed-in user’s OIDC token, and the Zero Trust backend reads clusters in the background without a user; set zeroTrust.clusters.oidcTokenFiles.<oidcTokenProvider> to a file holding the backend’s own token, or use serviceAccount, aws, azure or googleServiceAccount',
  aks: 'the aks auth provider uses the signed-in user’s AKS token, and the Zero Trust backend reads clusters in the background without a user; use azure (the backend’s own Azure identity)',
};

const IN_CLUSTER_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ClusterAccessOptions {
  config: Config;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  /** Replaces the kubernetes plugin's supplier, as `kubernetesClusterSupplierExtensionPoint` does. */
  clusterSupplier?:
    | KubernetesClustersSupplier
    | KubernetesClusterSupplierFactory;
  /** Added to (or replacing) the default strategies, as `kubernetesAuthStrategyExtensionPoint` does. */
  authStrategies?: Map<string, AuthenticationStrategy>;
  /** Where the in-cluster ServiceAccount token and CA are (tests). */
  inClusterDir?: string;
  /** The locators' implementation (tests). */
  getCombinedClusterSupplier?: GetCombinedClusterSupplier;
}

const BACKSTAGE_USER = 'backstage-kubernetes-auth';

/**
 * `zeroTrust.clusters.oidcTokenFiles`: for clusters with `authProvider: oidc`, the file holding the
 * backend's own token, keyed by the cluster's `oidcTokenProvider`.
 */
function oidcTokenFiles(config: Config): Map<string, string> {
  const files = config.getOptionalConfig('zeroTrust.clusters.oidcTokenFiles');
  return new Map(
    (files?.keys() ?? []).map(provider => [
      provider,
      path.resolve(files!.getString(provider)),
    ]),
  );
}

/** Applies a kubernetes-plugin auth strategy's credential to each client-node request. */
export class StrategyAuthenticator {
  constructor(
    private readonly details: ClusterDetails,
    private readonly strategy: AuthenticationStrategy,
  ) {}

  isAuthProvider(user: User): boolean {
    return user.authProvider?.name === BACKSTAGE_USER;
  }

  async applyAuthentication(
    _user: User,
    opts: https.RequestOptions,
  ): Promise<void> {
    const credential = await this.strategy.getCredential(this.details, {});
    if (credential.type === 'bearer token') {
      opts.headers = {
        ...opts.headers,
        Authorization: `Bearer ${credential.token}`,
      };
    } else if (credential.type === 'x509 client certificate') {
      opts.cert = credential.cert;
      opts.key = credential.key;
    }
  }
}

interface LocatorEntry {
  label: string;
  supplier?: KubernetesClustersSupplier;
  error?: string;
}

/**
 * The kubernetes plugin's supplier, one per locator method, so that a locator that cannot be built
 * or fails (a GKE project it cannot list, a catalog that does not answer) is reported by itself
 * and the other locators' clusters are still read.
 */
class LocatorSuppliers implements KubernetesClustersSupplier {
  static fromConfig(
    options: ClusterAccessOptions,
    strategies: Map<string, AuthenticationStrategy>,
  ): LocatorSuppliers {
    const { config, logger, catalog, auth } = options;
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    const entries: LocatorEntry[] = [];
    let getCombined: GetCombinedClusterSupplier | undefined;
    const authStrategy = new DispatchStrategy({
      authStrategyMap: Object.fromEntries(strategies),
    });
    methods.forEach((method, i) => {
      const label = `kubernetes.clusterLocatorMethods[${i}] (${
        method.getOptionalString('type') ?? 'no type'
      })`;
      try {
        getCombined ??=
          options.getCombinedClusterSupplier ?? loadKubernetesClusterSupplier();
        const supplier = getCombined(
          new ConfigReader({
            kubernetes: { clusterLocatorMethods: [method.get<JsonObject>()] },
          }),
          catalog,
          authStrategy,
          logger,
          undefined,
          auth,
        );
        entries.push({ label, supplier });
      } catch (e) {
        const error = `cluster locator: ${(e as Error).message}`;
        logger.error(`Zero Trust: ${label}: ${error}`);
        entries.push({ label, error });
      }
    });
    return new LocatorSuppliers(entries, logger);
  }

  private constructor(
    private readonly entries: LocatorEntry[],
    private readonly logger: LoggerService,
  ) {}

  async locate(
    options: Parameters<KubernetesClustersSupplier['getClusters']>[0],
  ): Promise<{ clusters: ClusterDetails[]; errors: LiveClusterConfig[] }> {
    const clusters: ClusterDetails[] = [];
    const errors: LiveClusterConfig[] = [];
    for (const entry of this.entries) {
      if (entry.error !== undefined) {
        errors.push({ name: entry.label, error: entry.error });
        continue;
      }
      try {
        clusters.push(...(await entry.supplier!.getClusters(options)));
      } catch (e) {
        const error = `cluster locator failed: ${(e as Error).message}`;
        this.logger.warn(`Zero Trust: ${entry.label}: ${error}`, {
          locator: entry.label,
        });
        errors.push({ name: entry.label, error });
      }
    }
    return { clusters, errors };
  }

  async getClusters(
    options: Parameters<KubernetesClustersSupplier['getClusters']>[0],
  ): Promise<ClusterDetails[]> {
    return (await this.locate(options)).clusters;
  }
}

/**
 * Cluster access as Backstage's kubernetes plugin has it: its cluster supplier, built from
 * `kubernetes.clusterLocatorMethods` (locators `config`, `catalog`, `gke`, `localKubectlProxy`),
 * and its auth strategies, keyed by each cluster's `kubernetes.io/auth-provider`. Each cluster
 * becomes a client-node KubeConfig whose requests carry the strategy's credential, asked for on
 * every request so that expiring tokens (AWS, Azure, Google) are renewed as the strategy sees fit.
 */
export class KubernetesClusterAccess implements LiveClusterResolver {
  readonly strategies: Map<string, AuthenticationStrategy>;
  private readonly oidcTokenFiles: Map<string, string>;
  private readonly defaultSupplier: LocatorSuppliers;
  private customSupplier?: Promise<KubernetesClustersSupplier>;

  constructor(private readonly options: ClusterAccessOptions) {
    const { config, logger } = options;
    this.strategies = new Map([
      ...defaultAuthStrategies({ config, logger }),
      ...(options.authStrategies ?? []),
    ]);
    this.oidcTokenFiles = oidcTokenFiles(config);
    this.defaultSupplier = LocatorSuppliers.fromConfig(
      options,
      this.strategies,
    );
  }

  private supplier(): Promise<KubernetesClustersSupplier> | undefined {
    const custom = this.options.clusterSupplier;
    if (!custom) return undefined;
    this.customSupplier ??=
      typeof custom === 'function'
        ? custom({ getDefault: async () => this.defaultSupplier })
        : Promise.resolve(custom);
    return this.customSupplier;
  }

  async resolve(): Promise<LiveClusterConfig[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const results: LiveClusterConfig[] = [];
    let clusters: ClusterDetails[];
    const custom = this.supplier();
    if (custom) {
      try {
        clusters = await (await custom).getClusters({ credentials });
      } catch (e) {
        const error = `the cluster supplier failed: ${(e as Error).message}`;
        this.options.logger.error(`Zero Trust: ${error}`, e as Error);
        return [{ name: 'cluster supplier', error }];
      }
    } else {
      const located = await this.defaultSupplier.locate({ credentials });
      clusters = located.clusters;
      results.push(...located.errors);
    }
    for (const details of clusters) {
      results.push(await this.toLiveCluster(details));
    }
    return results;
  }

  /** One cluster's KubeConfig, or why it cannot be used. */
  async toLiveCluster(details: ClusterDetails): Promise<LiveClusterConfig> {
    const fingerprint = JSON.stringify([
      details.url,
      details.caData,
      details.caFile,
      details.skipTLSVerify,
      details.authMetadata,
    ]);
    const result = await connect(details, {
      strategies: this.strategies,
      oidcTokenFiles: this.oidcTokenFiles,
      inClusterDir: this.options.inClusterDir ?? IN_CLUSTER_DIR,
    });
    if (result.error !== undefined) {
      this.options.logger.warn(
        `Zero Trust: cannot read cluster "${details.name}": ${result.error}`,
        { cluster: details.name, url: details.url },
      );
    }
    return { ...result, fingerprint };
  }
}

/** A KubeConfig for one cluster whose user is a client-node auth provider. */
function singleClusterKubeConfig(
  details: ClusterDetails,
  user: { name: string; authProvider: { name: string; config: object } },
): KubeConfig {
  const { name } = details;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name,
        server: details.url,
        caData: details.caData,
        caFile: details.caFile,
        // client-node refuses http URLs unless told; kubectl proxy has no TLS to verify.
        skipTLSVerify:
          (details.skipTLSVerify ?? false) || details.url.startsWith('http:'),
      },
    ],
    users: [user],
    contexts: [{ name, cluster: name, user: user.name }],
    currentContext: name,
  });
  return kubeConfig;
}

async function connect(
  details: ClusterDetails,
  options: {
    strategies: Map<string, AuthenticationStrategy>;
    oidcTokenFiles: Map<string, string>;
    inClusterDir: string;
  },
): Promise<LiveClusterConfig> {
  const { strategies, inClusterDir } = options;
  const name = details.name;
  const authProvider =
    details.authMetadata?.[ANNOTATION_KUBERNETES_AUTH_PROVIDER];
  if (!authProvider) {
    return {
      name,
      error: `no auth provider (${ANNOTATION_KUBERNETES_AUTH_PROVIDER}) in the cluster's auth metadata`,
    };
  }
  // The kubernetes plugin's oidc strategy sends the signed-in user's token. In the background the
  // backend uses its own, from a file re-read as it rotates (client-node's tokenFile provider): e.g.
  // a projected ServiceAccount token whose issuer the target cluster trusts as an OIDC issuer.
  const oidcProvider =
    details.authMetadata[ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER];
  const tokenFile =
    authProvider === 'oidc' && oidcProvider
      ? options.oidcTokenFiles.get(oidcProvider)
      : undefined;
  if (tokenFile) {
    if (!fs.existsSync(tokenFile)) {
      return {
        name,
        error: `oidc auth: zeroTrust.clusters.oidcTokenFiles.${oidcProvider} names ${tokenFile}, which does not exist`,
      };
    }
    return {
      name,
      kubeConfig: singleClusterKubeConfig(details, {
        name: `oidc-${oidcProvider}`,
        authProvider: { name: 'tokenFile', config: { tokenFile } },
      }),
    };
  }
  const strategy = strategies.get(authProvider);
  if (!strategy) {
    return {
      name,
      error: `auth provider "${authProvider}" is unknown; known: ${[
        ...strategies.keys(),
      ].join(
        ', ',
      )} (register others with zeroTrustClusterAccessExtensionPoint.addAuthStrategy)`,
    };
  }
  const invalid = strategy.validateCluster(details.authMetadata);
  if (invalid.length > 0) {
    return {
      name,
      error: `${authProvider} auth: ${invalid.map(e => e.message).join(', ')}`,
    };
  }
  // As the kubernetes plugin: serviceAccount without a token, in a pod, reads its own cluster with
  // the pod's projected token (re-read as it rotates) and the cluster's CA.
  const inClusterCa = path.join(inClusterDir, 'ca.crt');
  if (
    authProvider === 'serviceAccount' &&
    !details.authMetadata.serviceAccountToken
  ) {
    if (!fs.existsSync(inClusterCa)) {
      return {
        name,
        error: `serviceAccount auth without a serviceAccountToken works only in a pod (no ${inClusterCa}); set serviceAccountToken`,
      };
    }
    const host = process.env.KUBERNETES_SERVICE_HOST;
    const port = process.env.KUBERNETES_SERVICE_PORT;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name,
          server: host
            ? `https://${host.includes(':') ? `[${host}]` : host}:${port}`
            : details.url,
          caFile: inClusterCa,
          skipTLSVerify: false,
        },
      ],
      users: [
        {
          name: 'in-cluster',
          authProvider: {
            name: 'tokenFile',
            config: { tokenFile: path.join(inClusterDir, 'token') },
          },
        },
      ],
      contexts: [{ name, cluster: name, user: 'in-cluster' }],
      currentContext: name,
    });
    return { name, kubeConfig };
  }
  // Ask once now, so that a strategy that cannot work here says so per cluster at once.
  let credential: KubernetesCredential;
  try {
    credential = await strategy.getCredential(details, {});
  } catch (e) {
    const hint = USER_TOKEN_HINTS[authProvider];
    return {
      name,
      error: `${authProvider} auth: ${(e as Error).message}${
        hint ? ` (${hint})` : ''
      }`,
    };
  }
  if (credential.type === 'anonymous' && authProvider !== 'localKubectlProxy') {
    return {
      name,
      error: `${authProvider} auth gave no bearer token or client certificate${
        USER_TOKEN_HINTS[authProvider]
          ? ` (${USER_TOKEN_HINTS[authProvider]})`
          : ''
      }`,
    };
  }
  const kubeConfig = singleClusterKubeConfig(details, {
    name: BACKSTAGE_USER,
    authProvider: { name: BACKSTAGE_USER, config: { authProvider } },
  });
  kubeConfig.addAuthenticator(new StrategyAuthenticator(details, strategy));
  return { name, kubeConfig };
}
