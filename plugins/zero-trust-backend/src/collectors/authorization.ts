import {
  AuthorizationPolicySummary,
  AuthorizationRuleSummary,
  ObjectLocation,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { IstioPolicyScope, istioPolicyScope, specOf } from './lib/istio';
import { meshEnrollment } from './lib/mesh';
import { Verdict, plural, worst } from './lib/status';
import { Collector } from './types';

const AUTHORIZATION_POLICY = {
  group: 'security.istio.io',
  kind: 'AuthorizationPolicy',
};
const USE_WAYPOINT = 'istio.io/use-waypoint';

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

/** The AuthorizationPolicies that apply to any pod of the workloads in one cluster. */
export function applicableAuthorizationPolicies(
  w: ClusterWorkloads,
  rootNamespace: string,
): { policy: KubeObject; summary: AuthorizationPolicySummary }[] {
  const found = new Map<
    string,
    { policy: KubeObject; summary: AuthorizationPolicySummary }
  >();
  const policies = w.cluster.objects(
    AUTHORIZATION_POLICY.group,
    AUTHORIZATION_POLICY.kind,
  );
  for (const pod of w.pods) {
    const serviceNames = w.services
      .filter(s => s.metadata.namespace === pod.metadata.namespace)
      .map(s => s.metadata.name);
    for (const policy of policies) {
      const scope = istioPolicyScope(
        policy,
        { namespace: pod.metadata.namespace, labels: pod.metadata.labels },
        { rootNamespace, serviceNames },
      );
      const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
      if (scope && !found.has(key)) {
        found.set(key, {
          policy,
          summary: summarizeAuthorizationPolicy(policy, w.cluster.name, scope),
        });
      }
    }
  }
  return [...found.values()];
}

/** The ambient waypoint serving the workload: `istio.io/use-waypoint` on a Service or the namespace. */
function waypointOf(w: ClusterWorkloads): {
  gateway?: KubeObject;
  named?: ObjectLocation;
} {
  for (const holder of [...w.services, ...w.namespaces]) {
    const name = holder.metadata.labels?.[USE_WAYPOINT];
    if (!name || name === 'none') continue;
    const namespace =
      holder.metadata.labels?.['istio.io/use-waypoint-namespace'] ??
      (holder.kind === 'Namespace'
        ? holder.metadata.name
        : holder.metadata.namespace);
    const gateway = w.cluster
      .objects('gateway.networking.k8s.io', 'Gateway', namespace)
      .find(g => g.metadata.name === name);
    return { gateway, named: { cluster: w.cluster.name, namespace, name } };
  }
  return {};
}

const short = (principal: string) => {
  const m = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  return m ? `${m[1]}/${m[2]}` : principal;
};

/**
 * Authorization: which Istio AuthorizationPolicies apply to the workload (selector, namespace,
 * mesh root, or `targetRefs` to its Services) and who they let call it. Deny-by-default holds as
 * soon as one ALLOW policy applies; ALLOW rules open to any source, deny lists without an allow
 * list, and Service-attached policies with no waypoint to enforce them are warnings.
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
    const wp = waypointOf(w);
    if (wp.gateway) {
      waypoint = wp.named;
      evidence.add(w.cluster, wp.gateway);
    } else if (wp.named) {
      notes.push(
        `waypoint ${wp.named.namespace}/${wp.named.name} is named by istio.io/use-waypoint but no such Gateway exists`,
      );
    }
    for (const { policy, summary } of found) {
      policies.push(summary);
      evidence.add(w.cluster, policy);
      if (summary.scope === 'targetRef' && !wp.gateway)
        unenforcedTargetRefs = true;
    }
  }

  const allows = policies.filter(p => p.action === 'ALLOW');
  const denies = policies.filter(p => p.action === 'DENY');
  const denyByDefault = allows.length > 0;
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
      summary: 'No AuthorizationPolicy applies: any workload may call it.',
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
