import {
  RuntimeAlert,
  RuntimeDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { isRuntimeResult } from './admission';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { Collector } from './types';

type Json = Record<string, any>;
const obj = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};

// Falco priorities that mean an attack in progress rather than a notice.
const FAILING_PRIORITIES = ['emergency', 'alert', 'critical'];

/**
 * Runtime alerts: Falco events about the workload's pods, as falcosidekick writes them into
 * PolicyReports (`source: Falco`, the pod in `properties["k8s.pod.name"]`). An Emergency, Alert or
 * Critical event fails; any other event warns. Without any falcosidekick report in the cluster,
 * "no alerts" cannot be told from "not reported", and the control is unknown.
 */
export const collectRuntime: Collector<'runtime'> = ctx => {
  const gated = gateOnKinds('runtime', ctx, [
    { group: 'wgpolicyk8s.io', kind: 'PolicyReport' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const alerts: RuntimeAlert[] = [];
  let falcoReporting = false;
  for (const w of ctx.workloads) {
    const pods = new Set(
      w.pods.map(p => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    for (const report of w.cluster.objects('wgpolicyk8s.io', 'PolicyReport')) {
      const results = Array.isArray(report.results) ? report.results : [];
      const falco = results.filter(r => isRuntimeResult(obj(r)));
      if (falco.length === 0) continue;
      falcoReporting = true;
      for (const r of falco.map(obj)) {
        const props = obj(r.properties);
        const namespace = props['k8s.ns.name'] ?? report.metadata.namespace;
        const pod = props['k8s.pod.name'];
        if (!pods.has(`${namespace}/${pod}`)) continue;
        evidence.add(w.cluster, report);
        const seconds = obj(r.timestamp).seconds;
        alerts.push({
          cluster: w.cluster.name,
          namespace,
          pod,
          container: props['container.name'],
          rule: String(r.policy ?? r.rule ?? 'Falco rule'),
          severity: r.severity,
          priority: props.priority,
          message: r.message,
          time:
            typeof seconds === 'number'
              ? new Date(seconds * 1000).toISOString()
              : undefined,
          report: `${report.metadata.namespace}/${report.metadata.name}`,
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
        "No falcosidekick PolicyReport in the cluster: runtime alerts are not reported (install Falco with falcosidekick's PolicyReport output).",
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
    FAILING_PRIORITIES.includes(String(a.priority ?? '').toLowerCase()),
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
