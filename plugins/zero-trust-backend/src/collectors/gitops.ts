import {
  GitOpsApplication,
  GitOpsDetails,
  GitOpsResource,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { istioPolicyScope } from './lib/istio';
import { LabelSelectorSpec, matchesLabelSelector } from './lib/selectors';
import { Collector } from './types';
import { Json, obj } from './lib/json';

const ISTIO_KINDS = ['PeerAuthentication', 'AuthorizationPolicy'];

/**
 * Kinds whose drift weakens the workload's protection, with where they select pods (Istio's are
 * matched like the mesh does, targetRefs included).
 */
const SECURITY_KINDS: Record<
  string,
  ((spec: Json) => LabelSelectorSpec | undefined) | null
> = {
  'networking.k8s.io/NetworkPolicy': s => s.podSelector,
  'cilium.io/CiliumNetworkPolicy': s => s.endpointSelector,
  'rbac.authorization.k8s.io/Role': null,
  'rbac.authorization.k8s.io/RoleBinding': null,
  'external-secrets.io/ExternalSecret': null,
  'kyverno.io/ClusterPolicy': null,
  'kyverno.io/Policy': null,
  'cilium.io/CiliumClusterwideNetworkPolicy': null,
};

const TOP_LEVEL = ['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout'];

/** Whether an Application resource is one of the workload's objects or protects its pods. */
function concerns(
  w: ClusterWorkloads,
  r: Json,
  rootNamespace: string,
): 'own' | 'security' | undefined {
  const ours = [...w.controllers, ...w.services, ...w.serviceAccounts].some(
    o =>
      o.kind === r.kind &&
      o.metadata.name === r.name &&
      o.metadata.namespace === r.namespace,
  );
  if (ours) return 'own';
  const key = `${r.group ?? ''}/${r.kind}`;
  if (r.group === 'security.istio.io' && ISTIO_KINDS.includes(r.kind)) {
    const live = w.cluster
      .objects(r.group, r.kind, r.namespace)
      .find(o => o.metadata.name === r.name);
    if (!live) return 'security';
    const serviceNames = w.services.map(s => s.metadata.name);
    return w.pods.some(p =>
      istioPolicyScope(
        live,
        { namespace: p.metadata.namespace, labels: p.metadata.labels },
        { rootNamespace, serviceNames },
      ),
    )
      ? 'security'
      : undefined;
  }
  if (!(key in SECURITY_KINDS)) return undefined;
  const namespaces = new Set(w.pods.map(p => p.metadata.namespace));
  if (r.namespace && !namespaces.has(r.namespace)) return undefined;
  const selectorOf = SECURITY_KINDS[key];
  if (!selectorOf) return 'security';
  const live = w.cluster
    .objects(r.group ?? '', r.kind, r.namespace)
    .find(o => o.metadata.name === r.name);
  // Without the live object (not read, or deleted), assume it matters: drift is drift.
  if (!live) return 'security';
  const selector = selectorOf(obj(live.spec));
  const empty =
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 &&
      (selector.matchExpressions ?? []).length === 0);
  return empty ||
    w.pods.some(p => matchesLabelSelector(selector, p.metadata.labels))
    ? 'security'
    : undefined;
}

function summarize(
  w: ClusterWorkloads,
  app: KubeObject,
  rootNamespace: string,
): GitOpsApplication | undefined {
  const status = obj(app.status);
  const resources: GitOpsResource[] = [];
  for (const r of Array.isArray(status.resources) ? status.resources : []) {
    const kind = concerns(w, obj(r), rootNamespace);
    if (!kind) continue;
    resources.push({
      group: r.group ?? '',
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      status: r.status,
      health: obj(r.health).status,
      security: kind === 'security',
    });
  }
  if (resources.length === 0) return undefined;
  return {
    cluster: w.cluster.name,
    namespace: app.metadata.namespace,
    name: app.metadata.name,
    sync: obj(status.sync).status,
    health: obj(status.health).status,
    revision: obj(status.sync).revision,
    resources,
  };
}

/**
 * GitOps drift: the Argo CD Applications that manage the workload's objects or the security objects
 * that protect its pods (NetworkPolicies, Cilium and Istio policies selecting them, RBAC, Kyverno
 * policies, ExternalSecrets). A security object OutOfSync fails: what runs is not what was
 * reviewed. Other drift, degraded health, or objects no Application manages warn.
 */
export const collectGitops: Collector<'gitops'> = ctx => {
  const gated = gateOnKinds('gitops', ctx, [
    { group: 'argoproj.io', kind: 'Application' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const applications: GitOpsApplication[] = [];
  const managed = new Set<string>();
  for (const w of ctx.workloads) {
    for (const app of w.cluster.objects('argoproj.io', 'Application')) {
      const summary = summarize(w, app, ctx.settings.meshRootNamespace);
      if (!summary) continue;
      evidence.add(w.cluster, app);
      applications.push(summary);
      summary.resources.forEach(r => managed.add(`${r.kind}/${r.name}`));
    }
  }
  const unmanaged = ctx.workloads
    .flatMap(w => w.controllers.filter(c => TOP_LEVEL.includes(c.kind)))
    .map(c => `${c.kind}/${c.metadata.name}`)
    .filter(name => !managed.has(name));
  const details: GitOpsDetails = { applications, unmanaged };
  const drifted = applications.flatMap(a =>
    a.resources.filter(r => r.status && r.status !== 'Synced'),
  );
  const security = drifted.filter(r => r.security);
  const describe = (r: GitOpsResource) => `${r.kind} ${r.name}`;
  if (security.length > 0) {
    return {
      control: 'gitops',
      status: 'fail',
      summary: `Security object(s) out of sync with Git: ${security
        .map(describe)
        .join(', ')}.`,
      details,
      evidence: evidence.list(),
    };
  }
  const degraded = applications.filter(
    a => a.health && !['Healthy', 'Progressing'].includes(a.health),
  );
  const problems = [
    drifted.length ? `out of sync: ${drifted.map(describe).join(', ')}` : '',
    degraded.length
      ? `health ${degraded.map(a => `${a.name} ${a.health}`).join(', ')}`
      : '',
    unmanaged.length ? `not managed by Argo CD: ${unmanaged.join(', ')}` : '',
  ].filter(Boolean);
  return {
    control: 'gitops',
    status: problems.length ? 'warn' : 'pass',
    summary: problems.length
      ? `${problems.join('; ')}.`
      : `In sync with Git through ${applications.map(a => a.name).join(', ')}.`,
    details,
    evidence: evidence.list(),
  };
};
