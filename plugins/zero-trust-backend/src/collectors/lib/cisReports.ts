import {
  CisCheck,
  CisReportSummary,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeObject } from '../../sources/types';
import { Json, list, obj, str } from './json';

// The two producers of CIS Kubernetes Benchmark results that the cis control reads.

const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/**
 * Whether a Trivy Operator ClusterComplianceReport is a CIS benchmark. The operator's built-in CIS
 * spec is named `k8s-cis-<version>` with `spec.compliance.type: cis`
 * (github.com/aquasecurity/trivy-operator v0.29.0, deploy/helm/templates/specs/k8s-cis-1.23.yaml;
 * the id convention `{platform}-{type}-{version}` of trivy-checks docs/compliance.md); its older
 * documentation names the built-in report `cis`.
 */
export function isTrivyCisReport(report: KubeObject): boolean {
  const compliance = obj(obj(report.spec).compliance);
  if (str(compliance.type)) return compliance.type === 'cis';
  const id = str(compliance.id) ?? report.metadata.name;
  return /^([a-z0-9]+-)?cis(-|$)/.test(id);
}

/**
 * The counts and failing controls of a ClusterComplianceReport, from the status the operator writes
 * (pkg/apis/aquasecurity/v1alpha1/compliance_types.go, v0.29.0): `status.summary.{failCount,
 * passCount}` (`status.totalCounts` before 0.9), and per control either `summaryReport.controlCheck[]`
 * with `totalFail` (reportType summary; absent for manual controls, which are not evaluated) or
 * `detailReport.results[]` whose `checks[]` carry `success` (reportType all). Undefined until the
 * operator has written a status (the report is scanned on its cron).
 */
export function trivyComplianceResult(
  report: KubeObject,
): { summary: CisReportSummary; checks: CisCheck[] } | undefined {
  const status = obj(report.status);
  const counts = obj(status.summary ?? status.totalCounts);
  if (Object.keys(status).length === 0) return undefined;
  const checks: CisCheck[] = [];
  for (const c of list(obj(status.summaryReport).controlCheck).map(obj)) {
    const failing = int(c.totalFail);
    if (failing && failing > 0) {
      checks.push(check(c, failing));
    }
  }
  for (const r of list(obj(status.detailReport).results).map(obj)) {
    const failing = list(r.checks).filter(k => obj(k).success === false).length;
    if (failing > 0) checks.push(check(r, failing));
  }
  return {
    summary: {
      report: `ClusterComplianceReport ${report.metadata.name}`,
      // Go's omitempty drops zero counts.
      pass: int(counts.passCount) ?? 0,
      fail: int(counts.failCount) ?? 0,
      updated: str(status.updateTimestamp),
    },
    checks,
  };
}

function check(c: Json, count: number): CisCheck {
  return {
    source: 'trivy',
    id: str(c.id) ?? '?',
    title: str(c.name) ?? str(c.description) ?? '',
    result: 'fail',
    severity: str(c.severity)?.toLowerCase(),
    count,
  };
}

/**
 * Whether a PolicyReport or ClusterPolicyReport holds kube-bench results written by a kube-bench
 * adapter: Nirmata's (github.com/nirmata/kube-bench, pkg/report/create.go, the one the platform
 * template runs) sets `source: kube-bench-adapter` on every result and annotates the report
 * `app.kubernetes.io/managed-by: kube-bench-adapter`; the Kubernetes Policy WG's original
 * (github.com/kubernetes-sigs/wg-policy-prototypes, policy-report/kube-bench-adapter) sets
 * `source: Kube Bench`, and its earlier reports no source. All of them copy the kube-bench check
 * into `properties` (`index`, the check id, with `audit`, `remediation` and `test_info`).
 */
export function isKubeBenchReport(report: KubeObject): boolean {
  const results = list(report.results).map(obj);
  const kubeBenchProperties = (r: Json) => {
    const p = obj(r.properties);
    return str(p.index) !== undefined && 'audit' in p && 'test_info' in p;
  };
  return (
    results.length > 0 &&
    results.every(
      r =>
        r.source === 'kube-bench-adapter' ||
        r.source === 'Kube Bench' ||
        kubeBenchProperties(r),
    )
  );
}

/**
 * The counts and the checks that did not pass of a kube-bench report. The adapter copies kube-bench's
 * totals into `summary` (pass, fail, warn) and each check's state, lower-cased, into `result`
 * (`pass`, `fail`, `warn`, `info`); kube-bench reports manual checks as WARN.
 */
export function kubeBenchResult(report: KubeObject): {
  summary: CisReportSummary;
  checks: CisCheck[];
} {
  const results = list(report.results).map(obj);
  const summary = obj(report.summary);
  const count = (key: string) =>
    int(summary[key]) ?? results.filter(r => r.result === key).length;
  return {
    summary: {
      report: `${report.kind} ${
        report.metadata.namespace ? `${report.metadata.namespace}/` : ''
      }${report.metadata.name}`,
      pass: count('pass'),
      fail: count('fail'),
      warn: count('warn'),
      skip: count('skip'),
    },
    checks: results
      .filter(r => r.result === 'fail' || r.result === 'warn')
      .map(r => ({
        source: 'kube-bench' as const,
        id: str(obj(r.properties).index) ?? '?',
        title: str(r.message) ?? str(r.description) ?? str(r.rule) ?? '',
        result: r.result as 'fail' | 'warn',
      })),
  };
}
