import { ControlId, ControlStatus } from './controls';
import { ControlDetailsMap, PolicyDrift } from './details';

/**
 * A pointer to the live object that proves (or disproves) a control.
 *
 * @public
 */
export interface EvidenceRef {
  cluster: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  /** ISO timestamp of when the backend's cache last saw this object. */
  observedAt: string;
}

/**
 * The result of one given control for one component; `details` is typed per control.
 *
 * @public
 */
export interface ControlResultOf<C extends ControlId> {
  control: C;
  status: ControlStatus;
  /** One sentence a developer can act on. */
  summary: string;
  /** Control-specific details; absent when the control could not be evaluated. */
  details?: ControlDetailsMap[C];
  evidence: EvidenceRef[];
  /** Objects the collector skipped because it could not read them (malformed), and similar caveats. */
  notes?: string[];
}

/**
 * The result of one control for one component. Narrow on `control` to reach typed `details`.
 *
 * @public
 */
export type ControlResult = {
  [C in ControlId]: ControlResultOf<C>;
}[ControlId];

/**
 * Where one kind stands in one cluster.
 *
 * - `pending`: the first list has not completed yet.
 * - `synced`: the cache holds the kind (it may be empty).
 * - `not-installed`: the API server does not serve the kind (its CRD is absent).
 * - `forbidden`: the backend's RBAC does not allow reading it.
 * - `error`: the last list or watch failed; the cache keeps what it had and retries with backoff.
 *
 * @public
 */
export type KindSyncState =
  | 'pending'
  | 'synced'
  | 'not-installed'
  | 'forbidden'
  | 'error';

/**
 * Sync state of one kind in one cluster.
 *
 * @public
 */
export interface KindHealth {
  /** API group, `''` for the core group. */
  group: string;
  version: string;
  kind: string;
  state: KindSyncState;
  /** Objects in the cache. */
  count: number;
  /** ISO time of the last successful list or watch event. */
  lastSyncAt?: string;
  error?: string;
}

/**
 * Sync state of one configured cluster as the backend sees it.
 *
 * @public
 */
export interface ClusterHealth {
  name: string;
  /** `snapshot` clusters are read from a directory of manifests, `live` ones through the API server. */
  source: 'live' | 'snapshot';
  healthy: boolean;
  lastSyncAt?: string;
  /** Seconds since the last successful sync. */
  stalenessSeconds?: number;
  /** More than the configured staleness limit has passed since the last sync. */
  stale?: boolean;
  errors: string[];
  /** Per-kind state; kinds not installed or forbidden explain `not-installed`/`forbidden` controls. */
  kinds?: KindHealth[];
}

/**
 * One workload object of an entity found in a cluster.
 *
 * @public
 */
export interface WorkloadRef {
  cluster: string;
  namespace?: string;
  kind: string;
  name: string;
}

/**
 * One component's row of a System's evidence matrix.
 *
 * @public
 */
export interface ComponentPosture {
  entityRef: string;
  score?: number;
  controls: {
    control: ControlId;
    status: ControlStatus;
    summary: string;
    evidence: number;
  }[];
}

/**
 * The Zero Trust posture of one catalog entity.
 *
 * @public
 */
export interface EntityPosture {
  entityRef: string;
  /**
   * 0–100 as `scoreControls` computes it, absent when no control was evaluated; controls
   * that are `not-applicable`, `unknown`, `not-installed` or `forbidden` do not count. A
   * System's score is that of its aggregated `controls`.
   */
  score?: number;
  controls: ControlResult[];
  clusters: ClusterHealth[];
  generatedAt: string;
  /** The workload objects the entity maps to (pods are counted, not listed). */
  workloads?: WorkloadRef[];
  /** Catalog ↔ policy drift of a component's callers. */
  drift?: PolicyDrift;
  /**
   * For a System: its components' rows of the evidence matrix. The System's `controls` are the
   * worst status of each control over these components.
   */
  components?: ComponentPosture[];
}
