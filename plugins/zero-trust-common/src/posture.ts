import { ControlId, ControlStatus } from './controls';

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
 * The result of one control for one component.
 *
 * @public
 */
export interface ControlResult {
  control: ControlId;
  status: ControlStatus;
  /** One sentence a developer can act on. */
  summary: string;
  /** Control-specific details, typed per control by the collectors. */
  details?: Record<string, unknown>;
  evidence: EvidenceRef[];
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
  errors: string[];
}

/**
 * The Zero Trust posture of one catalog entity.
 *
 * @public
 */
export interface EntityPosture {
  entityRef: string;
  /**
   * 0–100, absent when no control had evidence; controls that are `unknown`, `not-installed`
   * or `forbidden` do not count.
   */
  score?: number;
  controls: ControlResult[];
  clusters: ClusterHealth[];
  generatedAt: string;
}
