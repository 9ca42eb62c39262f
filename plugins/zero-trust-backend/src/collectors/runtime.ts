import {
  RuntimeAlert,
  RuntimeDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { EvidenceList } from './lib/evidence';
import {
  FALCO_REPORT_KINDS,
  falcoPriority,
  falcoResult,
  isFalcoResult,
} from './lib/falco';
import { gateOnKinds } from './lib/gate';
import { plural } from './lib/status';
import { Json, list, obj, str } from './lib/json';
import { Collector } from './types';

/**
 * The pod a Falco result is about. falcosidekick (outputs/policyreport.go, 2.34.1, `newResult` and
 * `getSubjects`) copies the event's output fields into `properties` as strings and names the pod in
 * `resources` (`{apiVersion: v1, kind: Pod, namespace, name}`), from `k8s.pod.name` or, for
 * k8saudit events on pods, `ka.target.name`. The report's own namespace is not used: falcosidekick
 * puts the event into its own namespace's report when the event's namespace does not exist.
 */
function podOf(r: Json): { namespace?: string; pod?: string } {
  const props = obj(r.properties);
  const namespace =
    str(props['k8s.ns.name']) ?? str(props['ka.target.namespace']);
  const ref = list(r.resources)
    .map(obj)
    .find(s => s.kind === 'Pod' && str(s.name));
  return {
    namespace: namespace ?? str(ref?.namespace),
    pod: str(props['k8s.pod.name']) ?? str(ref?.name),
  };
}

/**
 * Runtime alerts: Falco events about the workload's pods, as falcosidekick's PolicyReport output
 * writes them (see lib/falco.ts). Each event is judged as falcosidekick grades it: Error and above
 * (`result: fail`) fails, Warning (`warn`) warns, Notice and below (`skip`) are listed without
 * lowering the control. Without any falcosidekick result in the cluster, "no alerts" cannot be told
 * from "not reported", and the control is unknown.
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
        const { namespace, pod } = podOf(r);
        if (!pod || !pods.has(`${namespace}/${pod}`)) continue;
        evidence.add(w.cluster, report);
        const props = obj(r.properties);
        const priority = falcoPriority(r);
        alerts.push({
          cluster: w.cluster.name,
          namespace,
          pod,
          container: str(props['container.name']),
          // falcosidekick 2.29+ writes the rule in `rule` and the event source (`syscall`,
          // `k8s_audit`) in `policy`; 2.28 and earlier wrote the rule in `policy`.
          rule: str(r.rule) ?? str(r.policy) ?? 'Falco rule',
          severity: str(r.severity),
          priority,
          result: falcoResult(r, priority),
          message: str(r.message),
          // No time: falcosidekick writes `timestamp.seconds` as `Time.Second()`, the second of the
          // minute (0–59), not a Unix time.
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
        "No falcosidekick report in the cluster: runtime alerts are not reported (install Falco with falcosidekick's PolicyReport output).",
      details,
      evidence: [],
    };
  }
  const scored = alerts.filter(a => a.result !== 'skip');
  const skipped = alerts.length - scored.length;
  const below = skipped
    ? ` ${plural(
        skipped,
        'event',
      )} below Warning (not scored by falcosidekick): ${rulesOf(
        alerts.filter(a => a.result === 'skip'),
      )}.`
    : '';
  if (scored.length === 0) {
    return {
      control: 'runtime',
      status: 'pass',
      summary: `No Falco alert at Warning or above for this workload.${below}`,
      details,
      evidence: evidence.list(),
    };
  }
  return {
    control: 'runtime',
    status: scored.some(a => a.result === 'fail') ? 'fail' : 'warn',
    summary: `${scored.length} Falco alert(s): ${rulesOf(scored)}.${below}`,
    details,
    evidence: evidence.list(),
  };
};

function rulesOf(alerts: RuntimeAlert[]): string {
  return [...new Set(alerts.map(a => a.rule))].join(', ');
}
