import fs from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  TEST_KUBECONFIG_ENV,
  createGlobalSetup,
  globalTeardown,
  testKubeconfigPath,
} from './globalSetup';

jest.setTimeout(600_000);

describe('Jest global setup and teardown', () => {
  it('starts one cluster, shares its kubeconfig through the environment, and removes it', async () => {
    expect(() => testKubeconfigPath()).toThrow(/globalSetup/);

    await createGlobalSetup({ crds: false })();
    const file = testKubeconfigPath();
    expect(process.env[TEST_KUBECONFIG_ENV]).toBe(file);

    const kc = new KubeConfig();
    kc.loadFromFile(file);
    expect(kc.getCurrentCluster()!.server).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+$/,
    );
    const { items } = await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(items.map(ns => ns.metadata!.name)).toContain('kube-system');

    const cluster = (globalThis as any).__ztTestCluster;
    await globalTeardown();
    expect(cluster.exitCode).toBe(0); // a clean shutdown on SIGTERM
    expect(process.env[TEST_KUBECONFIG_ENV]).toBeUndefined();
    expect(fs.existsSync(cluster.dataDir)).toBe(false);
  });
});
