// The types of the backend's REST API. Every shape is generated from the one OpenAPI spec,
// plugins/zero-trust-backend/src/schema/openapi.yaml, into ./schema/openapi/generated; this file
// only re-exports them and narrows the few that TypeScript can say more about than the spec does
// (which details type goes with which built-in control).

import type {
  ComponentControl,
  ComponentPosture as GeneratedComponentPosture,
  ControlResult as GeneratedControlResult,
  ControlStatus,
  EntityPosture as GeneratedEntityPosture,
  EvidenceFormat,
  GetSbom,
  GetVulnerabilities,
  Severity,
  AdmissionDetails,
  AuthorizationDetails,
  GitOpsDetails,
  IdentityDetails,
  MtlsDetails,
  RolloutDetails,
  RuntimeDetails,
  SbomDetails,
  SecretsDetails,
  SegmentationDetails,
  VulnerabilityDetails,
  ProvenanceDetails,
  FlowsDetails,
  CisDetails,
} from './schema/openapi';
import type { ControlId } from './controls';

// Every model of the spec, under the name the spec gives it. The local declarations below take
// precedence over the generated ones of the same name.
export * from './schema/openapi/generated/models';

export type {
  GetClusters,
  GetEvidence,
  GetHealth,
  GetPosture,
  GetPostureHistory,
  GetSbom,
  GetVulnerabilities,
  RequestOptions,
  TypedResponse,
} from './schema/openapi';
export { DefaultApiClient as ZeroTrustApiClient } from './schema/openapi';
// The wire types as the spec has them, with open control ids (for controls an installation adds);
// the types of the same name above narrow them to the built-in controls.
export type {
  ComponentPosture as ComponentPostureModel,
  ControlResult as ControlResultModel,
  EntityPosture as EntityPostureModel,
} from './schema/openapi';

/**
 * The details type of each built-in control.
 *
 * @public
 */
export interface ControlDetailsMap {
  mtls: MtlsDetails;
  authorization: AuthorizationDetails;
  segmentation: SegmentationDetails;
  admission: AdmissionDetails;
  sbom: SbomDetails;
  vulnerabilities: VulnerabilityDetails;
  rollout: RolloutDetails;
  gitops: GitOpsDetails;
  secrets: SecretsDetails;
  runtime: RuntimeDetails;
  identity: IdentityDetails;
  provenance: ProvenanceDetails;
  flows: FlowsDetails;
  cis: CisDetails;
}

/**
 * The result of one given control for one component, with `details` typed for that control.
 *
 * @public
 */
export type ControlResultOf<C extends ControlId> = Omit<
  GeneratedControlResult,
  'control' | 'details'
> & {
  control: C;
  /** Control-specific details; absent when the control could not be evaluated. */
  details?: ControlDetailsMap[C];
};

/**
 * The result of one control for one component. Narrow on `control` to reach typed `details`.
 *
 * @public
 */
export type ControlResult = {
  [C in ControlId]: ControlResultOf<C>;
}[ControlId];

/**
 * The Zero Trust posture of one catalog entity (`GET .../posture`), its controls narrowed to
 * {@link ControlResult}.
 *
 * @public
 */
export type EntityPosture = Omit<
  GeneratedEntityPosture,
  'controls' | 'components'
> & {
  controls: ControlResult[];
  /**
   * For a System: its components' rows of the evidence matrix. The System's `controls` are the
   * worst status of each control over these components.
   */
  components?: ComponentPosture[];
};

/**
 * One component's row of a System's evidence matrix, its controls narrowed to {@link ControlId}.
 *
 * @public
 */
export type ComponentPosture = Omit<GeneratedComponentPosture, 'controls'> & {
  controls: (Omit<ComponentControl, 'control'> & { control: ControlId })[];
};

/**
 * Query of the SBOM route. Filters match case-insensitively on a substring.
 *
 * @public
 */
export type SbomQuery = Omit<GetSbom['query'], 'format'>;

/**
 * Query of the vulnerabilities route.
 *
 * @public
 */
export type VulnerabilityQuery = GetVulnerabilities['query'];

// The spec's enums as runtime lists (tuples, so that `z.enum(SEVERITIES)` works). `allOf<T>()`
// accepts a list only when it names every member of the generated union T and nothing else, so a
// value added to or removed from the spec fails the build here; a test compares the order with
// the spec's.
const allOf =
  <T extends string>() =>
  <const L extends readonly [T, ...T[]]>(
    list: L &
      ([Exclude<T, L[number]>] extends [never]
        ? unknown
        : { missing: Exclude<T, L[number]> }),
  ): [...L] =>
    [...list] as [...L];

/**
 * Every {@link ControlStatus}, in the order of the spec.
 *
 * @public
 */
export const CONTROL_STATUSES = allOf<ControlStatus>()([
  'pass',
  'warn',
  'fail',
  'unknown',
  'not-installed',
  'forbidden',
  'not-applicable',
]);

/**
 * Every {@link Severity}, most severe first.
 *
 * @public
 */
export const SEVERITIES = allOf<Severity>()([
  'critical',
  'high',
  'medium',
  'low',
  'unknown',
]);

/**
 * Every {@link EvidenceFormat}.
 *
 * @public
 */
export const EVIDENCE_FORMATS = allOf<EvidenceFormat>()([
  'json',
  'csv',
  'markdown',
]);
