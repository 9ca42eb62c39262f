import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  readClusterRefreshMs,
  readLiveClusterOptions,
  readLocalKubeconfig,
} from './clusterConfig';

describe('readLocalKubeconfig', () => {
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
    const local = readLocalKubeconfig(
      new ConfigReader({
        zeroTrust: { kubeconfig: { path: file, context: 'kind-dev' } },
      }),
    )!;
    expect(local.name).toBe('kind-dev');
    expect(local.kubeConfig!.getCurrentCluster()!.server).toBe(
      'https://127.0.0.1:6443',
    );

    const missing = readLocalKubeconfig(
      new ConfigReader({
        zeroTrust: { kubeconfig: { path: file, context: 'nope', name: 'dev' } },
      }),
    );
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
    expect(readClusterRefreshMs(new ConfigReader({}))).toBe(300_000);
    expect(
      readClusterRefreshMs(
        new ConfigReader({
          zeroTrust: { clusters: { refreshInterval: '1m' } },
        }),
      ),
    ).toBe(60_000);
  });
});
