import {
  DRY_RUN_ANNOTATION,
  GATEWAY_API_GROUP,
  IstioDataplane,
  IstioObject,
  WAYPOINT_GATEWAY_CLASS,
  isRecord,
  selectorSubsetOf,
  specOf,
  workloadSelectorLabels,
} from './objects';
import { WaypointRef } from './waypoint';

/** How an AuthorizationPolicy reaches a workload. @public */
export type AuthorizationPolicyScope =
  | 'workload'
  | 'namespace'
  | 'mesh'
  | 'targetRef';

/** What an AuthorizationPolicy is matched against: one workload and where its traffic flows. @public */
export interface AuthorizationTarget {
  namespace: string;
  labels: Record<string, string>;
  dataplane: IstioDataplane;
  /** The workload's Services, with the waypoint each is bound to (ambient, Gateway existing). */
  services: { namespace: string; name: string; waypoint?: WaypointRef }[];
  /** The waypoint of workload-addressed traffic (pod or namespace label, `waypoint-for: workload|all`). */
  workloadWaypoint?: WaypointRef;
}

export interface PolicyTargetRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/**
 * `targetRefs`, or the deprecated `targetRef` when `targetRefs` is empty
 * (GetTargetRefs in pilot/pkg/model/policyattachment.go).
 */
export function targetRefsOf(policy: IstioObject): PolicyTargetRef[] {
  const spec = specOf(policy);
  const refs = Array.isArray(spec.targetRefs)
    ? spec.targetRefs.filter(isRecord)
    : [];
  if (refs.length === 0 && isRecord(spec.targetRef)) return [spec.targetRef];
  return refs as PolicyTargetRef[];
}

/** An empty group is the core group: `""` and `core` are the same (config.CanonicalGroup, pkg/config/model.go). */
export const canonicalGroup = (group: string | undefined) =>
  group ? group : 'core';

function refersTo(ref: PolicyTargetRef, group: string, kind: string): boolean {
  return canonicalGroup(ref.group) === group && ref.kind === kind;
}

/**
 * Whether `istio.io/dry-run` marks the policy as not enforced
 * (https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/). Istio parses the
 * value with Go's strconv.ParseBool (pilot/pkg/serviceregistry/ambient/authorization.go
 * convertAuthorizationPolicy; pilot/pkg/security/authz/builder/builder.go for sidecars).
 *
 * @public
 */
export function isDryRun(policy: IstioObject): boolean {
  const v = policy.metadata.annotations?.[DRY_RUN_ANNOTATION];
  return v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

/**
 * The policy's action; `ALLOW` when absent. Unknown actions are ignored by Istio (authorization.go).
 *
 * @public
 */
export function authorizationActionOf(
  policy: IstioObject,
): 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM' | undefined {
  const action = specOf(policy).action ?? 'ALLOW';
  return (['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const).find(
    a => a === action,
  );
}

/**
 * How the policy applies to the workload, or undefined when it does not. Follows upstream:
 *
 * - Only policies in the workload's namespace or the root namespace are candidates; a selector
 *   policy in the root namespace applies to matching workloads in every namespace, one without a
 *   selector to every workload (ListAuthorizationPolicies in pilot/pkg/model/authorization.go;
 *   https://istio.io/latest/docs/reference/config/security/authorization-policy/).
 * - A policy with `targetRefs` is ignored by sidecars and ztunnel; it is enforced by a waypoint
 *   (ShouldAttachPolicy in pilot/pkg/model/policyattachment.go): a `Service` (group "" or core)
 *   named by a policy in the Service's namespace, when the Service is bound to a waypoint; a
 *   `Gateway` (gateway.networking.k8s.io) that is the waypoint, by a policy in the waypoint's
 *   namespace (so a root-namespace policy only reaches waypoints in the root namespace); or the
 *   `istio-waypoint` GatewayClass from the root namespace, i.e. every waypoint.
 *
 * @public
 */
export function authorizationPolicyScope(
  policy: IstioObject,
  target: AuthorizationTarget,
  rootNamespace: string,
): { scope: AuthorizationPolicyScope; waypoint?: WaypointRef } | undefined {
  if (target.dataplane === 'none') return undefined;
  const ns = policy.metadata.namespace ?? '';
  const refs = targetRefsOf(policy);
  if (refs.length > 0) {
    if (target.dataplane !== 'ambient') return undefined;
    return waypointAttachment(ns, refs, target, rootNamespace);
  }
  if (ns !== target.namespace && ns !== rootNamespace) return undefined;
  const selector = workloadSelectorLabels(specOf(policy));
  if (Object.keys(selector).length > 0) {
    return selectorSubsetOf(selector, target.labels)
      ? { scope: 'workload' }
      : undefined;
  }
  return { scope: ns === target.namespace ? 'namespace' : 'mesh' };
}

function waypointAttachment(
  policyNamespace: string,
  refs: PolicyTargetRef[],
  target: AuthorizationTarget,
  rootNamespace: string,
): { scope: 'targetRef'; waypoint: WaypointRef } | undefined {
  const waypoints = [
    ...target.services.flatMap(s => (s.waypoint ? [s.waypoint] : [])),
    ...(target.workloadWaypoint ? [target.workloadWaypoint] : []),
  ];
  for (const ref of refs) {
    if (refersTo(ref, 'core', 'Service')) {
      const svc = target.services.find(
        s =>
          s.waypoint && s.name === ref.name && s.namespace === policyNamespace,
      );
      if (svc?.waypoint) return { scope: 'targetRef', waypoint: svc.waypoint };
    }
    if (
      refersTo(ref, GATEWAY_API_GROUP, 'GatewayClass') &&
      ref.name === WAYPOINT_GATEWAY_CLASS &&
      policyNamespace === rootNamespace &&
      waypoints.length > 0
    ) {
      return { scope: 'targetRef', waypoint: waypoints[0] };
    }
    if (refersTo(ref, GATEWAY_API_GROUP, 'Gateway')) {
      const wp = waypoints.find(
        w =>
          w.name === ref.name &&
          w.namespace === policyNamespace &&
          (!ref.namespace || ref.namespace === w.namespace),
      );
      if (wp) return { scope: 'targetRef', waypoint: wp };
    }
  }
  return undefined;
}

/**
 * A policy naming one of the workload's Services that no waypoint enforces: the Service has no
 * waypoint, or the pods are not ambient. Istio accepts it but nothing applies it.
 *
 * @public
 */
export function targetsServiceWithoutWaypoint(
  policy: IstioObject,
  target: AuthorizationTarget,
): boolean {
  const ns = policy.metadata.namespace;
  return targetRefsOf(policy).some(
    ref =>
      refersTo(ref, 'core', 'Service') &&
      target.services.some(
        s =>
          s.name === ref.name &&
          s.namespace === ns &&
          (!s.waypoint || target.dataplane !== 'ambient'),
      ),
  );
}

const nonEmpty = (v: unknown) =>
  Array.isArray(v) ? v.length > 0 : isRecord(v) && Object.keys(v).length > 0;

/**
 * A rule that matches every request: `{}` (or only empty `from`/`to`/`when`). In an ALLOW policy
 * it allows everything, in a DENY policy it denies everything, while a policy with no rules at all
 * matches nothing: ALLOW without rules denies all, DENY without rules has no effect
 * (https://istio.io/latest/docs/reference/config/security/authorization-policy/, "allow-nothing",
 * "deny-all" and "allow-all" examples).
 *
 * @public
 */
export function isMatchAllRule(rule: unknown): boolean {
  if (!isRecord(rule)) return false;
  const from = Array.isArray(rule.from) ? rule.from : [];
  const to = Array.isArray(rule.to) ? rule.to : [];
  return (
    from.every(f => !isRecord(f) || !nonEmpty(f.source)) &&
    to.every(t => !isRecord(t) || !nonEmpty(t.operation)) &&
    !nonEmpty(rule.when)
  );
}

/** What the enforced policies of a workload decide, before any request is seen. @public */
export interface AuthorizationDecision {
  /** Some enforced ALLOW policy applies: requests no ALLOW rule matches are denied. */
  denyByDefault: boolean;
  /** An enforced ALLOW policy has a rule matching every request. */
  allowsEverything: boolean;
  /** An enforced DENY policy has a rule matching every request. */
  deniesEverything: boolean;
  /** Enforced policies by action; dry-run and AUDIT policies are never here. */
  enforced: {
    custom: IstioObject[];
    deny: IstioObject[];
    allow: IstioObject[];
  };
  /** Applying policies marked `istio.io/dry-run`: evaluated and logged only. */
  dryRun: IstioObject[];
}

/**
 * Istio's precedence: CUSTOM first, then DENY, then ALLOW; with no ALLOW policy the request is
 * allowed, with some it must match one (https://istio.io/latest/docs/concepts/security/#implicit-enablement
 * and #authorization-policy-precedence). AUDIT decides nothing; dry-run policies are not enforced.
 *
 * @public
 */
export function authorizationDecision(
  applying: readonly IstioObject[],
): AuthorizationDecision {
  const dryRun = applying.filter(isDryRun);
  const enforced = applying.filter(p => !isDryRun(p));
  const byAction = (a: string) =>
    enforced.filter(p => authorizationActionOf(p) === a);
  const rulesOf = (p: IstioObject) => {
    const rules = specOf(p).rules;
    return Array.isArray(rules) ? rules : [];
  };
  const allow = byAction('ALLOW');
  const deny = byAction('DENY');
  return {
    denyByDefault: allow.length > 0,
    allowsEverything: allow.some(p => rulesOf(p).some(isMatchAllRule)),
    deniesEverything: deny.some(p => rulesOf(p).some(isMatchAllRule)),
    enforced: { custom: byAction('CUSTOM'), deny, allow },
    dryRun,
  };
}
