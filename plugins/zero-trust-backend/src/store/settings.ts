import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/** How several replicas share the watching of clusters and the postures (zeroTrust.replicas). */
export interface ReplicaSettings {
  /** A lease's length: a replica that died loses its clusters after at most this long. */
  leaseMs: number;
  /** How often the watching replica records the postures of its clusters' entities. */
  recordMs: number;
  /** Days of posture history kept (zeroTrust.history.retentionDays). */
  retentionDays: number;
}

export const DEFAULT_REPLICA_SETTINGS: ReplicaSettings = {
  leaseMs: 60_000,
  recordMs: 60_000,
  retentionDays: 30,
};

/** The replica settings, or undefined with one replica (`zeroTrust.replicas.enabled` not true). */
export function readReplicaSettings(
  config: Config,
): ReplicaSettings | undefined {
  if (!config.getOptionalBoolean('zeroTrust.replicas.enabled')) {
    return undefined;
  }
  const ms = (key: string, fallback: number) =>
    config.has(key)
      ? durationToMilliseconds(readDurationFromConfig(config, { key }))
      : fallback;
  const settings: ReplicaSettings = {
    leaseMs: ms(
      'zeroTrust.replicas.leaseTime',
      DEFAULT_REPLICA_SETTINGS.leaseMs,
    ),
    recordMs: ms(
      'zeroTrust.replicas.recordInterval',
      DEFAULT_REPLICA_SETTINGS.recordMs,
    ),
    retentionDays:
      config.getOptionalNumber('zeroTrust.history.retentionDays') ??
      DEFAULT_REPLICA_SETTINGS.retentionDays,
  };
  if (settings.leaseMs < 5_000) {
    throw new Error(
      'Zero Trust: zeroTrust.replicas.leaseTime must be at least 5 seconds',
    );
  }
  if (settings.recordMs <= 0 || !(settings.retentionDays > 0)) {
    throw new Error(
      'Zero Trust: zeroTrust.replicas.recordInterval and zeroTrust.history.retentionDays must be positive',
    );
  }
  return settings;
}
