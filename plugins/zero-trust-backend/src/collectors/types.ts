import {
  ControlId,
  ControlResultOf,
  ControlStatus,
  EvidenceRef,
  SeverityCounts,
  WatchedKind,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KindStatus, KubeObject } from '../sources/types';
import type { FlowsInput } from '../hubble/flowsInput';

/** Knobs of the collectors, from `zeroTrust.controls`. */
export interface CollectorSettings {
  /** Istio's root namespace: its selector-less PeerAuthentication/AuthorizationPolicy is mesh-wide. */
  meshRootNamespace: string;
  /** SPIFFE trust domain of workload principals (`<domain>/ns/<ns>/sa/<sa>`). */
  trustDomain: string;
  /** Findings of this severity or worse fail the vulnerabilities control. */
  vulnerabilityFailSeverity: keyof SeverityCounts;
  /** Findings of this severity or worse (and better than the fail one) warn. */
  vulnerabilityWarnSeverity: keyof SeverityCounts;
}

export const DEFAULT_COLLECTOR_SETTINGS: CollectorSettings = {
  meshRootNamespace: 'istio-system',
  trustDomain: 'cluster.local',
  vulnerabilityFailSeverity: 'critical',
  vulnerabilityWarnSeverity: 'high',
};

/** What every built-in collector gets: the entity's workloads per cluster, joined once. */
export interface CollectorContext extends ZeroTrustCollectorContext {
  workloads: ClusterWorkloads[];
  settings: CollectorSettings;
  /** Hubble Relay's answers for the entity's pods, per cluster (the flows control). */
  flows?: FlowsInput;
  /** The entity's `backstage.io/source-location` annotation (the provenance control compares it). */
  sourceLocation?: string;
}

/**
 * A cluster's objects as a collector reads them: the backend's watch caches (or a snapshot), so a
 * read never reaches the API server.
 *
 * @public
 */
export interface ZeroTrustClusterObjects {
  readonly name: string;
  /** Objects of a kind, by API group (`''` for core) and kind, optionally in one namespace. */
  objects(group: string, kind: string, namespace?: string): KubeObject[];
  /** Whether the kind is synced, not installed, forbidden, pending or failing in this cluster. */
  kindStatus(group: string, kind: string): KindStatus;
}

/**
 * What a collector gets: the entity's workloads in each cluster where it runs, found as the
 * kubernetes plugin finds them (the entity's label selector, namespace and cluster annotations).
 *
 * @public
 */
export interface ZeroTrustCollectorContext {
  workloads: Array<{
    cluster: ZeroTrustClusterObjects;
    pods: KubeObject[];
    /** ReplicaSets, Deployments, StatefulSets, DaemonSets and Rollouts. */
    controllers: KubeObject[];
    services: KubeObject[];
    serviceAccounts: KubeObject[];
    /** The Namespace objects the workloads live in. */
    namespaces: KubeObject[];
  }>;
  /** ISO time of this evaluation. */
  now: string;
}

/**
 * The outcome of a control for one entity, as a collector returns it.
 *
 * @public
 */
export interface ZeroTrustCollectorResult {
  status: ControlStatus;
  /** One sentence a developer can act on. */
  summary: string;
  /** Details of the control's own shape (shown as they are; exported with the evidence). */
  details?: Record<string, unknown>;
  /** The objects the outcome was judged on. */
  evidence: EvidenceRef[];
  notes?: string[];
}

/**
 * A control and the collector that evaluates it. The built-in ones are registered the same way.
 *
 * @public
 */
export interface ZeroTrustCollector {
  control: {
    /** Lower-case words joined by dashes. A built-in id replaces that collector. */
    id: string;
    /** The title the UI shows (built-in controls keep theirs). */
    title?: string;
    /** What the control checks and what makes it pass, warn or fail (the explain-control action). */
    description?: string;
  };
  /**
   * Kinds the collector reads that the backend does not watch already; every live cluster watches
   * them too. Grant get/list/watch on them in the backend's ClusterRole.
   */
  kinds?: WatchedKind[];
  /** Computes the outcome from the cached objects; should not throw on malformed objects. */
  collect(context: ZeroTrustCollectorContext): ZeroTrustCollectorResult;
}

/** Computes one control from the joined workloads; never throws on malformed objects. */
export type Collector<C extends ControlId> = (
  ctx: CollectorContext,
) => ControlResultOf<C>;
