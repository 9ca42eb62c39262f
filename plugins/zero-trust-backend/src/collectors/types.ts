import {
  ControlId,
  ControlResultOf,
  SeverityCounts,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';

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

/** What every collector gets: the entity's workloads per cluster, joined once. */
export interface CollectorContext {
  workloads: ClusterWorkloads[];
  settings: CollectorSettings;
  /** ISO time of this evaluation. */
  now: string;
}

/** Computes one control from the joined workloads; never throws on malformed objects. */
export type Collector<C extends ControlId> = (
  ctx: CollectorContext,
) => ControlResultOf<C>;
