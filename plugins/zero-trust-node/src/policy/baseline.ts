import { PolicySeverity } from './types';

/**
 * The policies of the Zero Trust baseline: one entry per Kyverno ClusterPolicy, with its rules
 * and their messages. The TypeScript checks and the exported ClusterPolicies both read names and
 * messages from here, so the two cannot drift apart. Pod security names follow kyverno/policies.
 *
 * @public
 */
export const BASELINE_POLICIES = {
  'disallow-capabilities-strict': {
    title: 'Disallow Capabilities (Strict)',
    category: 'Pod Security Standards (Restricted)',
    severity: 'high',
    description:
      'Adding capabilities other than NET_BIND_SERVICE is disallowed. In addition, all containers must explicitly drop ALL capabilities.',
    rules: {
      'require-drop-all': 'Containers must drop `ALL` capabilities.',
      'adding-capabilities-strict':
        'Any capabilities added other than NET_BIND_SERVICE are disallowed.',
    },
  },
  'disallow-privilege-escalation': {
    title: 'Disallow Privilege Escalation',
    category: 'Pod Security Standards (Restricted)',
    severity: 'high',
    description:
      'Privilege escalation, such as via set-user-ID or set-group-ID file mode, must not be allowed.',
    rules: {
      'privilege-escalation':
        'Privilege escalation is disallowed. The fields spec.containers[*].securityContext.allowPrivilegeEscalation, spec.initContainers[*].securityContext.allowPrivilegeEscalation, and spec.ephemeralContainers[*].securityContext.allowPrivilegeEscalation must be set to `false`.',
    },
  },
  'require-run-as-nonroot': {
    title: 'Require runAsNonRoot',
    category: 'Pod Security Standards (Restricted)',
    severity: 'high',
    description: 'Containers must run as non-root users.',
    rules: {
      'run-as-non-root':
        'Running as root is not allowed. Either the field spec.securityContext.runAsNonRoot must be set to `true`, or the fields spec.containers[*].securityContext.runAsNonRoot, spec.initContainers[*].securityContext.runAsNonRoot, and spec.ephemeralContainers[*].securityContext.runAsNonRoot must be set to `true`.',
    },
  },
  'restrict-seccomp-strict': {
    title: 'Restrict Seccomp (Strict)',
    category: 'Pod Security Standards (Restricted)',
    severity: 'high',
    description:
      'The seccomp profile must be RuntimeDefault or Localhost, and not left unset.',
    rules: {
      'check-seccomp-strict':
        'Use of custom Seccomp profiles is disallowed. The fields spec.securityContext.seccompProfile.type, spec.containers[*].securityContext.seccompProfile.type, spec.initContainers[*].securityContext.seccompProfile.type, and spec.ephemeralContainers[*].securityContext.seccompProfile.type must be set to `RuntimeDefault` or `Localhost`.',
    },
  },
  'restrict-volume-types': {
    title: 'Restrict Volume Types',
    category: 'Pod Security Standards (Restricted)',
    severity: 'high',
    description: 'Only core volume types backed by the cluster may be used.',
    rules: {
      'restricted-volumes':
        'Only the following types of volumes may be used: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, and secret.',
    },
  },
  'require-ro-rootfs': {
    title: 'Require Read-Only Root Filesystem',
    category: 'Best Practices',
    severity: 'medium',
    description:
      'A read-only root filesystem keeps an attacker from writing binaries into the container; mount an emptyDir where the app must write.',
    rules: {
      'validate-readOnlyRootFilesystem': 'Root filesystem must be read-only.',
    },
  },
  'disallow-latest-tag': {
    title: 'Disallow Latest Tag',
    category: 'Best Practices',
    severity: 'medium',
    description: 'Images must carry a tag, and not the mutable `latest`.',
    rules: {
      'require-image-tag': 'An image tag is required.',
      'validate-image-tag':
        "Using a mutable image tag e.g. 'latest' is not allowed.",
    },
  },
  'require-default-deny-networkpolicy': {
    title: 'Require a Default-Deny NetworkPolicy',
    category: 'Zero Trust',
    severity: 'high',
    description:
      'Workloads run only in namespaces with a NetworkPolicy that selects every pod and denies all ingress and egress, so only explicit allowlists open traffic.',
    rules: {
      'default-deny-present':
        'The namespace needs a default-deny NetworkPolicy: podSelector {}, policyTypes Ingress and Egress, and no ingress or egress rules.',
    },
  },
  'require-mtls-strict': {
    title: 'Require Istio mTLS STRICT',
    category: 'Zero Trust',
    severity: 'high',
    description:
      'A PeerAuthentication with mode STRICT must apply to the workload (workload selector by `app` label, namespace-wide, or mesh-wide in istio-system), and none in its namespace may relax it.',
    rules: {
      'peer-authentication-strict':
        'mTLS must be STRICT: add a PeerAuthentication with mtls.mode STRICT for this workload or namespace, and remove PERMISSIVE or DISABLE ones that apply to it.',
    },
  },
  'require-authorization-policy': {
    title: 'Require an Istio AuthorizationPolicy',
    category: 'Zero Trust',
    severity: 'high',
    description:
      'An ALLOW or DENY AuthorizationPolicy must apply to the workload (selector or Service targetRef by `app` label, namespace-wide, or mesh-wide in istio-system).',
    rules: {
      'authorization-policy-present':
        'The workload needs an AuthorizationPolicy: select it by its `app` label, target its Service, or add a namespace-wide policy.',
    },
  },
} as const satisfies Record<
  string,
  {
    title: string;
    category: string;
    severity: PolicySeverity;
    description: string;
    rules: Record<string, string>;
  }
>;

/** @public */
export type BaselinePolicyName = keyof typeof BASELINE_POLICIES;

/** Namespaces the baseline leaves alone: the platform's own components. @public */
export const EXCLUDED_NAMESPACES = [
  'kube-system',
  'istio-system',
  'kyverno',
] as const;

/**
 * Kubernetes reserves the `kube-` prefix for its own namespaces (kube-system, kube-public,
 * kube-node-lease), and Kyverno's default resource filters skip them as well.
 */
const KUBERNETES_NAMESPACE_PREFIX = 'kube-';

/**
 * Whether the baseline leaves a namespace unchecked: one of {@link EXCLUDED_NAMESPACES} (or the
 * given list), or a Kubernetes system namespace. Nothing the baseline is meant to protect may be
 * deployed there, since no policy would look at it.
 *
 * @public
 */
export function isExcludedNamespace(
  namespace: string,
  excluded: readonly string[] = EXCLUDED_NAMESPACES,
): boolean {
  const name = namespace.trim().toLowerCase();
  return (
    excluded.includes(name) || name.startsWith(KUBERNETES_NAMESPACE_PREFIX)
  );
}

/** The namespaces {@link isExcludedNamespace} matches, as errors name them: `kube-*, istio-system, kyverno`. @public */
export const EXCLUDED_NAMESPACES_TEXT = [
  `${KUBERNETES_NAMESPACE_PREFIX}*`,
  ...EXCLUDED_NAMESPACES.filter(
    ns => !ns.startsWith(KUBERNETES_NAMESPACE_PREFIX),
  ),
].join(', ');

/** Istio's root namespace: policies there without a selector apply mesh-wide. */
export const MESH_ROOT_NAMESPACE = 'istio-system';

/**
 * Keys a pod volume may have under restrict-volume-types: its name and one of the volume types Pod
 * Security "restricted" allows. Shared by the TypeScript check and the Kyverno rule.
 */
export const ALLOWED_VOLUME_KEYS: readonly string[] = [
  'name',
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
