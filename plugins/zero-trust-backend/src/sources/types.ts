import {
  ClusterHealth,
  KindSyncState,
  WatchedKind,
} from '@zero-trust-k8s/plugin-zero-trust-common';

/**
 * An owner reference; `uid` is absent in hand-written snapshots.
 *
 * @public
 */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

/**
 * The fields of a Kubernetes object every collector relies on.
 *
 * @public
 */
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
    ownerReferences?: OwnerReference[];
  };
  [field: string]: unknown;
}

/**
 * Where one kind stands in one cluster, as the collectors see it.
 *
 * @public
 */
export interface KindStatus {
  state: KindSyncState;
  lastSyncAt?: string;
  error?: string;
}

/**
 * The objects of one cluster, held in memory. Reads never reach the API server: a live source
 * serves its watch caches, a snapshot its files.
 *
 * @public
 */
export interface ClusterSource {
  readonly name: string;
  readonly type: 'live' | 'snapshot';
  /** Objects of a kind, by API group (`''` for core) and kind name, optionally in one namespace. */
  objects(group: string, kind: string, namespace?: string): KubeObject[];
  kindStatus(group: string, kind: string): KindStatus;
  health(): ClusterHealth;
  /** Starts reading (a live source lists and watches); resolves once started, not once synced. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → `''`). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** `group/Kind`, the key a source indexes kinds by. */
export function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`;
}

/** The key of a {@link WatchedKind}. */
export function watchedKindKey(kind: WatchedKind): string {
  return kindKey(kind.group, kind.kind);
}
