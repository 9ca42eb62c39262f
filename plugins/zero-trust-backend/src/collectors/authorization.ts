import {
  AuthorizationPolicySummary,
  AuthorizationRuleSummary,
  ObjectLocation,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import {
  AuthorizationTarget,
  WaypointRef,
  authorizationActionOf,
  authorizationDecision,
  authorizationPolicyScope,
  effectiveWaypoint,
  isDryRun,
  targetsServiceWithoutWaypoint,
} from '@zero-trust-k8s/plugin-zero-trust-node';
import { IstioPolicyScope, specOf } from './lib/istio';
import { meshEnrollment } from './lib/mesh';
import { matchesLabelSelector } from './lib/selectors';
import { Verdict, plural, worst } from './lib/status';
import { Collector } from './types';

const AUTHORIZATION_POLICY = {
  group: 'security.istio.io',
  kind: 'AuthorizationPolicy',
};
const GATEWAY = { group: 'gateway.networking.k8s.io', kind: 'Gateway' };

interface Source {
  principals?: string[];
  notPrincipals?: string[];
  requestPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
  ipBlocks?: string[];
  remoteIpBlocks?: string[];
}

interface Operation {
  ports?: string[];
  methods?: string[];
  paths?: string[];
  notPaths?: string[];
}

interface Rule {
  from?: { source?: Source }[];
  to?: { operation?: Operation }[];
  when?: unknown[];
}

interface AuthorizationPolicySpec {
  action?: string;
  rules?: Rule[];
}

const ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Flattens one AuthorizationPolicy into who may do what; tolerant of malformed fields. */
export function summarizeAuthorizationPolicy(
  policy: KubeObject,
  cluster: string,
  scope: IstioPolicyScope,
): AuthorizationPolicySummary {
  const spec = specOf<AuthorizationPolicySpec>(policy);
  const action =
    ACTIONS.find(a => a === (spec.action ?? 'ALLOW')) ?? ('ALLOW' as const);
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  const summaries: AuthorizationRuleSummary[] = [];
  for (const rule of rules) {
    if (!rule || typeof rule !== 'object') continue;
    const operations = (Array.isArray(rule.to) ? rule.to : []).map(
      t => t?.operation ?? {},
    );
    const to = {
      ports: operations.flatMap(o => strings(o.ports)),
      methods: operations.flatMap(o => strings(o.methods)),
      paths: operations.flatMap(o => strings(o.paths)),
      notPaths: operations.flatMap(o => strings(o.notPaths)),
      conditions: Array.isArray(rule.when) ? rule.when.length : 0,
    };
    const froms =
      Array.isArray(rule.from) && rule.from.length > 0
        ? rule.from
        : [undefined];
    for (const from of froms) {
      const s: Source = from?.source ?? {};
      const principals = strings(s.principals);
      const namespaces = strings(s.namespaces);
      const ipBlocks = [...strings(s.ipBlocks), ...strings(s.remoteIpBlocks)];
      const positive =
        principals.length +
        namespaces.length +
        ipBlocks.length +
        strings(s.requestPrincipals).length;
      summaries.push({
        principals,
        notPrincipals: strings(s.notPrincipals),
        namespaces,
        notNamespaces: strings(s.notNamespaces),
        ipBlocks,
        anySource:
          positive === 0 ||
          principals.includes('*') ||
          namespaces.includes('*'),
        ...to,
      });
    }
  }
  return {
    cluster,
    namespace: policy.metadata.namespace,
    name: policy.metadata.name,
    action,
    scope,
    allowsNothing: action === 'ALLOW' && summaries.length === 0,
    allowsAnySource: action === 'ALLOW' && summaries.some(r => r.anySource),
    rules: summaries,
  };
}

/** What the shared Istio rules need to know about one pod: labels, data plane and waypoints. */
function authorizationTargetOf(
  w: ClusterWorkloads,
  pod: KubeObject,
  problems: string[],
): { target: AuthorizationTarget; gateways: KubeObject[] } {
  const namespace = w.namespaces.find(
    n => n.metadata.name === pod.metadata.namespace,
  );
  const gatewaysInCluster = w.cluster.objects(GATEWAY.group, GATEWAY.kind);
  const gateways: KubeObject[] = [];
  const waypointFor = (
    traffic: 'service' | 'workload',
    object: KubeObject,
  ): WaypointRef | undefined => {
    const wp = effectiveWaypoint(
      traffic,
      object.metadata,
      namespace?.metadata,
      gatewaysInCluster,
    );
    if (wp.problem && traffic === 'service') problems.push(wp.problem);
    if (wp.gateway) gateways.push(wp.gateway as KubeObject);
    return wp.gateway ? wp.ref : undefined;
  };
  const services = w.services.filter(
    s =>
      s.metadata.namespace === pod.metadata.namespace &&
      matchesLabelSelector(
        {
          matchLabels: specOf<{ selector?: Record<string, string> }>(s)
            .selector,
        },
        pod.metadata.labels,
      ),
  );
  const workloadWaypoint = waypointFor('workload', pod);
  return {
    target: {
      namespace: pod.metadata.namespace ?? '',
      labels: pod.metadata.labels ?? {},
      dataplane: meshEnrollment(pod, namespace).dataplane,
      services: services.map(s => ({
        namespace: s.metadata.namespace ?? '',
        name: s.metadata.name,
        waypoint: waypointFor('service', s),
      })),
      ...(workloadWaypoint ? { workloadWaypoint } : {}),
    },
    gateways,
  };
}

/** The AuthorizationPolicies of one cluster and how they reach the workload's pods. */
export interface ApplicablePolicies {
  /** Enforced policies that apply, by the shared Istio rules. */
  applied: { policy: KubeObject; summary: AuthorizationPolicySummary }[];
  /** Policies that would apply but are marked `istio.io/dry-run`: evidence, never enforcement. */
  dryRun: KubeObject[];
  /** Policies naming a Service of the workload that no waypoint enforces. */
  unenforced: KubeObject[];
  /** Waypoint Gateways that serve the workload. */
  gateways: KubeObject[];
  problems: string[];
}

/** The AuthorizationPolicies that apply to any pod of the workloads in one cluster. */
export function applicableAuthorizationPolicies(
  w: ClusterWorkloads,
  rootNamespace: string,
): ApplicablePolicies {
  const result: ApplicablePolicies = {
    applied: [],
    dryRun: [],
    unenforced: [],
    gateways: [],
    problems: [],
  };
  const seen = new Set<string>();
  const policies = w.cluster.objects(
    AUTHORIZATION_POLICY.group,
    AUTHORIZATION_POLICY.kind,
  );
  for (const pod of w.pods) {
    const { target, gateways } = authorizationTargetOf(w, pod, result.problems);
    for (const g of gateways) {
      if (!result.gateways.includes(g)) result.gateways.push(g);
    }
    for (const policy of policies) {
      const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
      if (seen.has(key)) continue;
      const scope = authorizationPolicyScope(policy, target, rootNamespace);
      if (!scope) {
        if (targetsServiceWithoutWaypoint(policy, target)) {
          seen.add(key);
          result.unenforced.push(policy);
        }
        continue;
      }
      seen.add(key);
      if (isDryRun(policy)) {
        result.dryRun.push(policy);
      } else if (!authorizationActionOf(policy)) {
        result.problems.push(
          `AuthorizationPolicy ${key} has an unsupported action; Istio ignores it`,
        );
      } else {
        result.applied.push({
          policy,
          summary: summarizeAuthorizationPolicy(
            policy,
            w.cluster.name,
            scope.scope,
          ),
        });
      }
    }
  }
  return result;
}

const short = (principal: string) => {
  const m = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  return m ? `${m[1]}/${m[2]}` : principal;
};

/**
 * Authorization: which Istio AuthorizationPolicies apply to the workload and who they let call
 * it. Scope and precedence come from the shared Istio rules (plugin-zero-trust-node
 * src/istio/authorizationPolicy.ts, following upstream): selector, namespace, root namespace
 * (selectors there reach every namespace), or `targetRefs` to a Service, the waypoint Gateway or
 * the istio-waypoint GatewayClass, enforced only by a waypoint the workload is bound to.
 * `istio.io/dry-run` policies are evidence, not enforcement. Deny-by-default holds as soon as one
 * enforced ALLOW policy applies; ALLOW rules open to any source, deny lists without an allow list,
 * and Service-attached policies with no waypoint to enforce them are warnings.
 */
export const collectAuthorization: Collector<'authorization'> = ctx => {
  const gated = gateOnKinds('authorization', ctx, [AUTHORIZATION_POLICY]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const policies: AuthorizationPolicySummary[] = [];
  const notes: string[] = [];
  let waypoint: ObjectLocation | undefined;
  let meshPods = 0;
  let pods = 0;
  let unenforcedTargetRefs = false;
  let dryRuns = 0;
  const enforced: KubeObject[] = [];

  for (const w of ctx.workloads) {
    for (const pod of w.pods) {
      pods++;
      const namespace = w.namespaces.find(
        n => n.metadata.name === pod.metadata.namespace,
      );
      if (meshEnrollment(pod, namespace).dataplane !== 'none') meshPods++;
    }
    const found = applicableAuthorizationPolicies(
      w,
      ctx.settings.meshRootNamespace,
    );
    for (const problem of found.problems) {
      if (!notes.includes(problem)) notes.push(problem);
    }
    for (const gateway of found.gateways) {
      waypoint ??= {
        cluster: w.cluster.name,
        namespace: gateway.metadata.namespace,
        name: gateway.metadata.name,
      };
      evidence.add(w.cluster, gateway);
    }
    for (const { policy, summary } of found.applied) {
      policies.push(summary);
      enforced.push(policy);
      evidence.add(w.cluster, policy);
    }
    dryRuns += found.dryRun.length;
    for (const policy of found.dryRun) {
      // Evidence of intent, but Istio only logs what it would decide.
      evidence.add(w.cluster, policy);
      notes.push(
        `AuthorizationPolicy ${policy.metadata.namespace}/${policy.metadata.name} is istio.io/dry-run: not enforced`,
      );
    }
    if (found.unenforced.length > 0) unenforcedTargetRefs = true;
    for (const policy of found.unenforced) evidence.add(w.cluster, policy);
  }

  const allows = policies.filter(p => p.action === 'ALLOW');
  const denies = policies.filter(p => p.action === 'DENY');
  // CUSTOM, then DENY, then ALLOW; deny-by-default as soon as one enforced ALLOW policy applies.
  const decision = authorizationDecision(enforced);
  const denyByDefault = decision.denyByDefault || decision.deniesEverything;
  const details = {
    policies,
    denyByDefault,
    ...(waypoint ? { waypoint } : {}),
  };
  const base = {
    control: 'authorization' as const,
    details,
    evidence: evidence.list(),
    ...(notes.length ? { notes } : {}),
  };
  if (pods > 0 && meshPods === 0) {
    return {
      ...base,
      status: 'fail',
      summary:
        'The pods are outside the mesh, so no AuthorizationPolicy is enforced for them.',
    };
  }
  if (policies.length === 0) {
    return {
      ...base,
      status: 'fail',
      summary: `No AuthorizationPolicy applies: any workload may call it${
        dryRuns > 0
          ? ` (${plural(dryRuns, 'dry-run policy', 'dry-run policies')} ${
              dryRuns === 1 ? 'is' : 'are'
            } not enforced)`
          : ''
      }${
        unenforcedTargetRefs
          ? '; Service-attached (targetRefs) policies need a waypoint, and none serves this workload'
          : ''
      }.`,
    };
  }

  const verdicts: Verdict[] = [];
  const problems: string[] = [];
  if (!denyByDefault) {
    verdicts.push('warn');
    problems.push(
      `Only ${plural(
        denies.length,
        'DENY policy',
        'DENY policies',
      )}; everything else is allowed`,
    );
  }
  const open = allows.filter(p => p.allowsAnySource);
  if (open.length > 0) {
    verdicts.push('warn');
    problems.push(
      `ALLOW ${open.length === 1 ? 'policy' : 'policies'} ${open
        .map(p => p.name)
        .join(', ')} ${open.length === 1 ? 'admits' : 'admit'} any caller`,
    );
  }
  if (unenforcedTargetRefs) {
    verdicts.push('warn');
    problems.push(
      'Service-attached (targetRefs) policies need a waypoint, and none serves this workload',
    );
  }
  const status = worst(verdicts);
  if (status !== 'pass') {
    return { ...base, status, summary: `${problems.join('; ')}.` };
  }
  const callers = [
    ...new Set(
      allows.flatMap(p =>
        p.rules.flatMap(r => [
          ...r.principals.map(short),
          ...r.namespaces.map(n => `namespace ${n}`),
        ]),
      ),
    ),
  ];
  const denyText =
    denies.length > 0
      ? `; ${plural(denies.length, 'DENY policy', 'DENY policies')} also apply`
      : '';
  return {
    ...base,
    status: 'pass',
    summary:
      callers.length === 0
        ? `Deny by default: no caller is allowed${denyText}.`
        : `Deny by default; allowed callers: ${callers.join(', ')}${denyText}.`,
  };
};
