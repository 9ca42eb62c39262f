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
  { id: 'provenance', title: 'Image provenance' },
  { id: 'flows', title: 'Observed flows' },
  { id: 'cis', title: 'CIS benchmark' },
] as const;

/**
 * Identifier of one built-in Zero Trust control. The API's own `control` fields are open
 * strings (see `ControlId` in the backend's OpenAPI spec), so that an installation can add
 * controls; this union is what narrows a {@link ControlResult} to its typed details.
 *
 * @public
 */
export type ControlId = (typeof ZERO_TRUST_CONTROLS)[number]['id'];

/**
 * Returns the title of a control: a built-in control's own, else the title a result of a control
 * an installation added carries, else the id itself.
 *
 * @public
 */
export function controlTitle(
  control: string | { control: string; title?: string },
): string {
  const id = typeof control === 'string' ? control : control.control;
  const added = typeof control === 'string' ? undefined : control.title;
  return ZERO_TRUST_CONTROLS.find(c => c.id === id)?.title ?? added ?? id;
}
