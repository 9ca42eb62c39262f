import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { AzureIdentityStrategy } from '@backstage/plugin-kubernetes-backend';
import {
  AuthenticationStrategy,
  ClusterDetails,
} from '@backstage/plugin-kubernetes-node';
import { KubeConfig } from '@kubernetes/client-node';
import { WATCHED_KINDS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { FakeApiServer, eventually } from '../__testUtils__/FakeApiServer';
import {
  clusterAccessFor,
  configLocatorClusters,
} from '../__testUtils__/clusterAccess';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterSource,
} from './LiveClusterSource';
import { LiveClusterConfig } from './clusterAccess';

// The GKE locator and the googleServiceAccount strategy talk to Google through this client.
const listClusters = jest.fn();
const getAccessToken = jest.fn();
jest.mock('@google-cloud/container', () => ({
  v1: {
    ClusterManagerClient: jest.fn().mockImplementation(() => ({
      listClusters,
      auth: { getAccessToken },
    })),
  },
}));

/** The request options client-node would send with, without sending. */
async function requestOptions(kc: KubeConfig): Promise<https.RequestOptions> {
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  return opts;
}

function byName(clusters: LiveClusterConfig[]) {
  return Object.fromEntries(clusters.map(c => [c.name, c]));
}

const PODS = WATCHED_KINDS.filter(k => k.kind === 'Pod');

describe('cluster access as the kubernetes plugin has it', () => {
  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnv };
    jest.clearAllMocks();
  });

  it('config locator, serviceAccount: the token (either spelling) and CA reach the API server', async () => {
    const server = await FakeApiServer.start();
    server.setCollection('/api/v1/pods', []);
    const ca = Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64');
    const clusters = byName(
      await configLocatorClusters([
        {
          name: 'prod',
          url: 'https://10.0.0.1:6443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'tok',
          caData: ca,
        },
        {
          name: 'fake',
          url: server.url,
          authMetadata: {
            'kubernetes.io/auth-provider': 'serviceAccount',
            serviceAccountToken: 'tok2',
          },
        },
      ]),
    );
    const prod = clusters.prod.kubeConfig!;
    expect(prod.getCurrentCluster()).toMatchObject({
      server: 'https://10.0.0.1:6443',
      caData: ca,
      skipTLSVerify: false,
    });
    expect((await requestOptions(prod)).headers).toMatchObject({
      Authorization: 'Bearer tok',
    });
    const source = new LiveClusterSource(
      'fake',
      clusters.fake.kubeConfig!,
      DEFAULT_LIVE_CLUSTER_OPTIONS,
      PODS,
    );
    await source.start();
    try {
      await eventually(() =>
        expect(source.kindStatus('', 'Pod').state).toBe('synced'),
      );
      expect(server.requests[0].authorization).toBe('Bearer tok2');
    } finally {
      await source.stop();
      await server.close();
    }
  });

  it('serviceAccount without a token: in a pod, the projected token file and CA; elsewhere a clear error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-sa-'));
    fs.writeFileSync(path.join(dir, 'token'), 'projected');
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'ca');
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    const cluster = {
      name: 'self',
      url: 'https://k',
      authProvider: 'serviceAccount',
    };
    const [inPod] = await configLocatorClusters([cluster], {
      inClusterDir: dir,
    });
    const kc = inPod.kubeConfig!;
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://10.96.0.1:443',
      caFile: path.join(dir, 'ca.crt'),
    });
    expect(kc.getCurrentUser()!.authProvider).toEqual({
      name: 'tokenFile',
      config: { tokenFile: path.join(dir, 'token') },
    });
    const [outside] = await configLocatorClusters([cluster]);
    expect(outside.error).toMatch(
      /works only in a pod.*set serviceAccountToken/,
    );
  });

  it('aws: an EKS token presigned with the backend’s AWS credentials, for the cluster (or its aws cluster id)', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_REGION = 'eu-west-1';
    const clusters = byName(
      await configLocatorClusters([
        { name: 'eks', url: 'https://eks.example', authProvider: 'aws' },
        {
          name: 'eks2',
          url: 'https://eks2.example',
          authProvider: 'aws',
          authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'real-id' },
        },
      ]),
    );
    for (const name of ['eks', 'eks2']) {
      const headers = (await requestOptions(clusters[name].kubeConfig!))
        .headers as Record<string, string>;
      const auth = headers.Authorization;
      expect(auth).toMatch(/^Bearer k8s-aws-v1\./);
      const url = new URL(
        Buffer.from(
          auth.slice('Bearer k8s-aws-v1.'.length),
          'base64url',
        ).toString(),
      );
      expect(url.host).toBe('sts.eu-west-1.amazonaws.com');
      expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain(
        'x-k8s-aws-id',
      );
    }
  });

  it('azure: the token of the backend’s Azure identity, renewed by the strategy', async () => {
    const getToken = jest.fn().mockResolvedValue({
      token: 'azure-token',
      expiresOnTimestamp: Date.now() + 3600_000,
    });
    const [aks] = await configLocatorClusters(
      [{ name: 'aks', url: 'https://aks.example', authProvider: 'azure' }],
      {
        authStrategies: new Map([
          [
            'azure',
            new AzureIdentityStrategy(mockServices.logger.mock(), {
              getToken,
            }),
          ],
        ]),
      },
    );
    expect((await requestOptions(aks.kubeConfig!)).headers).toMatchObject({
      Authorization: 'Bearer azure-token',
    });
    // The AKS server application's scope, as the kubernetes plugin asks for it.
    expect(getToken).toHaveBeenCalledWith(
      '6dae42f8-4368-4678-94ff-3960e28e3630/.default',
      expect.anything(),
    );
  });

  it('google, oidc and aks use the signed-in user’s token: each such cluster reports why it cannot be read', async () => {
    const clusters = byName(
      await configLocatorClusters([
        { name: 'gcp', url: 'https://g', authProvider: 'google' },
        {
          name: 'oidc',
          url: 'https://o',
          authProvider: 'oidc',
          oidcTokenProvider: 'okta',
        },
        { name: 'aks', url: 'https://a', authProvider: 'aks' },
        {
          name: 'ok',
          url: 'https://s',
          authProvider: 'serviceAccount',
          serviceAccountToken: 't',
        },
      ]),
    );
    expect(clusters.gcp.error).toMatch(
      /^google auth: Google token not found.*use googleServiceAccount/,
    );
    expect(clusters.oidc.error).toMatch(
      /^oidc auth: Auth token not found under oidc\.okta.*without a user/,
    );
    expect(clusters.aks.error).toMatch(
      /^aks auth gave no bearer token.*use azure/,
    );
    expect(clusters.ok.kubeConfig).toBeDefined();
  });

  it('oidc with zeroTrust.clusters.oidcTokenFiles: the backend’s own token from the file of that oidcTokenProvider; a missing file is named', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-oidc-'));
    fs.writeFileSync(path.join(dir, 'token'), 'token-of-the-backend');
    const oidc = (name: string, oidcTokenProvider: string) => ({
      name,
      url: `https://${name}`,
      authProvider: 'oidc',
      oidcTokenProvider,
    });
    const clusters = byName(
      await clusterAccessFor({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                oidc('with-file', 'platform'),
                oidc('missing-file', 'gone'),
                oidc('not-configured', 'okta'),
              ],
            },
          ],
        },
        zeroTrust: {
          clusters: {
            oidcTokenFiles: {
              platform: path.join(dir, 'token'),
              gone: path.join(dir, 'absent'),
            },
          },
        },
      }).resolve(),
    );
    const opts = await requestOptions(clusters['with-file'].kubeConfig!);
    expect(opts.headers).toMatchObject({
      Authorization: 'Bearer token-of-the-backend',
    });
    expect(clusters['missing-file'].error).toBe(
      `oidc auth: zeroTrust.clusters.oidcTokenFiles.gone names ${path.join(
        dir,
        'absent',
      )}, which does not exist`,
    );
    expect(clusters['not-configured'].error).toMatch(
      /oidc\.okta.*set zeroTrust\.clusters\.oidcTokenFiles\.<oidcTokenProvider>/,
    );
  });

  it('an invalid or unknown locator fails alone, with its position and type', async () => {
    const clusters = await clusterAccessFor({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [{ name: 'o', url: 'https://o', authProvider: 'oidc' }],
          },
          { type: 'rancher' },
          {
            type: 'config',
            clusters: [
              {
                name: 'fine',
                url: 'https://f',
                authProvider: 'serviceAccount',
                serviceAccountToken: 't',
              },
            ],
          },
        ],
      },
    }).resolve();
    expect(clusters.map(c => [c.name, c.error])).toEqual([
      [
        'kubernetes.clusterLocatorMethods[0] (config)',
        expect.stringMatching(/Must specify a token provider for 'oidc'/),
      ],
      [
        'kubernetes.clusterLocatorMethods[1] (rancher)',
        expect.stringMatching(/Unsupported kubernetes.clusterLocatorMethods/),
      ],
      ['fine', undefined],
    ]);
  });

  it('gke locator with googleServiceAccount: the clusters the GKE API lists, with the service account’s token', async () => {
    listClusters.mockResolvedValue([
      {
        clusters: [
          {
            name: 'gke-a',
            endpoint: '34.1.2.3',
            resourceLabels: { env: 'prod' },
          },
          {
            name: 'gke-b',
            endpoint: '34.1.2.4',
            resourceLabels: { env: 'dev' },
          },
        ],
      },
    ]);
    getAccessToken.mockResolvedValue('google-sa-token');
    const access = clusterAccessFor({
      kubernetes: {
        googleServiceAccountCredentials: JSON.stringify({
          type: 'service_account',
        }),
        clusterLocatorMethods: [
          {
            type: 'gke',
            projectId: 'proj',
            region: 'europe-west1',
            authProvider: 'googleServiceAccount',
            matchingResourceLabels: [{ key: 'env', value: 'prod' }],
          },
        ],
      },
    });
    const clusters = await access.resolve();
    expect(listClusters).toHaveBeenCalledWith({
      parent: 'projects/proj/locations/europe-west1',
    });
    expect(clusters.map(c => c.name)).toEqual(['gke-a']);
    const kc = clusters[0].kubeConfig!;
    expect(kc.getCurrentCluster()!.server).toBe('https://34.1.2.3');
    expect((await requestOptions(kc)).headers).toMatchObject({
      Authorization: 'Bearer google-sa-token',
    });
  });

  it('gke locator with google auth, and a GKE API that fails: per-cluster and per-locator errors', async () => {
    listClusters.mockResolvedValueOnce([
      { clusters: [{ name: 'gke-a', endpoint: '34.1.2.3' }] },
    ]);
    const logger = mockServices.logger.mock();
    const access = clusterAccessFor(
      {
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'gke', projectId: 'proj' },
            { type: 'gke', projectId: 'denied' },
          ],
        },
      },
      { logger },
    );
    listClusters.mockRejectedValueOnce(new Error('PERMISSION_DENIED'));
    const clusters = byName(await access.resolve());
    expect(clusters['gke-a'].error).toMatch(/use googleServiceAccount/);
    expect(clusters['kubernetes.clusterLocatorMethods[1] (gke)'].error).toMatch(
      /error retrieving clusters from GKE for projectId=denied/,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/cannot read cluster "gke-a"/),
      expect.objectContaining({ cluster: 'gke-a' }),
    );
  });

  it('localKubectlProxy locator: kubectl proxy on localhost:8001, anonymously', async () => {
    // The locator always reads kubectl proxy's port; a busy port fails the test, never skips it.
    const proxy = await FakeApiServer.start(8001).catch(e => {
      throw new Error(
        `the localKubectlProxy locator reads http://localhost:8001, so this test needs port 8001 free on 127.0.0.1: ${e}`,
      );
    });
    proxy.setCollection('/api/v1/pods', [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n' },
      },
    ]);
    const [local] = await clusterAccessFor({
      kubernetes: { clusterLocatorMethods: [{ type: 'localKubectlProxy' }] },
    }).resolve();
    expect(local.name).toBe('local');
    const source = new LiveClusterSource(
      'local',
      local.kubeConfig!,
      DEFAULT_LIVE_CLUSTER_OPTIONS,
      PODS,
    );
    await source.start();
    try {
      await eventually(() => expect(source.objects('', 'Pod')).toHaveLength(1));
      expect(proxy.requests[0].authorization).toBeUndefined();
    } finally {
      await source.stop();
      await proxy.close();
    }
  });

  it('custom suppliers and strategies, with the kubernetes plugin’s types: a client certificate, an unknown provider', async () => {
    const x509: AuthenticationStrategy = {
      getCredential: async () => ({
        type: 'x509 client certificate',
        cert: 'CERT',
        key: 'KEY',
      }),
      validateCluster: () => [],
      presentAuthMetadata: () => ({}),
    };
    const extra: ClusterDetails = {
      name: 'from-supplier',
      url: 'https://x.example',
      authMetadata: { 'kubernetes.io/auth-provider': 'x509' },
    };
    const access = clusterAccessFor(
      {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                { name: 'vault', url: 'https://v', authProvider: 'vault' },
              ],
            },
          ],
        },
      },
      {
        authStrategies: new Map([['x509', x509]]),
        clusterSupplier: async ({ getDefault }) => {
          const fallback = await getDefault();
          return {
            getClusters: async options => [
              ...(await fallback.getClusters(options)),
              extra,
            ],
          };
        },
      },
    );
    const clusters = byName(await access.resolve());
    // The config locator validates providers against the strategies, as the kubernetes plugin
    // does: an unknown one fails that locator.
    expect(Object.keys(clusters)).toEqual(['from-supplier']);
    const opts = await requestOptions(clusters['from-supplier'].kubeConfig!);
    expect([opts.cert, opts.key]).toEqual(['CERT', 'KEY']);

    const unknown = await access.toLiveCluster({
      ...extra,
      authMetadata: { 'kubernetes.io/auth-provider': 'vault' },
    });
    expect(unknown.error).toMatch(
      /auth provider "vault" is unknown; known: aks, aws, .*x509.*addAuthStrategy/,
    );
  });

  it('a strategy that fails later fails the kinds of that cluster, not the backend', async () => {
    const server = await FakeApiServer.start();
    let calls = 0;
    const flaky: AuthenticationStrategy = {
      getCredential: async () => {
        calls++;
        if (calls > 1) throw new Error('token endpoint down');
        return { type: 'bearer token', token: 't' };
      },
      validateCluster: () => [],
      presentAuthMetadata: () => ({}),
    };
    const cluster = await clusterAccessFor(
      {},
      { authStrategies: new Map([['flaky', flaky]]) },
    ).toLiveCluster({
      name: 'flaky',
      url: server.url,
      authMetadata: { 'kubernetes.io/auth-provider': 'flaky' },
    });
    const source = new LiveClusterSource(
      'flaky',
      cluster.kubeConfig!,
      { ...DEFAULT_LIVE_CLUSTER_OPTIONS, initialBackoffMs: 50 },
      PODS,
    );
    await source.start();
    try {
      await eventually(() =>
        expect(source.kindStatus('', 'Pod')).toMatchObject({
          state: 'error',
          error: 'token endpoint down',
        }),
      );
    } finally {
      await source.stop();
      await server.close();
    }
  });
});
