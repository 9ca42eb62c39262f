import {
  ExternalSecretSummary,
  SecretsDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { Collector } from './types';
import { obj, list } from './lib/json';

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

function summarize(cluster: string, es: KubeObject): ExternalSecretSummary {
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
  };
}

/**
 * Secret sync: the ExternalSecrets behind the workload's Secrets (named by its pods, or labelled
 * for it) and whether they synced. Never reads a Secret: the backend has no access to Secrets at
 * all. One that failed to sync fails the control; a Secret the pods use that no ExternalSecret
 * writes (a hand-made Secret) warns.
 */
export const collectSecrets: Collector<'secrets'> = ctx => {
  const gated = gateOnKinds('secrets', ctx, [
    { group: 'external-secrets.io', kind: 'ExternalSecret' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const externalSecrets: ExternalSecretSummary[] = [];
  const unmanaged = new Set<string>();
  for (const w of ctx.workloads) {
    const refs = new Set(w.pods.flatMap(secretRefs));
    const namespaces = [...new Set(w.pods.map(p => p.metadata.namespace))];
    const mine = namespaces.flatMap(ns =>
      w.cluster
        .objects('external-secrets.io', 'ExternalSecret', ns)
        .filter(es => belongs(w, es, refs)),
    );
    for (const es of mine) {
      evidence.add(w.cluster, es);
      externalSecrets.push(summarize(w.cluster.name, es));
    }
    const written = new Set(externalSecrets.map(e => e.target));
    refs.forEach(r => {
      if (!written.has(r)) unmanaged.add(r);
    });
  }
  const details: SecretsDetails = {
    externalSecrets,
    unmanagedSecretRefs: [...unmanaged].sort(),
  };
  const failed = externalSecrets.filter(e => e.ready === 'False');
  if (failed.length > 0) {
    return {
      control: 'secrets',
      status: 'fail',
      summary: `Not synced: ${failed
        .map(e => `${e.name} (${e.reason ?? 'not ready'})`)
        .join(', ')}.`,
      details,
      evidence: evidence.list(),
    };
  }
  const pending = externalSecrets.filter(e => e.ready === 'Unknown');
  const warnings = [
    pending.length
      ? `sync state unknown: ${pending.map(e => e.name).join(', ')}`
      : '',
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
    status: 'pass',
    summary: externalSecrets.length
      ? `${externalSecrets.length} ExternalSecret(s) synced from ${[
          ...new Set(externalSecrets.map(e => e.store).filter(Boolean)),
        ].join(', ')}.`
      : 'The workload uses no Secret.',
    details,
    evidence: evidence.list(),
  };
};
