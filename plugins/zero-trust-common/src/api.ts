import { ControlId, ControlStatus } from './controls';
import { SbomImage, SeverityCounts, VulnerabilityItem } from './details';
import { ClusterHealth } from './posture';

/**
 * Response of `GET /v1/clusters`.
 *
 * @public
 */
export interface ClusterList {
  items: ClusterHealth[];
}

/**
 * One component of an SBOM, as listed by `GET /v1/entities/{kind}/{namespace}/{name}/sbom`.
 *
 * @public
 */
export interface SbomComponent {
  name: string;
  group?: string;
  version?: string;
  /** CycloneDX component type: `library`, `application`, `operating-system`, … */
  type: string;
  purl?: string;
  /** SPDX ids or expressions, or license names when no id is known. */
  licenses: string[];
  /** The image it was found in (`registry/repository:tag`). */
  image: string;
  container?: string;
  cluster: string;
}

/**
 * Query of the SBOM route. Filters match case-insensitively on a substring.
 *
 * @public
 */
export interface SbomQuery {
  offset?: number;
  limit?: number;
  name?: string;
  type?: string;
  license?: string;
}

/**
 * A page of an entity's SBOM.
 *
 * @public
 */
export interface SbomPage {
  entityRef: string;
  /** Components matching the filters over all images. */
  total: number;
  offset: number;
  limit: number;
  items: SbomComponent[];
  images: SbomImage[];
}

/**
 * Query of the vulnerabilities route.
 *
 * @public
 */
export interface VulnerabilityQuery {
  offset?: number;
  limit?: number;
  /** Only this severity and worse. */
  minSeverity?: keyof SeverityCounts;
  /** Only findings with a fixed version. */
  fixable?: boolean;
}

/**
 * A page of an entity's vulnerabilities, most severe first.
 *
 * @public
 */
export interface VulnerabilityPage {
  entityRef: string;
  /** Counts over every finding, before filters and paging. */
  counts: SeverityCounts;
  total: number;
  offset: number;
  limit: number;
  items: VulnerabilityItem[];
}

/**
 * One row of the evidence export: a control and one object that proves (or disproves) it. A
 * control without evidence has one row with the object fields empty.
 *
 * @public
 */
export interface EvidenceRow {
  entityRef: string;
  control: ControlId;
  status: ControlStatus;
  summary: string;
  cluster?: string;
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  observedAt?: string;
}

/**
 * Response of `GET .../evidence?format=json`.
 *
 * @public
 */
export interface EvidenceExport {
  entityRef: string;
  generatedAt: string;
  score?: number;
  rows: EvidenceRow[];
}

/**
 * Formats of the evidence export.
 *
 * @public
 */
export const EVIDENCE_FORMATS = ['json', 'csv', 'markdown'] as const;

/** @public */
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];
