/**
 * API groups the API server serves itself; every other watched group comes from a CRD, so a 404 on
 * it (or its absence from a snapshot's CRDs) means "not installed".
 */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
]);

export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}
