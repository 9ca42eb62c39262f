import { ClusterHealth } from '@zero-trust-k8s/plugin-zero-trust-common';

/** The fields of a Kubernetes object every collector relies on. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: {
      apiVersion: string;
      kind: string;
      name: string;
      uid?: string;
    }[];
  };
  [field: string]: unknown;
}

/**
 * Where a kind stands in one cluster: `not-installed` (no CRD) and `forbidden` (our RBAC lacks a
 * rule) are answers, not errors; the UI explains them.
 */
export type KindState = 'synced' | 'not-installed' | 'forbidden' | 'error';

/** The objects of one cluster, as the backend holds them in memory. */
export interface ClusterSource {
  readonly name: string;
  /** Objects of a kind, by apiVersion group (`''` for core) and kind name. */
  objects(group: string, kind: string): KubeObject[];
  state(group: string, kind: string): KindState;
  health(): ClusterHealth;
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}
