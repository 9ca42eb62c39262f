// Per-control details of a ControlResult. Every list names the cluster and object it was read
// from, so the UI can link a row to its evidence.

/** Where an object lives. @public */
export interface ObjectLocation {
  cluster: string;
  namespace?: string;
  name: string;
}

/** How a pod takes part in the Istio mesh. @public */
export type MeshDataplane = 'sidecar' | 'ambient' | 'none';

/** A PeerAuthentication mTLS mode after inheritance (`UNSET` resolved). @public */
export type PeerAuthenticationMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** Which PeerAuthentication decided a mode. @public */
export interface PeerAuthenticationSource {
  /** `default` means no PeerAuthentication applies, so Istio's default (PERMISSIVE) holds. */
  level: 'workload' | 'namespace' | 'mesh' | 'default';
  policy?: ObjectLocation;
}

/** mTLS of one group of identical pods of one workload. @public */
export interface MtlsWorkload {
  cluster: string;
  namespace: string;
  /** `Deployment/frontend`, `Rollout/checkoutservice`, or `Pod/<name>` for a bare pod. */
  workload: string;
  pods: number;
  dataplane: MeshDataplane;
  /** Why the pod counts as enrolled: `istio-proxy container`, `namespace label`, … */
  enrolledBy?: string;
  mode: PeerAuthenticationMode;
  modeSource: PeerAuthenticationSource;
  /** Port-level overrides (`portLevelMtls`) that differ from `mode`. */
  portModes: { port: number; mode: PeerAuthenticationMode }[];
}

/** @public */
export interface MtlsDetails {
  /** Istio's root namespace, whose selector-less PeerAuthentication is mesh-wide. */
  rootNamespace: string;
  workloads: MtlsWorkload[];
}

/** One `from`/`to`/`when` combination of an AuthorizationPolicy rule, flattened. @public */
export interface AuthorizationRuleSummary {
  /** Sources; empty lists with `anySource` mean every caller. */
  principals: string[];
  notPrincipals: string[];
  namespaces: string[];
  notNamespaces: string[];
  ipBlocks: string[];
  anySource: boolean;
  ports: string[];
  methods: string[];
  paths: string[];
  notPaths: string[];
  /** Number of `when` conditions (shown, not interpreted). */
  conditions: number;
}

/** An AuthorizationPolicy that applies to the workload. @public */
export interface AuthorizationPolicySummary extends ObjectLocation {
  action: 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
  /** How it selects the workload. */
  scope: 'workload' | 'namespace' | 'mesh' | 'targetRef';
  /** An ALLOW policy without rules: nothing may call. */
  allowsNothing: boolean;
  /** An ALLOW rule without `from`: any caller. */
  allowsAnySource: boolean;
  rules: AuthorizationRuleSummary[];
}

/** Declared dependencies in the catalog compared with who the policies let in. @public */
export interface PolicyDrift {
  /** The SPIFFE trust domain used to turn catalog entities into principals. */
  trustDomain: string;
  /** Every caller the catalog declares (dependsOn / consumesApis) with a mesh identity. */
  declared: { entityRef: string; principal: string }[];
  /** Callers the catalog declares (dependsOn / consumesApis) that no ALLOW rule admits. */
  declaredNotAllowed: { entityRef: string; principal: string }[];
  /** Principals or namespaces an ALLOW rule admits that no declared caller accounts for. */
  allowedNotDeclared: {
    principal?: string;
    namespace?: string;
    policy: ObjectLocation;
  }[];
  /** Catalog callers whose identity could not be derived (invalid annotations). */
  unresolved: { entityRef: string; reason: string }[];
}

/** @public */
export interface AuthorizationDetails {
  policies: AuthorizationPolicySummary[];
  /** Requests not matched by an ALLOW rule are denied (some ALLOW policy applies). */
  denyByDefault: boolean;
  /** The ambient waypoint that enforces L7 (`targetRefs`) policies, when one serves the workload. */
  waypoint?: ObjectLocation;
  drift?: PolicyDrift;
}

/** A peer a network policy rule allows. @public */
export interface NetworkPeer {
  kind: 'pods' | 'namespace' | 'cidr' | 'entity' | 'fqdn' | 'any';
  /** Readable form: `app=frontend in ns kubernetes.io/metadata.name=online-boutique`, `api.stripe.com`. */
  description: string;
  ports: string[];
  policy: ObjectLocation & { kind: string };
}

/** One direction (ingress or egress) of a workload's segmentation. @public */
export interface SegmentationDirection {
  /** Some policy selects the pods for this direction, so unlisted traffic is dropped. */
  isolated: boolean;
  /** A namespace-wide (or cluster-wide) policy denies this direction by default. */
  defaultDeny: boolean;
  allowed: NetworkPeer[];
  /** Explicit denies (Cilium `ingressDeny`/`egressDeny`). */
  denied: NetworkPeer[];
}

/** @public */
export interface SegmentationDetails {
  ingress: SegmentationDirection;
  egress: SegmentationDirection & {
    /** DNS names reachable through Cilium `toFQDNs` (`matchName` or `matchPattern`). */
    fqdns: string[];
    /** Egress to the internet (`world`, `0.0.0.0/0` or an unrestricted rule) is allowed. */
    world: boolean;
  };
  policies: (ObjectLocation & { kind: string })[];
}

/** One policy result that concerns the entity's workloads. @public */
export interface AdmissionFinding {
  cluster: string;
  /** `PolicyReport online-boutique/kyverno-deployment-adservice` */
  report: string;
  /** `Deployment/adservice` */
  resource: string;
  policy: string;
  rule?: string;
  /** `pass`, `fail`, `warn`, `error` or `skip`. */
  result: string;
  severity?: string;
  category?: string;
  source?: string;
  message?: string;
}

/** Counts of admission results for one policy and rule. @public */
export interface AdmissionPolicyCount {
  policy: string;
  rule?: string;
  severity?: string;
  pass: number;
  fail: number;
  warn: number;
  error: number;
  skip: number;
}

/** @public */
export interface AdmissionDetails {
  findings: AdmissionFinding[];
  counts: {
    pass: number;
    fail: number;
    warn: number;
    error: number;
    skip: number;
  };
  byPolicy: AdmissionPolicyCount[];
}

/** The SBOM of one container image. @public */
export interface SbomImage {
  cluster: string;
  namespace: string;
  report: string;
  container?: string;
  /** `registry/repository:tag` */
  image: string;
  digest?: string;
  components: number;
  /** Set when the report held more components than the configured limit. */
  truncated?: { kept: number; total: number };
  scanner?: string;
  updatedAt?: string;
  /** `CycloneDX 1.5`, as the BOM declares it (set by the sbom control). */
  format?: string;
  /** Tools the BOM names as its authors: `trivy 0.58.2` (set by the sbom control). */
  tools?: string[];
  /** Components by CycloneDX type (set by the sbom control). */
  types?: Record<string, number>;
  /** Why the report's BOM is not a usable CycloneDX SBOM; the image then counts as not covered. */
  invalid?: string;
}

/** A running container without a usable SBOM. @public */
export interface SbomMissing {
  cluster: string;
  namespace: string;
  /** `Deployment/adservice` */
  workload: string;
  container: string;
  image?: string;
}

/** @public */
export interface SbomDetails {
  images: SbomImage[];
  /** Running containers no valid SbomReport covers. */
  missing?: SbomMissing[];
  /** Components over all images (duplicates across images counted once per image). */
  components: number;
  /** Licenses by number of components, most frequent first; `unknown` for none declared. */
  licenses: { license: string; count: number }[];
}

/** Vulnerability counts by severity. @public */
export interface SeverityCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  unknown: number;
}

/** @public */
export interface VulnerabilityDetails {
  counts: SeverityCounts;
  /** Findings with a `fixedVersion`. */
  fixable: number;
  images: {
    cluster: string;
    namespace: string;
    report: string;
    container?: string;
    image: string;
    digest?: string;
    counts: SeverityCounts;
    updatedAt?: string;
  }[];
  /** The most severe findings (at most 20); the full list is on the vulnerabilities route. */
  top: VulnerabilityItem[];
  /** Running containers whose image no VulnerabilityReport covers (a canary's new image). */
  unscanned?: SbomMissing[];
}

/** One vulnerability in one image. @public */
export interface VulnerabilityItem {
  id: string;
  severity: keyof SeverityCounts;
  /** The package. */
  resource: string;
  installedVersion?: string;
  fixedVersion?: string;
  title?: string;
  link?: string;
  score?: number;
  cluster: string;
  namespace: string;
  image: string;
  container?: string;
}

/** An Argo Rollouts AnalysisRun and its metrics. @public */
export interface AnalysisRunSummary extends ObjectLocation {
  phase: string;
  message?: string;
  metrics: {
    name: string;
    phase?: string;
    count: number;
    successful: number;
    failed: number;
    inconclusive: number;
    error: number;
    lastValue?: string;
  }[];
}

/** @public */
export interface RolloutSummary extends ObjectLocation {
  phase?: string;
  strategy: 'canary' | 'blueGreen' | 'unknown';
  currentStepIndex?: number;
  totalSteps?: number;
  /** Traffic weight of the canary (status weights, else the last `setWeight` step reached). */
  canaryWeight?: number;
  paused: boolean;
  pauseReasons: string[];
  aborted: boolean;
  message?: string;
  analysisRuns: AnalysisRunSummary[];
}

/** @public */
export interface RolloutDetails {
  rollouts: RolloutSummary[];
  /** Controllers released without progressive delivery (`Deployment/adservice`). */
  plainControllers: string[];
}

/** One resource an Argo CD Application manages that belongs to (or protects) the workload. @public */
export interface GitOpsResource {
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  health?: string;
  /** A security object (policy, PeerAuthentication, NetworkPolicy, RBAC, ExternalSecret). */
  security: boolean;
}

/** @public */
export interface GitOpsApplication extends ObjectLocation {
  sync?: string;
  health?: string;
  revision?: string;
  resources: GitOpsResource[];
}

/** @public */
export interface GitOpsDetails {
  applications: GitOpsApplication[];
  /** Workload objects no Application manages. */
  unmanaged: string[];
}

/** @public */
export interface ExternalSecretSummary extends ObjectLocation {
  /** The Secret it writes (its name only; Secret data is never read). */
  target: string;
  store?: string;
  ready: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  refreshTime?: string;
  /** Why the Secret may be absent or out of date although Ready may be True (e.g. `SecretDeleted`). */
  problem?: string;
}

/** @public */
export interface SecretsDetails {
  externalSecrets: ExternalSecretSummary[];
  /** Secrets the pods reference by name that no ExternalSecret writes. */
  unmanagedSecretRefs: string[];
}

/** One runtime alert (Falco, through falcosidekick's PolicyReport output). @public */
export interface RuntimeAlert {
  cluster: string;
  namespace?: string;
  pod?: string;
  container?: string;
  rule: string;
  severity?: string;
  priority?: string;
  /** How falcosidekick graded the event: `fail` (Error and above), `warn`, `skip` (Notice and below). */
  result?: 'fail' | 'warn' | 'skip';
  message?: string;
  time?: string;
  report: string;
}

/** @public */
export interface RuntimeDetails {
  alerts: RuntimeAlert[];
  /** Some falcosidekick report exists in the cluster, so an empty list means "no alerts". */
  falcoReporting: boolean;
}

/** @public */
export interface ServiceAccountSummary extends ObjectLocation {
  /** The default ServiceAccount is shared by every pod of the namespace. */
  isDefault: boolean;
  automountToken?: boolean;
  workloadIdentity?: { provider: 'gke' | 'eks' | 'azure'; identity: string };
}

/** A binding that grants one of the workload's ServiceAccounts a role. @public */
export interface RoleGrant {
  cluster: string;
  binding: { kind: string; namespace?: string; name: string };
  role: { kind: string; name: string };
  /** The matching subject: `ServiceAccount online-boutique/cartservice`, `Group system:serviceaccounts`. */
  subject: string;
  excessive: boolean;
  /** Why it is excessive: `edit`, `wildcard verbs`, `reads secrets`, … */
  reasons: string[];
}

/** @public */
export interface IdentityDetails {
  serviceAccounts: ServiceAccountSummary[];
  grants: RoleGrant[];
}

/**
 * The details type of each control.
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
}
