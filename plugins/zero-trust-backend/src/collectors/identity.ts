import {
  IdentityDetails,
  RoleGrant,
  ServiceAccountSummary,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { Collector } from './types';
import { obj, list } from './lib/json';

const RBAC = 'rbac.authorization.k8s.io';
const BROAD_ROLES = ['cluster-admin', 'admin', 'edit'];
const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];
const IDENTITY_ANNOTATIONS: [
  ServiceAccountSummary['workloadIdentity'] extends infer T
    ? T extends { provider: infer P }
      ? P
      : never
    : never,
  string,
][] = [
  ['gke', 'iam.gke.io/gcp-service-account'],
  ['eks', 'eks.amazonaws.com/role-arn'],
  ['azure', 'azure.workload.identity/client-id'],
];

function serviceAccountOf(pod: KubeObject): string {
  const spec = obj(pod.spec);
  return spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
}

/** Why a role grants more than a service usually needs. */
function excessReasons(
  roleName: string,
  role: KubeObject | undefined,
): string[] {
  const reasons = BROAD_ROLES.includes(roleName)
    ? [`bound to the built-in ${roleName} role`]
    : [];
  for (const rule of list(role?.rules).map(obj)) {
    const verbs = list(rule.verbs);
    const resources = list(rule.resources);
    if (verbs.includes('*')) reasons.push('wildcard verbs');
    if (resources.includes('*')) reasons.push('wildcard resources');
    if (
      (resources.includes('secrets') || resources.includes('*')) &&
      verbs.some(v => ['get', 'list', 'watch', '*'].includes(v))
    ) {
      reasons.push('reads Secrets');
    }
  }
  return [...new Set(reasons)];
}

/** The bindings that grant one of these ServiceAccounts (or a group they are in) a role. */
function grantsFor(
  w: ClusterWorkloads,
  accounts: Set<string>,
): { grant: RoleGrant; binding: KubeObject }[] {
  const namespaces = new Set([...accounts].map(a => a.split('/')[0]));
  const bindings = [
    ...[...namespaces].flatMap(ns =>
      w.cluster.objects(RBAC, 'RoleBinding', ns),
    ),
    ...w.cluster.objects(RBAC, 'ClusterRoleBinding'),
  ];
  return bindings.flatMap(binding => {
    const roleRef = obj(binding.roleRef);
    const subject = list(binding.subjects)
      .map(obj)
      .find(s => {
        if (s.kind === 'ServiceAccount') {
          return accounts.has(
            `${s.namespace ?? binding.metadata.namespace}/${s.name}`,
          );
        }
        return (
          s.kind === 'Group' &&
          // Groups every ServiceAccount (of the namespace) belongs to.
          (s.name === 'system:serviceaccounts' ||
            s.name === 'system:authenticated' ||
            [...namespaces].some(
              ns => s.name === `system:serviceaccounts:${ns}`,
            ))
        );
      });
    if (!subject || typeof roleRef.name !== 'string') return [];
    const role =
      roleRef.kind === 'Role'
        ? w.cluster
            .objects(RBAC, 'Role', binding.metadata.namespace)
            .find(r => r.metadata.name === roleRef.name)
        : w.cluster
            .objects(RBAC, 'ClusterRole')
            .find(r => r.metadata.name === roleRef.name);
    const reasons = excessReasons(roleRef.name, role);
    return [
      {
        binding,
        grant: {
          cluster: w.cluster.name,
          binding: {
            kind: binding.kind,
            namespace: binding.metadata.namespace,
            name: binding.metadata.name,
          },
          role: { kind: String(roleRef.kind), name: roleRef.name },
          subject: `${subject.kind} ${
            subject.namespace ? `${subject.namespace}/` : ''
          }${subject.name}`,
          excessive: reasons.length > 0,
          reasons,
        },
      },
    ];
  });
}

/**
 * Whether the API token is mounted into the pod. The pod's own `automountServiceAccountToken`
 * takes precedence over its ServiceAccount's; with neither set the token is mounted
 * (https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting:
 * "If both the ServiceAccount and the Pod's .spec specify a value for automountServiceAccountToken,
 * the Pod spec takes precedence").
 */
function mountsToken(pod: KubeObject, sa: KubeObject | undefined): boolean {
  const own = obj(pod.spec).automountServiceAccountToken;
  if (typeof own === 'boolean') return own;
  const fromAccount = sa?.automountServiceAccountToken;
  return typeof fromAccount === 'boolean' ? fromAccount : true;
}

/**
 * Workload identity: the ServiceAccounts the pods run as, their cloud identity (GKE Workload
 * Identity, EKS IRSA, Azure Workload Identity) and token mounting, and the RBAC bindings that grant
 * them roles. A binding to cluster-admin/admin/edit, wildcard rules or Secret reads fails; pods on
 * the namespace's shared default ServiceAccount warn.
 */
export const collectIdentity: Collector<'identity'> = ctx => {
  const gated = gateOnKinds('identity', ctx, [
    { group: '', kind: 'ServiceAccount' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const serviceAccounts: ServiceAccountSummary[] = [];
  const grants: RoleGrant[] = [];
  for (const w of ctx.workloads) {
    const accounts = new Set(
      w.pods.map(p => `${p.metadata.namespace}/${serviceAccountOf(p)}`),
    );
    for (const key of accounts) {
      const [namespace, name] = key.split('/');
      const sa = w.serviceAccounts.find(
        s => s.metadata.namespace === namespace && s.metadata.name === name,
      );
      if (sa) evidence.add(w.cluster, sa);
      const annotations = sa?.metadata.annotations ?? {};
      const identity = IDENTITY_ANNOTATIONS.find(([, a]) => annotations[a]);
      serviceAccounts.push({
        cluster: w.cluster.name,
        namespace,
        name,
        isDefault: name === 'default',
        automountToken: w.pods
          .filter(
            p =>
              p.metadata.namespace === namespace &&
              serviceAccountOf(p) === name,
          )
          .some(p => mountsToken(p, sa)),
        workloadIdentity: identity
          ? { provider: identity[0], identity: annotations[identity[1]] }
          : undefined,
      });
    }
    for (const { grant, binding } of grantsFor(w, accounts)) {
      evidence.add(w.cluster, binding);
      grants.push(grant);
    }
  }
  const details: IdentityDetails = { serviceAccounts, grants };
  const excessive = grants.filter(g => g.excessive);
  if (excessive.length > 0) {
    return {
      control: 'identity',
      status: 'fail',
      summary: `More access than needed: ${excessive
        .map(g => `${g.binding.name} (${g.reasons.join(', ')})`)
        .join('; ')}.`,
      details,
      evidence: evidence.list(),
    };
  }
  const shared = serviceAccounts.filter(s => s.isDefault);
  const cloud = serviceAccounts.filter(s => s.workloadIdentity);
  // Bindings we could not read might grant anything: no pass without them.
  const unreadable = ctx.workloads.flatMap(w =>
    BINDING_KINDS.filter(kind => {
      // Stale data from a failing watch still counts as read, as in gateOnKinds.
      const status = w.cluster.kindStatus(RBAC, kind);
      return !(
        status.state === 'synced' ||
        (status.state === 'error' && status.lastSyncAt)
      );
    }).map(kind => `${kind} (${w.cluster.name})`),
  );
  if (!shared.length && unreadable.length) {
    return {
      control: 'identity',
      status: 'unknown',
      summary: `Cannot tell which roles the ServiceAccounts have: ${unreadable.join(
        ', ',
      )} not readable (grant get/list/watch, see the rbac/ folder of @zero-trust-k8s/plugin-zero-trust-backend).`,
      details,
      evidence: evidence.list(),
    };
  }
  return {
    control: 'identity',
    status: shared.length ? 'warn' : 'pass',
    summary: shared.length
      ? `Runs as the namespace's shared default ServiceAccount in ${shared
          .map(s => s.namespace)
          .join(', ')}: give it its own.`
      : `Own ServiceAccount${serviceAccounts.length > 1 ? 's' : ''}${
          cloud.length
            ? `, cloud identity ${cloud
                .map(
                  s =>
                    `${s.workloadIdentity!.provider} ${
                      s.workloadIdentity!.identity
                    }`,
                )
                .join(', ')}`
            : ''
        }; no excessive role.`,
    details,
    evidence: evidence.list(),
  };
};
