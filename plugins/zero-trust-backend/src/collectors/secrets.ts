import {
  ExternalSecretSummary,
  SecretsDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { Collector } from './types';
import { list, obj, str } from './lib/json';
import { Verdict } from './lib/status';

// Labels that tie an ExternalSecret to a workload when no pod names its Secret directly.
const WORKLOAD_LABELS = [
  'backstage.io/kubernetes-id',
  'app.kubernetes.io/name',
  'app',
];

/** Secret names a pod reads: volumes, env and envFrom of every container. */
export function secretRefs(pod: KubeObject): string[] {
  const spec = obj(pod.spec);
  const containers = [
    ...list(spec.containers),
    ...list(spec.initContainers),
  ].map(obj);
  return [
    ...list(spec.volumes).map(v => obj(obj(v).secret).secretName),
    ...list(spec.volumes).flatMap(v =>
      list(obj(obj(v).projected).sources).map(s => obj(obj(s).secret).name),
    ),
    ...containers.flatMap(c =>
      list(c.env).map(e => obj(obj(obj(e).valueFrom).secretKeyRef).name),
    ),
    ...containers.flatMap(c =>
      list(c.envFrom).map(e => obj(obj(e).secretRef).name),
    ),
  ].filter((n): n is string => typeof n === 'string' && n.length > 0);
}

function belongs(w: ClusterWorkloads, es: KubeObject, refs: Set<string>) {
  const target = obj(obj(es.spec).target).name ?? es.metadata.name;
  if (refs.has(target)) return true;
  const labels = es.metadata.labels ?? {};
  return w.pods.some(p =>
    WORKLOAD_LABELS.some(
      l => labels[l] !== undefined && p.metadata.labels?.[l] === labels[l],
    ),
  );
}

// How the External Secrets Operator controller writes an ExternalSecret's status
// (github.com/external-secrets/external-secrets at tag v1.3.2, commit
// a2ec42276c5ec6ed46232648f2397823b9b84aaf; the same reasons in v2.9.0):
// - pkg/controllers/externalsecret/externalsecret_controller.go `markAsDone` sets Ready=True with a
//   reason, `status.refreshTime` and `status.syncedResourceVersion` (`<generation>-<hash of labels
//   and annotations>`, pkg/controllers/util/util.go `GetResourceVersion`); `markAsFailed` sets
//   Ready=False, reason SecretSyncedError, without touching refreshTime.
// - Ready=True does not always mean the Secret is there: reason `SecretDeleted` when the provider
//   returned no data and `target.deletionPolicy` is Delete (the Secret was deleted), reason
//   `SecretMissing` when `target.creationPolicy` is Merge and the Secret does not exist, reason
//   `SecretSynced` with message "secret retained due to DeletionPolicy=Retain" when the provider
//   returned no data (the Secret is left as it was). With `creationPolicy: None` it reports
//   SecretSynced without writing any Secret.
// - `status.binding.name` is the Secret it last created or updated.
// - It refreshes every `spec.refreshInterval` (default 1h0m0s) under `refreshPolicy: Periodic`
//   (the default), never again under CreatedOnce, only on spec changes under OnChange
//   (`shouldRefresh`); `spec.target.manifest` targets a non-Secret resource (reasons Resource*).
// apis/externalsecrets/v1/externalsecret_types.go names the types, reasons and policies.
const MSG_RETAINED = 'secret retained due to DeletionPolicy=Retain';

/** A Go duration (`1h0m0s`, `15m`, `90s`, `0s`) in milliseconds; undefined if unreadable. */
export function goDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (value.trim() === '0') return 0;
  const units: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 0.000001,
  };
  const parts = [
    ...value.trim().matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g),
  ];
  if (parts.map(p => p[0]).join('') !== value.trim()) return undefined;
  return parts.reduce((ms, p) => ms + Number(p[1]) * units[p[2]], 0);
}

/** What the controller's status says about the Secret an ExternalSecret writes. */
interface Judgement {
  verdict: Verdict;
  /** Why the Secret may be absent or out of date; absent when it is synced. */
  problem?: string;
}

function judge(es: KubeObject, now: string, live: boolean): Judgement {
  const spec = obj(es.spec);
  const target = obj(spec.target);
  const status = obj(es.status);
  const ready = obj(list(status.conditions).find(c => obj(c).type === 'Ready'));
  if (ready.status === 'False') {
    return {
      verdict: 'fail',
      problem:
        [str(ready.reason), str(ready.message)].filter(Boolean).join(': ') ||
        'not synced',
    };
  }
  if (ready.status !== 'True') {
    return { verdict: 'warn', problem: 'not reconciled yet' };
  }
  if (ready.reason === 'SecretDeleted') {
    return {
      verdict: 'fail',
      problem:
        'the provider returned no data and deletionPolicy Delete deleted the Secret',
    };
  }
  if (ready.reason === 'SecretMissing') {
    return {
      verdict: 'fail',
      problem:
        'creationPolicy Merge and the Secret does not exist: nothing was written',
    };
  }
  if (target.creationPolicy === 'None') {
    return {
      verdict: 'warn',
      problem: 'creationPolicy None: the controller does not write the Secret',
    };
  }
  if (ready.message === MSG_RETAINED) {
    return {
      verdict: 'warn',
      problem:
        'the provider returned no data; the Secret was left as it was (deletionPolicy Retain)',
    };
  }
  const synced = str(status.syncedResourceVersion);
  const generation = Number(obj(es.metadata).generation);
  const syncedGeneration = Number(synced?.split('-')[0]);
  if (
    Number.isFinite(generation) &&
    Number.isFinite(syncedGeneration) &&
    syncedGeneration < generation
  ) {
    return {
      verdict: 'warn',
      problem: `last synced generation ${syncedGeneration}, the spec is at ${generation}`,
    };
  }
  const binding = str(obj(status.binding).name);
  const targetName = str(target.name) ?? es.metadata.name;
  if (binding && binding !== targetName) {
    return {
      verdict: 'warn',
      problem: `last wrote Secret ${binding}, not ${targetName}`,
    };
  }
  // Under the default Periodic policy the controller refreshes every refreshInterval; a refresh
  // time more than two intervals old means it has stopped refreshing (controller down or stuck).
  // Only told on a live cluster: a snapshot was taken at a time it does not record.
  if (!live) return { verdict: 'pass' };
  const policy = str(spec.refreshPolicy) ?? 'Periodic';
  const interval = goDurationMs(spec.refreshInterval ?? '1h0m0s');
  const refreshed = Date.parse(str(status.refreshTime) ?? '');
  if (
    policy === 'Periodic' &&
    interval !== undefined &&
    interval > 0 &&
    Number.isFinite(refreshed) &&
    Date.parse(now) - refreshed > 2 * interval
  ) {
    return {
      verdict: 'warn',
      problem: `not refreshed since ${new Date(
        refreshed,
      ).toISOString()} (refreshInterval ${spec.refreshInterval ?? '1h0m0s'})`,
    };
  }
  return { verdict: 'pass' };
}

/** Whether the ExternalSecret writes a Secret at all (a `target.manifest` writes another kind). */
function writesSecret(es: KubeObject): boolean {
  return Object.keys(obj(obj(obj(es.spec).target).manifest)).length === 0;
}

function summarize(
  cluster: string,
  es: KubeObject,
  judgement: Judgement,
): ExternalSecretSummary {
  const spec = obj(es.spec);
  const status = obj(es.status);
  const ready = list(status.conditions).find(c => obj(c).type === 'Ready');
  const readyStatus = obj(ready).status;
  return {
    cluster,
    namespace: es.metadata.namespace,
    name: es.metadata.name,
    target: obj(spec.target).name ?? es.metadata.name,
    store: obj(spec.secretStoreRef).name,
    ready:
      readyStatus === 'True' || readyStatus === 'False'
        ? readyStatus
        : 'Unknown',
    reason: obj(ready).reason,
    message: obj(ready).message,
    refreshTime: status.refreshTime,
    ...(judgement.problem ? { problem: judgement.problem } : {}),
  };
}

/**
 * Secret sync: the ExternalSecrets behind the workload's Secrets (named by its pods, or labelled
 * for it) and whether the controller says the Secret is there and current (see above). Never reads
 * a Secret: the backend has no access to Secrets at all. A Secret that failed to sync or that the
 * controller deleted or did not create fails the control; one not reconciled yet, out of date, or
 * not written by the controller warns, as does a Secret the pods use that no ExternalSecret writes
 * (a hand-made Secret).
 */
export const collectSecrets: Collector<'secrets'> = ctx => {
  const gated = gateOnKinds('secrets', ctx, [
    { group: 'external-secrets.io', kind: 'ExternalSecret' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const externalSecrets: ExternalSecretSummary[] = [];
  const verdicts: Verdict[] = [];
  const unmanaged = new Set<string>();
  for (const w of ctx.workloads) {
    const refs = new Set(w.pods.flatMap(secretRefs));
    const namespaces = [...new Set(w.pods.map(p => p.metadata.namespace))];
    const mine = namespaces.flatMap(ns =>
      w.cluster
        .objects('external-secrets.io', 'ExternalSecret', ns)
        .filter(es => writesSecret(es) && belongs(w, es, refs)),
    );
    const written = new Set<string>();
    for (const es of mine) {
      evidence.add(w.cluster, es);
      const judgement = judge(es, ctx.now, w.cluster.type === 'live');
      verdicts.push(judgement.verdict);
      const summary = summarize(w.cluster.name, es, judgement);
      externalSecrets.push(summary);
      written.add(summary.target);
    }
    refs.forEach(r => {
      if (!written.has(r)) unmanaged.add(r);
    });
  }
  const details: SecretsDetails = {
    externalSecrets,
    unmanagedSecretRefs: [...unmanaged].sort(),
  };
  const withProblem = (verdict: Verdict) =>
    externalSecrets
      .filter((_, i) => verdicts[i] === verdict)
      .map(e => `${e.name} (${e.problem ?? e.reason ?? 'not ready'})`)
      .join(', ');
  if (verdicts.includes('fail')) {
    return {
      control: 'secrets',
      status: 'fail',
      summary: `Not synced: ${withProblem('fail')}.`,
      details,
      evidence: evidence.list(),
    };
  }
  const warnings = [
    verdicts.includes('warn') ? `not current: ${withProblem('warn')}` : '',
    unmanaged.size
      ? `Secrets not managed by External Secrets: ${[...unmanaged].join(', ')}`
      : '',
  ].filter(Boolean);
  if (warnings.length) {
    return {
      control: 'secrets',
      status: 'warn',
      summary: `${warnings.join('; ')}.`,
      details,
      evidence: evidence.list(),
    };
  }
  return {
    control: 'secrets',
    status: externalSecrets.length ? 'pass' : 'not-applicable',
    summary: externalSecrets.length
      ? `${externalSecrets.length} ExternalSecret(s) synced from ${[
          ...new Set(externalSecrets.map(e => e.store).filter(Boolean)),
        ].join(', ')}.`
      : 'The workload uses no Secret.',
    details,
    evidence: evidence.list(),
  };
};
