/**
 * A Kubernetes kind the Zero Trust backend reads.
 *
 * @public
 */
export interface WatchedKind {
  group: string;
  version: string;
  /** The resource name in URLs (plural, lower case). */
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Which control needs it, so a missing CRD or RBAC rule can be explained. */
  usedBy: string;
}

const k = (
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  usedBy: string,
): WatchedKind => ({ group, version, plural, kind, namespaced, usedBy });

/**
 * Every kind the backend reads — and nothing else. The least-privilege ClusterRole in
 * examples/rbac grants get/list/watch on exactly these (never Secrets); a test against a real
 * API server keeps the two in step.
 *
 * @public
 */
export const WATCHED_KINDS: readonly WatchedKind[] = [
  k('', 'v1', 'namespaces', 'Namespace', false, 'mtls (ambient enrollment)'),
  k('', 'v1', 'pods', 'Pod', true, 'workloads, mtls (sidecars)'),
  k('', 'v1', 'services', 'Service', true, 'segmentation, authorization'),
  k('', 'v1', 'serviceaccounts', 'ServiceAccount', true, 'identity'),
  k('apps', 'v1', 'deployments', 'Deployment', true, 'workloads'),
  k('apps', 'v1', 'replicasets', 'ReplicaSet', true, 'workloads'),
  k('apps', 'v1', 'statefulsets', 'StatefulSet', true, 'workloads'),
  k('apps', 'v1', 'daemonsets', 'DaemonSet', true, 'workloads'),
  k(
    'networking.k8s.io',
    'v1',
    'networkpolicies',
    'NetworkPolicy',
    true,
    'segmentation',
  ),
  k('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true, 'identity'),
  k(
    'rbac.authorization.k8s.io',
    'v1',
    'rolebindings',
    'RoleBinding',
    true,
    'identity',
  ),
  k(
    'rbac.authorization.k8s.io',
    'v1',
    'clusterroles',
    'ClusterRole',
    false,
    'identity',
  ),
  k(
    'rbac.authorization.k8s.io',
    'v1',
    'clusterrolebindings',
    'ClusterRoleBinding',
    false,
    'identity',
  ),
  k(
    'security.istio.io',
    'v1',
    'peerauthentications',
    'PeerAuthentication',
    true,
    'mtls',
  ),
  k(
    'security.istio.io',
    'v1',
    'authorizationpolicies',
    'AuthorizationPolicy',
    true,
    'authorization',
  ),
  k(
    'gateway.networking.k8s.io',
    'v1',
    'gateways',
    'Gateway',
    true,
    'authorization (ambient waypoints)',
  ),
  k(
    'cilium.io',
    'v2',
    'ciliumnetworkpolicies',
    'CiliumNetworkPolicy',
    true,
    'segmentation',
  ),
  k(
    'cilium.io',
    'v2',
    'ciliumclusterwidenetworkpolicies',
    'CiliumClusterwideNetworkPolicy',
    false,
    'segmentation',
  ),
  k(
    'wgpolicyk8s.io',
    'v1alpha2',
    'policyreports',
    'PolicyReport',
    true,
    'admission, runtime',
  ),
  k(
    'wgpolicyk8s.io',
    'v1alpha2',
    'clusterpolicyreports',
    'ClusterPolicyReport',
    false,
    'admission, cis (kube-bench)',
  ),
  k('openreports.io', 'v1alpha1', 'reports', 'Report', true, 'admission'),
  k(
    'openreports.io',
    'v1alpha1',
    'clusterreports',
    'ClusterReport',
    false,
    'admission',
  ),
  k(
    'aquasecurity.github.io',
    'v1alpha1',
    'sbomreports',
    'SbomReport',
    true,
    'sbom',
  ),
  k(
    'aquasecurity.github.io',
    'v1alpha1',
    'vulnerabilityreports',
    'VulnerabilityReport',
    true,
    'vulnerabilities',
  ),
  k(
    'aquasecurity.github.io',
    'v1alpha1',
    'configauditreports',
    'ConfigAuditReport',
    true,
    'admission',
  ),
  k(
    'aquasecurity.github.io',
    'v1alpha1',
    'clustercompliancereports',
    'ClusterComplianceReport',
    false,
    'cis',
  ),
  k(
    'kyverno.io',
    'v1',
    'clusterpolicies',
    'ClusterPolicy',
    false,
    'provenance (verifyImages rules)',
  ),
  k(
    'kyverno.io',
    'v1',
    'policies',
    'Policy',
    true,
    'provenance (verifyImages rules)',
  ),
  k('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout', true, 'rollout'),
  k('argoproj.io', 'v1alpha1', 'analysisruns', 'AnalysisRun', true, 'rollout'),
  k('argoproj.io', 'v1alpha1', 'applications', 'Application', true, 'gitops'),
  k(
    'external-secrets.io',
    'v1',
    'externalsecrets',
    'ExternalSecret',
    true,
    'secrets',
  ),
];

/**
 * The collection URL of a kind, cluster-wide (`/api/v1/pods`, `/apis/apps/v1/deployments`).
 *
 * @public
 */
export function collectionPath(kind: WatchedKind): string {
  const prefix = kind.group
    ? `/apis/${kind.group}/${kind.version}`
    : `/api/${kind.version}`;
  return `${prefix}/${kind.plural}`;
}
