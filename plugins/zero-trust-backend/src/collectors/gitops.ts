import {
  GitOpsApplication,
  GitOpsDetails,
  GitOpsResource,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject, groupOf } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { istioPolicyScope } from './lib/istio';
import { LabelSelectorSpec, matchesLabelSelector } from './lib/selectors';
import { Collector } from './types';
import { Json, list, obj, str } from './lib/json';

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

/**
 * Argo CD's resource tracking, as argo-cd v3.5.1 reads it (util/argo/resource_tracking.go,
 * docs/user-guide/resource_tracking.md):
 * - `annotation` (the default since 3.0) and `annotation+label`: the Application is the first part of
 *   the `argocd.argoproj.io/tracking-id` annotation, `<app>:<group>/<kind>:<namespace>/<name>`
 *   (ParseAppInstanceValue); with `annotation+label` the label is informational only.
 * - `label`: the Application is the value of the instance label, `app.kubernetes.io/instance`
 *   unless argocd-cm's `application.instanceLabelKey` names another (the docs' example:
 *   `argocd.argoproj.io/instance`).
 */
export const TRACKING_ID_ANNOTATION = 'argocd.argoproj.io/tracking-id';
export const INSTANCE_LABEL_KEYS = [
  'app.kubernetes.io/instance',
  'argocd.argoproj.io/instance',
];

/** A parsed tracking id (Argo CD's AppInstanceValue). */
export interface TrackingId {
  app: string;
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * ParseAppInstanceValue: `strings.SplitN(value, ":", 3)`, then `<group>/<kind>` and
 * `<namespace>/<name>` split on `/` into exactly two parts each; anything else is no tracking id.
 */
export function parseTrackingId(value: string): TrackingId | undefined {
  const first = value.indexOf(':');
  const second = first < 0 ? -1 : value.indexOf(':', first + 1);
  if (second < 0) return undefined;
  const groupKind = value.slice(first + 1, second).split('/');
  const namespaceName = value.slice(second + 1).split('/');
  if (groupKind.length !== 2 || namespaceName.length !== 2) return undefined;
  return {
    app: value.slice(0, first),
    group: groupKind[0],
    kind: groupKind[1],
    namespace: namespaceName[0],
    name: namespaceName[1],
  };
}

/**
 * The Application name Argo CD attributes a live object to, or undefined:
 * - only root objects (no ownerReferences) get one (gitops-engine pkg/cache/cluster.go calls the
 *   controller's populate handler with `isRoot = len(ownerRefs) == 0`, controller/cache/cache.go
 *   sets AppName only for roots): a ReplicaSet or Pod whose template copied the instance label is the
 *   Deployment's child, not tracked by it;
 * - a tracking id that names another object (copied by another tool, e.g. HNC) does not make the
 *   object managed (controller/state.go isSelfReferencedObj: namespace, name, group and kind must
 *   match; "Non self-referencing annotations" in the docs);
 * - argocd-cm (the tracking method, the label key, the installation ID) is not read: an object
 *   with the annotation is judged by it; one without it by its instance label, as Argo CD's label
 *   method does. Under the annotation methods Argo CD writes the annotation on every object it
 *   applies, so a label without the annotation means the object was synced with label tracking
 *   (controller/state.go Normalize, util/argo/resource_tracking.go).
 */
export function trackingApp(o: KubeObject): string | undefined {
  if ((o.metadata.ownerReferences ?? []).length > 0) return undefined;
  const annotation = str(o.metadata.annotations?.[TRACKING_ID_ANNOTATION]);
  if (annotation) {
    const id = parseTrackingId(annotation);
    if (!id) return undefined;
    const selfReferenced =
      (o.metadata.namespace === id.namespace || !o.metadata.namespace) &&
      o.metadata.name === id.name &&
      groupOf(o.apiVersion) === id.group &&
      o.kind === id.kind;
    return selfReferenced ? id.app : undefined;
  }
  return INSTANCE_LABEL_KEYS.map(k => str(o.metadata.labels?.[k])).find(
    Boolean,
  );
}

/**
 * The names an Application is tracked by: Application.InstanceName is the name in the control
 * plane's namespace and `<namespace>_<name>` elsewhere (apps in any namespace); the control plane's
 * namespace is `status.controllerNamespace`, and when that is absent both forms are accepted (`_` is
 * not valid in an object name, so they cannot collide).
 */
export function instanceNames(app: KubeObject): string[] {
  const { name, namespace } = app.metadata;
  const qualified = `${namespace}_${name}`;
  const controllerNamespace = str(obj(app.status).controllerNamespace);
  if (!namespace) return [name];
  if (!controllerNamespace) return [name, qualified];
  return [namespace === controllerNamespace ? name : qualified];
}

/** Whether an Application resource is one of the workload's objects or protects its pods. */
function concerns(
  w: ClusterWorkloads,
  r: Json,
  rootNamespace: string,
): 'own' | 'security' | undefined {
  const ours = [...w.controllers, ...w.services, ...w.serviceAccounts].some(
    o =>
      groupOf(o.apiVersion) === (r.group ?? '') &&
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
  unreported: string[],
): GitOpsApplication | undefined {
  const status = obj(app.status);
  const resources: GitOpsResource[] = [];
  for (const r of list(status.resources)) {
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
  // The workload's own objects that carry this Application's tracking label or annotation but are
  // not (yet) in its status.resources: managed, with no per-resource sync status to report.
  const names = instanceNames(app);
  for (const o of [...w.controllers, ...w.services, ...w.serviceAccounts]) {
    const tracked = trackingApp(o);
    if (!tracked || !names.includes(tracked)) continue;
    const group = groupOf(o.apiVersion);
    const listed = resources.some(
      r =>
        r.group === group &&
        r.kind === o.kind &&
        r.name === o.metadata.name &&
        (r.namespace ?? '') === (o.metadata.namespace ?? ''),
    );
    if (listed) continue;
    unreported.push(`${o.kind} ${o.metadata.name} (${app.metadata.name})`);
    resources.push({
      group,
      kind: o.kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      security: false,
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
 * GitOps drift: the Argo CD Applications that manage the workload's objects (listed in the
 * Application's status.resources, or carrying its tracking annotation or label, see
 * {@link trackingApp}) or the security objects that protect its pods (NetworkPolicies, Cilium and Istio policies selecting them, RBAC, Kyverno
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
  const unreported: string[] = [];
  for (const w of ctx.workloads) {
    for (const app of w.cluster.objects('argoproj.io', 'Application')) {
      const summary = summarize(
        w,
        app,
        ctx.settings.meshRootNamespace,
        unreported,
      );
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
    // Tracked but absent from the Application's status.resources: Argo CD lists every tracked root
    // object there once it has compared the app, so its sync status is not known yet.
    unreported.length
      ? `tracked but not in the Application's status: ${unreported.join(', ')}`
      : '',
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
