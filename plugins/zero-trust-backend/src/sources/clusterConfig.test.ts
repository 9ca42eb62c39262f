import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { readLiveClusterOptions, readLiveClusters } from './clusterConfig';

const locator = (clusters: object[]) => ({
  kubernetes: { clusterLocatorMethods: [{ type: 'config', clusters }] },
});

describe('readLiveClusters', () => {
  it('reads the kubernetes plugin clusters with serviceAccount tokens and CA data', async () => {
    const { clusters } = readLiveClusters(
      new ConfigReader(
        locator([
          {
            name: 'prod',
            url: 'https://10.0.0.1:6443',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'tok',
            caData: Buffer.from('-----BEGIN CERTIFICATE-----').toString(
              'base64',
            ),
          },
          {
            name: 'stage',
            url: 'https://10.0.0.2:6443',
            authMetadata: {
              'kubernetes.io/auth-provider': 'serviceAccount',
              serviceAccountToken: 'tok2',
            },
            skipTLSVerify: true,
          },
        ]),
      ),
    );
    expect(clusters.map(c => [c.name, c.error])).toEqual([
      ['prod', undefined],
      ['stage', undefined],
    ]);
    const prod = clusters[0].kubeConfig!;
    expect(prod.getCurrentCluster()).toMatchObject({
      server: 'https://10.0.0.1:6443',
      skipTLSVerify: false,
    });
    expect(prod.getCurrentCluster()!.caData).toBeDefined();
    expect(prod.getCurrentUser()!.token).toBe('tok');
    expect(clusters[1].kubeConfig!.getCurrentCluster()!.skipTLSVerify).toBe(
      true,
    );
    expect(clusters[1].kubeConfig!.getCurrentUser()!.token).toBe('tok2');
  });

  it('uses the in-cluster token file when no token is configured', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-sa-'));
    const token = path.join(dir, 'token');
    const ca = path.join(dir, 'ca.crt');
    fs.writeFileSync(token, 'projected');
    fs.writeFileSync(ca, 'ca');
    const { clusters } = readLiveClusters(
      new ConfigReader(
        locator([
          {
            name: 'self',
            url: 'https://kubernetes.default.svc',
            authProvider: 'serviceAccount',
          },
        ]),
      ),
      { inClusterTokenPath: token, inClusterCaPath: ca },
    );
    const kc = clusters[0].kubeConfig!;
    expect(kc.getCurrentUser()!.authProvider).toEqual({
      name: 'tokenFile',
      config: { tokenFile: token },
    });
    expect(kc.getCurrentCluster()!.caFile).toBe(ca);
  });

  it('reports clusters it cannot use instead of failing the backend', () => {
    const { clusters, skipped } = readLiveClusters(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'gke', projectId: 'p', region: 'r' },
            {
              type: 'config',
              clusters: [
                { name: 'no-auth', url: 'https://a' },
                { name: 'google', url: 'https://b', authProvider: 'google' },
                {
                  name: 'no-token',
                  url: 'https://c',
                  authProvider: 'serviceAccount',
                },
              ],
            },
          ],
        },
      }),
      { inClusterTokenPath: '/nonexistent/token' },
    );
    expect(skipped).toEqual(['gke']);
    expect(clusters.map(c => [c.name, c.error])).toEqual([
      ['no-auth', expect.stringMatching(/no auth provider/)],
      ['google', expect.stringMatching(/"google" is not supported/)],
      ['no-token', expect.stringMatching(/no serviceAccountToken/)],
    ]);
  });

  it('reads a local kubeconfig context for development', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-kubeconfig-'));
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters:
- name: kind
  cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}
- name: other
  cluster: {server: 'https://127.0.0.1:7443'}
users:
- name: me
  user: {token: abc}
contexts:
- name: kind-dev
  context: {cluster: kind, user: me}
- name: other
  context: {cluster: other, user: me}
current-context: other
`,
    );
    const { clusters } = readLiveClusters(
      new ConfigReader({
        zeroTrust: { kubeconfig: { path: file, context: 'kind-dev' } },
      }),
    );
    expect(clusters[0].name).toBe('kind-dev');
    expect(clusters[0].kubeConfig!.getCurrentCluster()!.server).toBe(
      'https://127.0.0.1:6443',
    );

    const missing = readLiveClusters(
      new ConfigReader({
        zeroTrust: { kubeconfig: { path: file, context: 'nope', name: 'dev' } },
      }),
    ).clusters[0];
    expect(missing).toMatchObject({
      name: 'dev',
      error: expect.stringMatching(/context "nope" not found/),
    });
  });
});

describe('readLiveClusterOptions', () => {
  it('reads durations in Backstage formats and falls back to defaults', () => {
    const options = readLiveClusterOptions(
      new ConfigReader({
        zeroTrust: {
          clusters: {
            requestTimeout: { seconds: 5 },
            watchTimeout: '2m',
            staleAfter: 'PT15M',
          },
          limits: { sbomComponents: 100 },
        },
      }),
    );
    expect(options).toMatchObject({
      requestTimeoutMs: 5000,
      watchTimeoutSeconds: 120,
      staleAfterMs: 900_000,
      pageSize: 500,
      limits: { maxSbomComponents: 100 },
    });
  });
});
