import {
  AdmissionDetails,
  AdmissionFinding,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ObjectRef } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { isFalcoResult } from './lib/falco';
import { gateOnKinds } from './lib/gate';
import { plural } from './lib/status';
import { Collector } from './types';

interface ReportResult {
  policy?: string;
  rule?: string;
  result?: string;
  severity?: string;
  category?: string;
  message?: string;
  source?: string;
  resources?: ObjectRef[];
}

interface TrivyCheck {
  checkID?: string;
  title?: string;
  severity?: string;
  category?: string;
  success?: boolean;
  messages?: string[];
}

const REPORT_KINDS = [
  { group: 'wgpolicyk8s.io', kind: 'PolicyReport' },
  { group: 'openreports.io', kind: 'Report' },
  { group: 'aquasecurity.github.io', kind: 'ConfigAuditReport' },
];

const RESULTS = ['pass', 'fail', 'warn', 'error', 'skip'] as const;

/**
 * Admission policy: results of Kyverno (and other engines') reports about the entity's pods and
 * controllers — `wgpolicyk8s.io/v1alpha2` PolicyReports and `openreports.io/v1alpha1` Reports,
 * which Kyverno ≥ 1.15 can write instead, cluster-scoped ones included — plus Trivy's
 * ConfigAuditReports. A report counts when its scope or a result's resources name one of our
 * objects; only those results are counted. `fail` and `error` fail the control, `warn` warns.
 */
export const collectAdmission: Collector<'admission'> = ctx => {
  const gated = gateOnKinds('admission', ctx, REPORT_KINDS);
  if (gated) return gated;
  const findings: AdmissionFinding[] = [];
  const evidence = new EvidenceList(ctx.now);
  const notes: string[] = [];
  for (const w of ctx.workloads) {
    for (const report of w.reports.policy) {
      const name = `${report.kind} ${
        report.metadata.namespace ? `${report.metadata.namespace}/` : ''
      }${report.metadata.name}`;
      if (!Array.isArray(report.results)) {
        notes.push(`${name} has no results list`);
        continue;
      }
      const scope = report.scope as ObjectRef | undefined;
      const scoped =
        !!scope &&
        typeof scope === 'object' &&
        w.owns({
          ...scope,
          namespace: scope.namespace ?? report.metadata.namespace,
        });
      let used = false;
      for (const r of report.results as ReportResult[]) {
        if (!r || typeof r !== 'object' || isFalcoResult(r)) continue; // Falco alerts belong to the runtime control
        const resource = scoped
          ? scope
          : (Array.isArray(r.resources) ? r.resources : []).find(ref =>
              w.owns({
                ...ref,
                namespace: ref?.namespace ?? report.metadata.namespace,
              }),
            );
        if (!resource) continue;
        used = true;
        findings.push({
          cluster: w.cluster.name,
          report: name,
          resource: `${resource.kind}/${resource.name}`,
          policy: r.policy ?? 'unknown',
          rule: r.rule,
          result: typeof r.result === 'string' ? r.result : 'unknown',
          severity: r.severity,
          category: r.category,
          source: r.source,
          message: r.message,
        });
      }
      if (used) evidence.add(w.cluster, report);
    }
    for (const report of w.reports.configAudit) {
      findings.push(...configAuditFindings(report, w.cluster.name));
      evidence.add(w.cluster, report);
    }
  }

  const details = summarize(findings);
  const base = {
    control: 'admission' as const,
    details,
    evidence: evidence.list(),
    ...(notes.length ? { notes } : {}),
  };
  const { counts } = details;
  if (findings.length === 0) {
    return {
      ...base,
      status: 'unknown',
      summary: 'No admission policy report covers these workloads.',
    };
  }
  const failing = findings.filter(
    f => f.result === 'fail' || f.result === 'error',
  );
  if (failing.length > 0) {
    const policies = [...new Set(failing.map(f => f.policy))].join(', ');
    return {
      ...base,
      status: 'fail',
      summary: `${plural(failing.length, 'failing check')}: ${policies}.`,
    };
  }
  if (counts.warn > 0) {
    const policies = [
      ...new Set(findings.filter(f => f.result === 'warn').map(f => f.policy)),
    ].join(', ');
    return {
      ...base,
      status: 'warn',
      summary: `${plural(counts.warn, 'warning')}: ${policies}.`,
    };
  }
  if (counts.pass === 0) {
    return {
      ...base,
      status: 'unknown',
      summary: `Every admission check was skipped (${counts.skip}).`,
    };
  }
  return {
    ...base,
    status: 'pass',
    summary: `All ${plural(counts.pass, 'admission check')} pass${
      counts.skip ? ` (${counts.skip} skipped)` : ''
    }.`,
  };
};

/** Trivy's misconfiguration checks in the PolicyReport vocabulary. */
function configAuditFindings(
  report: KubeObject,
  cluster: string,
): AdmissionFinding[] {
  const checks = (report.report as { checks?: TrivyCheck[] } | undefined)
    ?.checks;
  const labels = report.metadata.labels ?? {};
  return (Array.isArray(checks) ? checks : [])
    .filter(c => c && typeof c === 'object')
    .map(c => ({
      cluster,
      report: `ConfigAuditReport ${report.metadata.namespace}/${report.metadata.name}`,
      resource: `${labels['trivy-operator.resource.kind']}/${labels['trivy-operator.resource.name']}`,
      policy: c.checkID ?? 'unknown',
      rule: c.title,
      result: c.success ? 'pass' : 'fail',
      severity: c.severity?.toLowerCase(),
      category: c.category,
      source: 'trivy',
      message: c.messages?.join(' '),
    }));
}

function summarize(findings: AdmissionFinding[]): AdmissionDetails {
  const counts = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  const byPolicy = new Map<string, AdmissionDetails['byPolicy'][number]>();
  for (const f of findings) {
    const result = RESULTS.find(r => r === f.result);
    if (!result) continue;
    counts[result]++;
    const id = `${f.policy}/${f.rule ?? ''}`;
    const row = byPolicy.get(id) ?? {
      policy: f.policy,
      rule: f.rule,
      severity: f.severity,
      pass: 0,
      fail: 0,
      warn: 0,
      error: 0,
      skip: 0,
    };
    row[result]++;
    byPolicy.set(id, row);
  }
  return { findings, counts, byPolicy: [...byPolicy.values()] };
}
