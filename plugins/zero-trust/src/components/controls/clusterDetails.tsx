import Typography from '@material-ui/core/Typography';
import {
  CisDetails,
  FlowPeer,
  FlowRecord,
  FlowsDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SimpleTable } from '../shared/SimpleTable';

/** A flow's peer as Hubble names it: its pod, else its identity labels, IP and DNS names. */
export function formatPeer(peer: FlowPeer): string {
  if (peer.pod) {
    return `${peer.namespace ? `${peer.namespace}/` : ''}${peer.pod}`;
  }
  const named = [...(peer.names ?? []), peer.ip].filter(Boolean).join(' ');
  const labels = peer.labels.join(', ');
  return [named, labels && `(${labels})`].filter(Boolean).join(' ') || '—';
}

const flowRows = (flows: FlowRecord[]) =>
  flows.map(f => [
    f.direction === 'ingress' ? 'in, from' : 'out, to',
    formatPeer(f.peer),
    f.pod,
    `${f.port ?? '—'}${f.protocol ? `/${f.protocol}` : ''}`,
    f.peer.identity !== undefined ? String(f.peer.identity) : '—',
    `${f.verdict}${f.dropReason ? ` (${f.dropReason})` : ''}`,
    String(f.count),
    f.lastSeen ?? '—',
  ]);

const FLOW_COLUMNS = [
  'Direction',
  'Peer',
  'Pod',
  'Port',
  'Peer identity',
  'Verdict',
  'Flows',
  'Last seen',
];

/** Dropped and undeclared flows Hubble Relay observed, and what each Relay answered. */
export function FlowsDetailsView({ details }: { details: FlowsDetails }) {
  const minutes = Math.round(details.windowSeconds / 60);
  return (
    <>
      <SimpleTable
        label="Hubble Relays"
        columns={['Cluster', 'Relay', 'State', 'Flows seen']}
        empty="No cluster to read flows from."
        rows={details.relays.map(r => [
          r.cluster,
          r.address ?? '—',
          r.message ? `${r.state}: ${r.message}` : r.state,
          r.flows !== undefined ? String(r.flows) : '—',
        ])}
      />
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Dropped or denied in the last {minutes} minutes
      </Typography>
      <SimpleTable
        label="Dropped flows"
        columns={FLOW_COLUMNS}
        empty="No dropped or denied flow."
        rows={flowRows(details.dropped)}
      />
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Allowed, but not declared in the catalog
      </Typography>
      <SimpleTable
        label="Undeclared flows"
        columns={FLOW_COLUMNS}
        empty="Every allowed flow is to or from a declared dependency."
        rows={flowRows(details.undeclared)}
      />
    </>
  );
}

/** The CIS benchmark of each cluster the workload runs in, and the checks that did not pass. */
export function CisDetailsView({ details }: { details: CisDetails }) {
  return (
    <>
      <SimpleTable
        label="CIS benchmark per cluster"
        columns={['Cluster', 'Cluster status', 'Trivy (k8s-cis)', 'kube-bench']}
        empty="The workload runs in no cluster."
        rows={details.clusters.map(c => [
          c.cluster,
          `${c.status}: ${c.summary}`,
          c.trivy
            ? `${c.trivy.pass} pass, ${c.trivy.fail} fail (${c.trivy.report})`
            : '—',
          c.kubeBench
            ? `${c.kubeBench.pass} pass, ${c.kubeBench.fail} fail, ${
                c.kubeBench.warn ?? 0
              } warn (${c.kubeBench.report})`
            : '—',
        ])}
      />
      <SimpleTable
        label="CIS checks that did not pass"
        columns={['Cluster', 'Source', 'Check', 'Result', 'Severity']}
        empty="Every check passes."
        rows={details.clusters.flatMap(c =>
          c.checks.map(k => [
            c.cluster,
            k.source,
            `${k.id} ${k.title}${k.count ? ` (${k.count} resources)` : ''}`,
            k.result,
            k.severity ?? '—',
          ]),
        )}
      />
    </>
  );
}
