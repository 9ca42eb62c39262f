import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthenticationStrategy } from '@backstage/plugin-kubernetes-node';
import { ClusterHealth } from '@zero-trust-k8s/plugin-zero-trust-common';
import { useTestCluster } from '@zero-trust-k8s/test-cluster';
import { eventually } from '../__testUtils__/FakeApiServer';
import request from 'supertest';
import { serviceAccountStrategyForJest } from '../__testUtils__/clusterAccess';
import { zeroTrustPlugin } from '../plugin';
import { zeroTrustClusterAccessExtensionPoint } from '../sources/clusterAccessExtensionPoint';

jest.setTimeout(300_000);

const NAMESPACE = 'backstage';

const SERVICE_ACCOUNT = 'zero-trust-backstage';

// The real API server of the test cluster, reached as Backstage's kubernetes plugin reaches
// clusters, through each mechanism that can run here: a ServiceAccount token from the TokenRequest
// API under a `config` locator, and a kubernetes-cluster Resource entity under the `catalog`
// locator. The whole backend plugin runs, wired as an adopter wires it.
describe('cluster access against a real API server', () => {
  const cluster = useTestCluster({
    apply: [path.resolve(__dirname, '../../../../examples/rbac')],
  });

  /** The test cluster's server URL and CA (base64 PEM, as kubeconfig and the annotations hold it). */
  function serverAndCa(): { url: string; caData: string } {
    const admin = cluster().kubeConfig().getCurrentCluster()!;
    const caData =
      admin.caData ?? fs.readFileSync(admin.caFile!).toString('base64');
    return { url: admin.server, caData };
  }

  async function startBackend(options: {
    kubernetes: object;
    entities?: Entity[];
    strategies?: Record<string, AuthenticationStrategy>;
    oidcTokenFiles?: Record<string, string>;
  }) {
    const strategies = {
      // See serviceAccountStrategyForJest: the real strategy, its client-node module injected.
      serviceAccount: serviceAccountStrategyForJest(),
      ...options.strategies,
    };
    const { server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        createBackendModule({
          pluginId: 'zero-trust',
          moduleId: 'test-auth-strategies',
          register(env) {
            env.registerInit({
              deps: { access: zeroTrustClusterAccessExtensionPoint },
              async init({ access }) {
                for (const [key, strategy] of Object.entries(strategies)) {
                  access.addAuthStrategy(key, strategy);
                }
              },
            });
          },
        }),
        catalogServiceMock.factory({ entities: options.entities ?? [] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: options.kubernetes,
            zeroTrust: {
              clusters: {
                initialBackoff: '100ms',
                maxBackoff: '500ms',
                oidcTokenFiles: options.oidcTokenFiles,
              },
            },
          },
        }),
      ],
    });
    return server;
  }

  async function clusters(
    server: Parameters<typeof request>[0],
  ): Promise<Record<string, ClusterHealth>> {
    const res = await request(server)
      .get('/api/zero-trust/v1/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return Object.fromEntries(
      (res.body.items as ClusterHealth[]).map(c => [c.name, c]),
    );
  }

  const podKind = (health: ClusterHealth) =>
    health.kinds?.find(k => k.kind === 'Pod');

  it('config locator, serviceAccount auth with a TokenRequest token and caData; a wrong token fails that cluster only', async () => {
    const { url, caData } = serverAndCa();
    const token = await cluster().tokenFor(NAMESPACE, SERVICE_ACCOUNT);
    const server = await startBackend({
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'test',
                url,
                caData,
                authProvider: 'serviceAccount',
                serviceAccountToken: token,
              },
              {
                name: 'wrong-token',
                url,
                caData,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'not-a-token',
              },
            ],
          },
        ],
      },
    });
    await eventually(
      async () => {
        const all = await clusters(server);
        expect(podKind(all.test)).toMatchObject({ state: 'synced' });
        // The least-privilege role reads no Secrets; every watched kind is either synced, forbidden
        // by design or not installed, none failed.
        expect(all.test.kinds!.filter(k => k.state === 'error')).toEqual([]);
        expect(podKind(all['wrong-token'])).toMatchObject({
          state: 'error',
          error: expect.stringMatching(/HTTP 401/),
        });
      },
      60_000,
      500,
    );
  });

  it('catalog locator: a kubernetes-cluster Resource with api-server, CA and auth-provider annotations, authenticated by a strategy registered through our extension point', async () => {
    const { url, caData } = serverAndCa();
    const token = await cluster().tokenFor(NAMESPACE, SERVICE_ACCOUNT);
    const tokenRequests: string[] = [];
    // A server-side strategy of the adopter's own (the kubernetes plugin's catalog locator refuses
    // serviceAccount, so that secrets do not live in catalog entities).
    const tokenRequest: AuthenticationStrategy = {
      getCredential: async details => {
        tokenRequests.push(details.name);
        return { type: 'bearer token', token };
      },
      validateCluster: () => [],
      presentAuthMetadata: () => ({}),
    };
    const resource = (name: string, authProvider: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name,
        annotations: {
          'kubernetes.io/api-server': url,
          'kubernetes.io/api-server-certificate-authority': caData,
          'kubernetes.io/auth-provider': authProvider,
        },
      },
      spec: { type: 'kubernetes-cluster', owner: 'group:platform' },
    });
    const server = await startBackend({
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'catalog',
            // The test API server listens on 127.0.0.1, which the locator refuses by default.
            dangerouslyAllowClusterUrls: ['127.0.0.1'],
          },
        ],
      },
      entities: [
        resource('from-catalog', 'tokenRequest'),
        resource('with-service-account', 'serviceAccount'),
      ],
      strategies: { tokenRequest },
    });
    await eventually(
      async () => {
        const all = await clusters(server);
        expect(Object.keys(all)).toEqual(['from-catalog']);
        expect(podKind(all['from-catalog'])).toMatchObject({ state: 'synced' });
        expect(
          all['from-catalog'].kinds!.filter(k => k.state === 'error'),
        ).toEqual([]);
      },
      60_000,
      500,
    );
    expect(tokenRequests).toContain('from-catalog');
  });

  /** Binds a user (not a ServiceAccount) to the backend's least-privilege ClusterRole. */
  async function bindReaderRole(user: string) {
    await cluster().apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {
        name: `zero-trust-reader-${user.replace(/[^a-z0-9-]/g, '-')}`,
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'zero-trust-backstage-reader',
      },
      subjects: [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user },
      ],
    });
  }

  it('client certificate: an adopter’s strategy giving an x509 credential, registered through our extension point, is used for every request', async () => {
    const { url, caData } = serverAndCa();
    await bindReaderRole('zero-trust-cert-reader');
    const { cert, key } = await cluster().clientCertificateFor(
      'zero-trust-cert-reader',
    );
    const clientCertificate: AuthenticationStrategy = {
      getCredential: async () => ({
        type: 'x509 client certificate',
        cert,
        key,
      }),
      validateCluster: () => [],
      presentAuthMetadata: () => ({}),
    };
    const server = await startBackend({
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'cert', url, caData, authProvider: 'clientCertificate' },
            ],
          },
        ],
      },
      strategies: { clientCertificate },
    });
    await eventually(
      async () => {
        const { cert: health } = await clusters(server);
        expect(podKind(health)).toMatchObject({ state: 'synced' });
        expect(health.kinds!.filter(k => k.state === 'error')).toEqual([]);
      },
      60_000,
      500,
    );
  });

  it('oidc auth: the backend’s own token from zeroTrust.clusters.oidcTokenFiles, verified by the API server against its OIDC issuer', async () => {
    const { url, caData } = serverAndCa();
    await bindReaderRole('oidc:zero-trust-backstage');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-oidc-'));
    const tokenFile = path.join(dir, 'token');
    const expiredFile = path.join(dir, 'expired');
    fs.writeFileSync(
      tokenFile,
      await cluster().oidcTokenFor('zero-trust-backstage'),
    );
    fs.writeFileSync(
      expiredFile,
      await cluster().oidcTokenFor('zero-trust-backstage', {
        ttlSeconds: -3600,
      }),
    );
    const oidcCluster = (name: string, oidcTokenProvider: string) => ({
      name,
      url,
      caData,
      authProvider: 'oidc',
      oidcTokenProvider,
    });
    const server = await startBackend({
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              oidcCluster('oidc', 'test-issuer'),
              oidcCluster('oidc-expired', 'expired'),
              oidcCluster('oidc-no-file', 'not-configured'),
            ],
          },
        ],
      },
      oidcTokenFiles: { 'test-issuer': tokenFile, expired: expiredFile },
    });
    await eventually(
      async () => {
        const all = await clusters(server);
        expect(podKind(all.oidc)).toMatchObject({ state: 'synced' });
        expect(all.oidc.kinds!.filter(k => k.state === 'error')).toEqual([]);
        expect(podKind(all['oidc-expired'])).toMatchObject({
          state: 'error',
          error: expect.stringMatching(/HTTP 401/),
        });
        // Without a token file, the kubernetes plugin's strategy needs a signed-in user: the
        // cluster says how to configure it.
        expect(all['oidc-no-file'].healthy).toBe(false);
        expect(all['oidc-no-file'].errors).toEqual([
          expect.stringMatching(/zeroTrust\.clusters\.oidcTokenFiles/),
        ]);
      },
      60_000,
      500,
    );
  });
});
