/**
 * The Zero Trust controls the suite reports on, in the order they are shown.
 *
 * @public
 */
export const ZERO_TRUST_CONTROLS = [
  { id: 'mtls', title: 'Mutual TLS' },
  { id: 'authorization', title: 'Authorization' },
  { id: 'segmentation', title: 'Network segmentation' },
  { id: 'admission', title: 'Admission policy' },
  { id: 'sbom', title: 'Software bill of materials' },
  { id: 'vulnerabilities', title: 'Vulnerabilities' },
  { id: 'rollout', title: 'Progressive delivery' },
  { id: 'gitops', title: 'GitOps drift' },
  { id: 'secrets', title: 'Secret sync' },
  { id: 'runtime', title: 'Runtime alerts' },
  { id: 'identity', title: 'Workload identity' },
] as const;

/**
 * Identifier of one Zero Trust control.
 *
 * @public
 */
export type ControlId = (typeof ZERO_TRUST_CONTROLS)[number]['id'];

/**
 * Outcome of a control.
 *
 * - `not-installed`: the kind that proves the control has no CRD in the cluster.
 * - `forbidden`: the backend may not read that kind (its ClusterRole lacks a rule).
 * - `unknown`: no evidence either way (no cluster configured, or not synced yet).
 * - `not-applicable`: evaluated, and there is nothing to judge (e.g. no canary release, no Secret
 *   used). Left out of the score; it is not a pass.
 *
 * @public
 */
export type ControlStatus =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'unknown'
  | 'not-installed'
  | 'forbidden'
  | 'not-applicable';

/** @public */
export const CONTROL_STATUSES: readonly ControlStatus[] = [
  'pass',
  'warn',
  'fail',
  'unknown',
  'not-installed',
  'forbidden',
  'not-applicable',
];

/**
 * Returns the title of a control, or the id itself for an id this version does not know.
 *
 * @public
 */
export function controlTitle(id: string): string {
  return ZERO_TRUST_CONTROLS.find(c => c.id === id)?.title ?? id;
}
