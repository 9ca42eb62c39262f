import {
  FlowPeer,
  FlowRecord,
  FlowsDetails,
  HubbleRelayState,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import type { DeclaredPeer } from '../hubble/flowsInput';
import { HubbleFlow } from '../hubble/observer';
import { Json, list, obj, str } from './lib/json';
import { plural } from './lib/status';
import { Collector } from './types';

// Flow fields as Cilium's flow.proto (v1.18, api/v1/flow/flow.proto) names them: `verdict`
// (FORWARDED, DROPPED, AUDIT: a policy in audit mode would have dropped it, ERROR, …),
// `drop_reason_desc` (DropReason, e.g. POLICY_DENIED, POLICY_DENY for deny rules), `source` and
// `destination` Endpoints (`identity`, `namespace`, `pod_name`, `labels`, `workloads`), `IP`,
// `l4` (one of TCP/UDP/SCTP with `destination_port`, ICMPv4/ICMPv6), `source_names` /
// `destination_names` (DNS), and `is_reply` (a reply of an established connection).

const DENIED = new Set(['DROPPED', 'AUDIT']);

// Peers every pod talks to by design: the node (kubelet probes), other nodes and Cilium's health
// endpoints (reserved identities, see Cilium's pkg/identity reserved labels), and cluster DNS.
const INFRASTRUCTURE = new Set([
  'reserved:host',
  'reserved:remote-node',
  'reserved:health',
]);

function port(flow: Json): { port?: number; protocol?: string } {
  const l4 = obj(flow.l4);
  const protocol = Object.keys(l4).find(
    k => l4[k] && typeof l4[k] === 'object',
  );
  if (!protocol) return {};
  const p = obj(l4[protocol]).destination_port;
  return { protocol, port: typeof p === 'number' ? p : undefined };
}

function peerOf(endpoint: Json, ip: unknown, names: unknown): FlowPeer {
  const workload = list(endpoint.workloads)
    .map(obj)
    .find(w => str(w.name));
  const identity = endpoint.identity;
  return {
    namespace: str(endpoint.namespace),
    pod: str(endpoint.pod_name),
    workload: str(workload?.name),
    identity: typeof identity === 'number' ? identity : undefined,
    labels: list(endpoint.labels).filter(
      (l): l is string => typeof l === 'string',
    ),
    ip: str(ip),
    names: list(names).filter((n): n is string => typeof n === 'string'),
  };
}

/**
 * Whether a peer is a component the catalog declares: same namespace, and Hubble names its
 * workload (`workloads[].name`) or its `app` / `app.kubernetes.io/name` label as the component's
 * workload name (the labels the service template and the kubernetes plugin's selectors use).
 */
function isDeclared(peer: FlowPeer, declared: DeclaredPeer[]): boolean {
  return declared.some(
    d =>
      d.namespace === peer.namespace &&
      (peer.workload === d.name ||
        peer.labels.includes(`k8s:app=${d.name}`) ||
        peer.labels.includes(`k8s:app.kubernetes.io/name=${d.name}`)),
  );
}

function isInfrastructure(peer: FlowPeer, p: { port?: number }): boolean {
  if (peer.labels.some(l => INFRASTRUCTURE.has(l))) return true;
  return (
    p.port === 53 &&
    peer.namespace === 'kube-system' &&
    peer.labels.includes('k8s:k8s-app=kube-dns')
  );
}

/** Flows of one record key counted together. */
function aggregate(records: FlowRecord[]): FlowRecord[] {
  const byKey = new Map<string, FlowRecord>();
  for (const r of records) {
    const key = JSON.stringify([
      r.cluster,
      r.direction,
      r.pod,
      r.peer.namespace,
      r.peer.pod ?? r.peer.ip ?? r.peer.labels,
      r.port,
      r.protocol,
      r.verdict,
      r.dropReason,
    ]);
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...r });
    } else {
      seen.count += r.count;
      if (r.lastSeen && (!seen.lastSeen || r.lastSeen > seen.lastSeen)) {
        seen.lastSeen = r.lastSeen;
      }
    }
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count);
}

/** One flow as a record about one of the pods, or undefined when it is not about them. */
export function flowRecord(
  cluster: string,
  flow: HubbleFlow,
  pods: Set<string>,
): FlowRecord | undefined {
  const source = obj(flow.source);
  const destination = obj(flow.destination);
  const key = (e: Json) =>
    str(e.namespace) && str(e.pod_name)
      ? `${e.namespace}/${e.pod_name}`
      : undefined;
  const src = key(source);
  const dst = key(destination);
  const ip = obj(flow.IP);
  let direction: 'ingress' | 'egress';
  if (dst && pods.has(dst) && !(src && pods.has(src))) direction = 'ingress';
  else if (src && pods.has(src) && !(dst && pods.has(dst)))
    direction = 'egress';
  else return undefined;
  const peer =
    direction === 'ingress'
      ? peerOf(source, ip.source, flow.source_names)
      : peerOf(destination, ip.destination, flow.destination_names);
  const drop = flow.drop_reason_desc;
  return {
    cluster,
    direction,
    pod: (direction === 'ingress' ? dst : src)!,
    peer,
    ...port(flow),
    verdict: str(flow.verdict) ?? 'VERDICT_UNKNOWN',
    dropReason:
      typeof drop === 'string' && drop !== 'DROP_REASON_UNKNOWN'
        ? drop
        : undefined,
    count: 1,
    lastSeen: str(flow.time),
  };
}

const peerName = (r: FlowRecord) =>
  r.peer.pod
    ? `${r.peer.namespace}/${r.peer.workload ?? r.peer.pod}`
    : r.peer.names?.[0] ?? r.peer.ip ?? r.peer.labels[0] ?? 'unknown peer';

/**
 * Observed flows: what Hubble Relay saw to and from the workload's pods in the window (read by
 * src/hubble before the collectors run). Dropped or denied flows (verdict DROPPED, or AUDIT where a
 * policy in audit mode would deny) warn: something calls or is called that the policy does not
 * allow. Flows the policy let through to or from a peer the catalog does not declare (neither a
 * dependency nor a caller) warn too: the policy is wider than the architecture. Replies, and the
 * node, health checks and cluster DNS are not judged. No Relay configured is not-installed; a Relay
 * that cannot be read is unknown (forbidden when it refuses us).
 */
export const collectFlows: Collector<'flows'> = ctx => {
  const input = ctx.flows;
  const clusters = [...new Set(ctx.workloads.map(w => w.cluster.name))];
  const relays: HubbleRelayState[] = clusters.map(cluster => {
    const read = input?.reads[cluster];
    return {
      cluster,
      address: read?.address,
      state: read?.state ?? 'not-configured',
      message: read?.message,
      observedAt: read?.observedAt,
    };
  });
  const details: FlowsDetails = {
    windowSeconds: input?.windowSeconds ?? 0,
    relays,
    dropped: [],
    undeclared: [],
  };
  const base = { control: 'flows' as const, details, evidence: [] };
  if (relays.every(r => r.state === 'not-configured')) {
    return {
      ...base,
      status: 'not-installed',
      summary: `No Hubble Relay configured for ${clusters.join(
        ', ',
      )} (zeroTrust.hubble.relays).`,
    };
  }
  const ok = relays.filter(r => r.state === 'ok');
  const failed = relays.filter(
    r => r.state !== 'ok' && r.state !== 'not-configured',
  );
  const failures = failed
    .map(r => `${r.cluster}: ${r.state}${r.message ? ` (${r.message})` : ''}`)
    .join('; ');
  if (ok.length === 0) {
    return {
      ...base,
      status: failed.some(r => r.state === 'forbidden')
        ? 'forbidden'
        : 'unknown',
      summary: `Hubble Relay could not be read: ${failures}.`,
    };
  }
  const dropped: FlowRecord[] = [];
  const allowed: FlowRecord[] = [];
  for (const w of ctx.workloads) {
    const read = input?.reads[w.cluster.name];
    if (read?.state !== 'ok') continue;
    const pods = new Set(
      w.pods.map(p => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    const relay = relays.find(r => r.cluster === w.cluster.name)!;
    relay.flows = 0;
    for (const flow of read.flows) {
      const record = flowRecord(w.cluster.name, flow, pods);
      if (!record) continue;
      relay.flows++;
      if (DENIED.has(record.verdict)) dropped.push(record);
      else if (
        record.verdict === 'FORWARDED' &&
        flow.is_reply !== true &&
        obj(flow.is_reply).value !== true &&
        !isInfrastructure(record.peer, record)
      ) {
        allowed.push(record);
      }
    }
  }
  details.dropped = aggregate(dropped);
  const declared = input?.declaredPeers;
  details.undeclared = declared
    ? aggregate(allowed.filter(r => !isDeclared(r.peer, declared)))
    : [];
  const notes = [
    ...(failed.length ? [`Not read: ${failures}.`] : []),
    ...(declared
      ? []
      : ['The catalog could not be read: undeclared flows are not judged.']),
  ];
  const minutes = Math.round(details.windowSeconds / 60);
  const parts = [
    details.dropped.length &&
      `${plural(
        details.dropped.reduce((n, r) => n + r.count, 0),
        'dropped flow',
      )} (${[...new Set(details.dropped.map(peerName))]
        .slice(0, 3)
        .join(', ')})`,
    details.undeclared.length &&
      `${plural(
        details.undeclared.length,
        'undeclared peer',
      )} the policy allows (${[...new Set(details.undeclared.map(peerName))]
        .slice(0, 3)
        .join(', ')})`,
  ].filter(Boolean);
  return {
    ...base,
    status: parts.length ? 'warn' : 'pass',
    summary: parts.length
      ? `In the last ${minutes} minutes: ${parts.join('; ')}.`
      : `No dropped flow and no undeclared peer in the last ${minutes} minutes (${plural(
          ok.reduce((n, r) => n + (r.flows ?? 0), 0),
          'flow',
        )} seen).`,
    ...(notes.length ? { notes } : {}),
  };
};
