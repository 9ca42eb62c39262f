export { useTestCluster } from './useTestCluster';
export {
  TEST_KUBECONFIG_ENV,
  createGlobalSetup,
  globalSetup,
  globalTeardown,
  testKubeconfigPath,
} from './globalSetup';
