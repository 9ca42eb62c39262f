import {
  AuthorizationDetails,
  PolicyDrift,
} from '@zero-trust-k8s/plugin-zero-trust-common';

/** A caller the catalog declares, with the mesh identity derived from its annotations. */
export interface DeclaredCaller {
  entityRef: string;
  /** `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`; absent when it could not be derived. */
  principal?: string;
  namespace?: string;
  /** Why the identity could not be derived. */
  reason?: string;
}

/** Istio's principal matching: exact, `*`, or one `*` as prefix or suffix. */
export function principalMatches(pattern: string, principal: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return principal.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return principal.startsWith(pattern.slice(0, -1));
  return pattern === principal;
}

/**
 * Compares the callers the catalog declares with who the workload's ALLOW policies let in:
 * declared callers no rule admits (the call would be denied), and principals or namespaces a rule
 * admits that no declared caller accounts for (more access than the catalog says). Without any
 * ALLOW policy every caller is admitted, which the authorization control already reports; drift
 * then lists nothing as "not allowed". The ambient waypoint's own identity is infrastructure, not a
 * caller, and is ignored.
 */
export function computePolicyDrift(
  authorization: AuthorizationDetails,
  callers: DeclaredCaller[],
  trustDomain: string,
): PolicyDrift {
  const allowRules = authorization.policies
    .filter(p => p.action === 'ALLOW')
    .flatMap(policy => policy.rules.map(rule => ({ policy, rule })));
  const waypointPrincipal = authorization.waypoint
    ? `${trustDomain}/ns/${authorization.waypoint.namespace}/sa/${authorization.waypoint.name}`
    : undefined;
  const resolved = callers.filter(c => c.principal);

  const admits = (caller: DeclaredCaller) =>
    allowRules.some(
      ({ rule }) =>
        rule.anySource ||
        rule.principals.some(p => principalMatches(p, caller.principal!)) ||
        rule.namespaces.includes(caller.namespace ?? ''),
    );

  const allowedNotDeclared: PolicyDrift['allowedNotDeclared'] = [];
  const seen = new Set<string>();
  const add = (entry: PolicyDrift['allowedNotDeclared'][number]) => {
    const key = JSON.stringify(entry);
    if (!seen.has(key)) {
      seen.add(key);
      allowedNotDeclared.push(entry);
    }
  };
  for (const { policy, rule } of allowRules) {
    const location = {
      cluster: policy.cluster,
      namespace: policy.namespace,
      name: policy.name,
    };
    if (rule.anySource) {
      add({ principal: '*', policy: location });
    }
    for (const principal of rule.principals) {
      if (principal === waypointPrincipal) continue;
      if (!resolved.some(c => principalMatches(principal, c.principal!))) {
        add({ principal, policy: location });
      }
    }
    for (const namespace of rule.namespaces) {
      if (!resolved.some(c => c.namespace === namespace)) {
        add({ namespace, policy: location });
      }
    }
  }

  return {
    trustDomain,
    declared: resolved.map(c => ({
      entityRef: c.entityRef,
      principal: c.principal!,
    })),
    declaredNotAllowed: authorization.denyByDefault
      ? resolved
          .filter(c => !admits(c))
          .map(c => ({ entityRef: c.entityRef, principal: c.principal! }))
      : [],
    allowedNotDeclared,
    unresolved: callers
      .filter(c => !c.principal)
      .map(c => ({
        entityRef: c.entityRef,
        reason: c.reason ?? 'no mesh identity',
      })),
  };
}

/** Whether the drift shows a mismatch worth a warning. */
export function hasDrift(drift: PolicyDrift): boolean {
  return (
    drift.declaredNotAllowed.length > 0 || drift.allowedNotDeclared.length > 0
  );
}
