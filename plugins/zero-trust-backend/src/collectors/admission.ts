import { ControlResult } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { evidenceRef } from './evidence';

/** One policy result that concerns the entity's workloads. */
export interface AdmissionFinding {
  cluster: string;
  report: string;
  resource: string;
  policy: string;
  rule?: string;
  result: string;
  severity?: string;
  message?: string;
}

interface ReportResult {
  policy?: string;
  rule?: string;
  result?: string;
  severity?: string;
  message?: string;
  source?: string;
  resources?: { kind?: string; name?: string; namespace?: string }[];
}

// Kyverno ≥ 1.15 writes either API; both have the same shape for what we read.
const REPORT_KINDS: [string, string][] = [
  ['wgpolicyk8s.io', 'PolicyReport'],
  ['openreports.io', 'Report'],
];

/**
 * Admission policy: the results of Kyverno (and other engines') reports about the entity's pods
 * and controllers. Falco alerts arrive as reports too; they belong to the runtime control.
 */
export function collectAdmission(
  workloads: ClusterWorkloads[],
  observedAt: string,
): ControlResult {
  const findings: AdmissionFinding[] = [];
  const evidence = [];
  for (const { cluster, pods, controllers } of workloads) {
    const mine = new Set(
      [...pods, ...controllers].map(o =>
        key(o.kind, o.metadata.namespace, o.metadata.name),
      ),
    );
    for (const [group, kind] of REPORT_KINDS) {
      for (const report of cluster.objects(group, kind)) {
        const results = reportResults(report);
        const scope = report.scope as
          | { kind?: string; name?: string }
          | undefined;
        const scoped =
          scope &&
          mine.has(key(scope.kind, report.metadata.namespace, scope.name));
        const relevant = results.filter(
          r =>
            r.source !== 'Falco' &&
            (scoped ||
              r.resources?.some(res =>
                mine.has(
                  key(
                    res.kind,
                    res.namespace ?? report.metadata.namespace,
                    res.name,
                  ),
                ),
              )),
        );
        if (relevant.length === 0) continue;
        evidence.push(evidenceRef(cluster.name, report, observedAt));
        for (const r of relevant) {
          findings.push({
            cluster: cluster.name,
            report: `${report.kind} ${report.metadata.namespace}/${report.metadata.name}`,
            resource: scoped
              ? `${scope!.kind}/${scope!.name}`
              : `${r.resources?.[0]?.kind}/${r.resources?.[0]?.name}`,
            policy: r.policy ?? 'unknown',
            rule: r.rule,
            result: r.result ?? 'unknown',
            severity: r.severity,
            message: r.message,
          });
        }
      }
    }
  }
  const failing = findings.filter(
    f => f.result === 'fail' || f.result === 'error',
  );
  const warning = findings.filter(f => f.result === 'warn');
  const base = {
    control: 'admission' as const,
    details: { findings },
    evidence,
  };
  if (findings.length === 0) {
    return {
      ...base,
      status: 'unknown',
      summary: 'No admission policy report covers these workloads.',
    };
  }
  if (failing.length > 0) {
    const policies = [...new Set(failing.map(f => f.policy))].join(', ');
    return {
      ...base,
      status: 'fail',
      summary: `${failing.length} failing check(s): ${policies}.`,
    };
  }
  if (warning.length > 0) {
    return {
      ...base,
      status: 'warn',
      summary: `${warning.length} warning(s) from admission policies.`,
    };
  }
  return {
    ...base,
    status: 'pass',
    summary: `All ${findings.length} admission checks pass.`,
  };
}

function reportResults(report: KubeObject): ReportResult[] {
  return Array.isArray(report.results)
    ? (report.results as ReportResult[])
    : [];
}

function key(kind?: string, namespace?: string, name?: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}
