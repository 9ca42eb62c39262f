// ExternalSecrets in the states the External Secrets Operator controller writes.
//
// Source: github.com/external-secrets/external-secrets at tag v1.3.2
// (commit a2ec42276c5ec6ed46232648f2397823b9b84aaf):
// - pkg/controllers/externalsecret/externalsecret_controller.go:
//   `markAsDone` (lines 777-795): Ready=True with the reason and message, `refreshTime` = start of
//   the reconcile, `syncedResourceVersion` = `GetResourceVersion(meta)`;
//   `markAsFailed` (lines 797-802): Ready=False, reason SecretSyncedError, the message only (the
//   error goes to an Event), refreshTime and syncedResourceVersion left as they were;
//   line 401: provider error → markAsFailed("could not get secret data from provider");
//   line 430: no data + deletionPolicy Delete → SecretDeleted "secret deleted due to
//   DeletionPolicy=Delete"; line 434: no data + Retain → SecretSynced "secret retained due to
//   DeletionPolicy=Retain"; line 546: creationPolicy Merge and no Secret → SecretMissing "secret
//   will not be created due to CreationPolicy=Merge"; line 606: SecretSynced "secret synced";
//   lines 898 and 915: `status.binding` = the Secret created or updated.
// - pkg/controllers/externalsecret/util.go `NewExternalSecretCondition`: type, status,
//   lastTransitionTime, reason, message.
// - pkg/controllers/util/util.go `GetResourceVersion`: `<generation>-<hash of labels and
//   annotations>`.
// - apis/externalsecrets/v1/externalsecret_types.go: spec defaults refreshInterval 1h0m0s,
//   target {creationPolicy: Owner, deletionPolicy: Retain}.
// Names, stores and times are ours; the hash in syncedResourceVersion is an example value.

export type EsoOutcome =
  | 'synced'
  | 'providerError'
  | 'deleted'
  | 'retained'
  | 'missing';

const READY: Record<
  EsoOutcome,
  { status: 'True' | 'False'; reason: string; message: string }
> = {
  synced: { status: 'True', reason: 'SecretSynced', message: 'secret synced' },
  providerError: {
    status: 'False',
    reason: 'SecretSyncedError',
    message: 'could not get secret data from provider',
  },
  deleted: {
    status: 'True',
    reason: 'SecretDeleted',
    message: 'secret deleted due to DeletionPolicy=Delete',
  },
  retained: {
    status: 'True',
    reason: 'SecretSynced',
    message: 'secret retained due to DeletionPolicy=Retain',
  },
  missing: {
    status: 'True',
    reason: 'SecretMissing',
    message: 'secret will not be created due to CreationPolicy=Merge',
  },
};

/**
 * An ExternalSecret after the controller reconciled it with this outcome at `refreshTime`.
 * `syncedGeneration` is the generation of the last successful sync (the spec may have moved on).
 */
export function externalSecretAfter(
  outcome: EsoOutcome,
  options: {
    name?: string;
    namespace?: string;
    target?: Record<string, unknown>;
    refreshInterval?: string;
    refreshPolicy?: string;
    generation?: number;
    syncedGeneration?: number;
    refreshTime?: string;
    binding?: string;
    labels?: Record<string, string>;
  } = {},
) {
  const name = options.name ?? 'api-token';
  const generation = options.generation ?? 1;
  const ready = READY[outcome];
  const refreshTime = options.refreshTime ?? '2026-01-01T23:30:00Z';
  // Secrets are created or updated (binding set) on the success paths that write one.
  const binding =
    options.binding ??
    (outcome === 'synced' ? String(options.target?.name ?? name) : undefined);
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: {
      name,
      namespace: options.namespace ?? 'shop',
      uid: `uid-es-${name}`,
      resourceVersion: '4242',
      generation,
      finalizers: [
        'externalsecrets.external-secrets.io/externalsecret-cleanup',
      ],
      ...(options.labels ? { labels: options.labels } : {}),
    },
    spec: {
      refreshInterval: options.refreshInterval ?? '1h0m0s',
      ...(options.refreshPolicy
        ? { refreshPolicy: options.refreshPolicy }
        : {}),
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: {
        name,
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
        ...options.target,
      },
      data: [
        {
          secretKey: 'token',
          remoteRef: { key: `shop/${name}`, property: 'token' },
        },
      ],
    },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: ready.status,
          lastTransitionTime: refreshTime,
          reason: ready.reason,
          message: ready.message,
        },
      ],
      refreshTime,
      syncedResourceVersion: `${
        options.syncedGeneration ?? generation
      }-d1f2a3b4c5e6f708192a3b4c5d6e7f80`,
      ...(binding ? { binding: { name: binding } } : {}),
    },
  };
}
