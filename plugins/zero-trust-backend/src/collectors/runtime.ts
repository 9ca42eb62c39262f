import {
  RuntimeAlert,
  RuntimeDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { FALCO_REPORT_KINDS, falcoPriority, isFalcoResult } from './lib/falco';
import { gateOnKinds } from './lib/gate';
import { Json, list, obj, str } from './lib/json';
import { Collector } from './types';

// Falco priorities that mean an attack in progress rather than a notice.
const FAILING_PRIORITIES = ['Emergency', 'Alert', 'Critical'];

/** The pod a Falco result is about: its output fields, else the report's subjects or resources. */
function podOf(
  r: Json,
  report: KubeObject,
): { namespace?: string; pod?: string } {
  const props = obj(r.properties);
  const pod = str(props['k8s.pod.name']);
  if (pod) {
    return {
      namespace: str(props['k8s.ns.name']) ?? report.metadata.namespace,
      pod,
    };
  }
  const ref = [...list(r.subjects), ...list(r.resources)]
    .map(obj)
    .find(s => s.kind === 'Pod' && str(s.name));
  return ref
    ? {
        namespace: str(ref.namespace) ?? report.metadata.namespace,
        pod: ref.name,
      }
    : { namespace: str(props['k8s.ns.name']) };
}

/**
 * Runtime alerts: Falco events about the workload's pods, as falcosidekick writes them — into
 * `wgpolicyk8s.io` PolicyReports/ClusterPolicyReports (PolicyReport output) or `openreports.io`
 * Reports/ClusterReports (OpenReport output), every result with `source: Falco` and the pod in
 * `properties["k8s.pod.name"]` (or in the result's subjects). An Emergency, Alert or Critical event
 * fails; any other event warns. Without any falcosidekick report in the cluster, "no alerts" cannot
 * be told from "not reported", and the control is unknown.
 */
export const collectRuntime: Collector<'runtime'> = ctx => {
  const gated = gateOnKinds('runtime', ctx, FALCO_REPORT_KINDS);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const alerts: RuntimeAlert[] = [];
  let falcoReporting = false;
  for (const w of ctx.workloads) {
    const pods = new Set(
      w.pods.map(p => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    const reports = FALCO_REPORT_KINDS.flatMap(k =>
      w.cluster.objects(k.group, k.kind),
    );
    for (const report of reports) {
      const falco = list(report.results).filter(isFalcoResult).map(obj);
      if (falco.length === 0) continue;
      falcoReporting = true;
      for (const r of falco) {
        const { namespace, pod } = podOf(r, report);
        if (!pod || !pods.has(`${namespace}/${pod}`)) continue;
        evidence.add(w.cluster, report);
        const props = obj(r.properties);
        const seconds = obj(r.timestamp).seconds;
        alerts.push({
          cluster: w.cluster.name,
          namespace,
          pod,
          container: str(props['container.name']),
          // The PolicyReport output puts the rule in `policy`; the OpenReport output puts it in
          // `rule` and the event source (`syscall`) in `policy`.
          rule: str(r.rule) ?? str(r.policy) ?? 'Falco rule',
          severity: str(r.severity),
          priority: falcoPriority(r),
          message: str(r.message) ?? str(r.description),
          time:
            typeof seconds === 'number' && Number.isFinite(seconds)
              ? new Date(seconds * 1000).toISOString()
              : undefined,
          report: `${report.kind} ${
            report.metadata.namespace ? `${report.metadata.namespace}/` : ''
          }${report.metadata.name}`,
        });
      }
    }
  }
  const details: RuntimeDetails = { alerts, falcoReporting };
  if (!falcoReporting) {
    return {
      control: 'runtime',
      status: 'unknown',
      summary:
        "No falcosidekick report in the cluster: runtime alerts are not reported (install Falco with falcosidekick's PolicyReport or OpenReport output).",
      details,
      evidence: [],
    };
  }
  if (alerts.length === 0) {
    return {
      control: 'runtime',
      status: 'pass',
      summary: 'No Falco alert for this workload.',
      details,
      evidence: evidence.list(),
    };
  }
  const failing = alerts.some(a =>
    FAILING_PRIORITIES.includes(a.priority ?? ''),
  );
  const rules = [...new Set(alerts.map(a => a.rule))].join(', ');
  return {
    control: 'runtime',
    status: failing ? 'fail' : 'warn',
    summary: `${alerts.length} Falco alert(s): ${rules}.`,
    details,
    evidence: evidence.list(),
  };
};
