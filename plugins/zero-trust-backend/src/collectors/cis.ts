import {
  CisCheck,
  CisClusterResult,
  CisDetails,
  ControlResultOf,
  ControlStatus,
  EvidenceRef,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterSource } from '../sources/types';
import {
  isKubeBenchReport,
  isTrivyCisReport,
  kubeBenchResult,
  trivyComplianceResult,
} from './lib/cisReports';
import { EvidenceList } from './lib/evidence';
import { aggregateStatus, plural } from './lib/status';
import { Collector } from './types';

const TRIVY = {
  group: 'aquasecurity.github.io',
  kind: 'ClusterComplianceReport',
};
// The kube-bench adapter writes a ClusterPolicyReport; its earlier versions a PolicyReport.
const POLICY_REPORTS = [
  { group: 'wgpolicyk8s.io', kind: 'ClusterPolicyReport' },
  { group: 'wgpolicyk8s.io', kind: 'PolicyReport' },
];

/** Why a cluster has no benchmark result: its kinds' states, most telling first. */
function missing(cluster: ClusterSource, trivyUnscanned: boolean) {
  const states = [TRIVY, ...POLICY_REPORTS].map(
    k => cluster.kindStatus(k.group, k.kind).state,
  );
  if (trivyUnscanned) {
    return {
      status: 'unknown' as const,
      summary: `Trivy Operator has not scanned its CIS compliance report in ${cluster.name} yet.`,
    };
  }
  if (states.includes('forbidden')) {
    return {
      status: 'forbidden' as const,
      summary: `The backend may not read ClusterComplianceReports or policy reports in ${cluster.name}: grant get/list/watch (see the rbac/ folder of @zero-trust-k8s/plugin-zero-trust-backend).`,
    };
  }
  if (states.some(s => s === 'pending' || s === 'error')) {
    return {
      status: 'unknown' as const,
      summary: `The reports of ${cluster.name} are not synced yet.`,
    };
  }
  return {
    status: 'not-installed' as const,
    summary: `No CIS benchmark in ${cluster.name}: neither Trivy Operator's k8s-cis ClusterComplianceReport nor kube-bench's policy report (the platform template's kube-bench CronJob) is there.`,
  };
}

function clusterResult(
  cluster: ClusterSource,
  evidence: EvidenceList,
): CisClusterResult {
  const trivyReports = cluster
    .objects(TRIVY.group, TRIVY.kind)
    .filter(isTrivyCisReport);
  const benchReports = POLICY_REPORTS.flatMap(k =>
    cluster.objects(k.group, k.kind),
  ).filter(isKubeBenchReport);
  const checks: CisCheck[] = [];
  const result: Omit<CisClusterResult, 'status' | 'summary'> = {
    cluster: cluster.name,
    checks,
  };
  for (const report of trivyReports) {
    const r = trivyComplianceResult(report);
    if (!r) continue;
    evidence.add(cluster, report);
    // The newest scan per producer; one CIS spec per cluster is the norm.
    result.trivy ??= r.summary;
    checks.push(...r.checks);
  }
  for (const report of benchReports) {
    const r = kubeBenchResult(report);
    evidence.add(cluster, report);
    result.kubeBench ??= r.summary;
    checks.push(...r.checks);
  }
  if (!result.trivy && !result.kubeBench) {
    return { ...result, ...missing(cluster, trivyReports.length > 0) };
  }
  const failing = checks.filter(c => c.result === 'fail');
  const failCount = (result.trivy?.fail ?? 0) + (result.kubeBench?.fail ?? 0);
  const warnCount = result.kubeBench?.warn ?? 0;
  const sources = [
    result.trivy && `Trivy ${result.trivy.report.replace(/^\S+ /, '')}`,
    result.kubeBench && 'kube-bench',
  ]
    .filter(Boolean)
    .join(' and ');
  if (failCount > 0 || failing.length > 0) {
    return {
      ...result,
      status: 'fail',
      summary: `${cluster.name} fails ${plural(
        Math.max(failCount, failing.length),
        'CIS check',
      )} (${sources}).`,
    };
  }
  if (warnCount > 0) {
    return {
      ...result,
      status: 'warn',
      summary: `${cluster.name} has ${plural(
        warnCount,
        'CIS check',
      )} to verify by hand (kube-bench WARN) and none failing (${sources}).`,
    };
  }
  return {
    ...result,
    status: 'pass',
    summary: `${cluster.name} passes the CIS benchmark (${sources}).`,
  };
}

/**
 * CIS Kubernetes Benchmark of the clusters the workload runs in: Trivy Operator's k8s-cis
 * ClusterComplianceReport and kube-bench's results as the kube-bench adapter writes them (see
 * lib/cisReports.ts). A cluster fails when either producer counts a failing check, warns when
 * kube-bench leaves checks to verify by hand. The benchmark is about the cluster, not the
 * workload: the component shows a failing cluster as a warning (cluster context), and the System
 * page shows each cluster's own status (see service/systemPosture.ts).
 */
export const collectCis: Collector<'cis'> = ctx => {
  const evidence = new EvidenceList(ctx.now);
  const clusters = new Map(ctx.workloads.map(w => [w.cluster.name, w.cluster]));
  const results = [...clusters.values()].map(c => clusterResult(c, evidence));
  const details: CisDetails = { clusters: results };
  if (results.length === 0) {
    return {
      control: 'cis',
      status: 'unknown',
      summary: 'The workload runs in no cluster the backend reads.',
      details,
      evidence: [],
    };
  }
  const clusterStatus = aggregateStatus(results.map(r => r.status));
  const status: ControlStatus =
    clusterStatus === 'fail' ? 'warn' : clusterStatus;
  const summary = results.map(r => r.summary).join(' ');
  return {
    control: 'cis',
    status,
    summary:
      clusterStatus === 'fail'
        ? `${summary} Cluster context: shown as a warning, not this component's fault.`
        : summary,
    details,
    evidence: evidence.list(),
  };
};

/** The status of the clusters themselves (a failing cluster fails), for the System page. */
export function cisClusterStatus(details: CisDetails): ControlStatus {
  return aggregateStatus(details.clusters.map(c => c.status));
}

/**
 * A System's cis result: the benchmark of every cluster its components run in, each once, at the
 * cluster's own status (a failing cluster fails here, unlike on a component). Undefined when no
 * component carries cis details.
 */
export function systemCis(
  results: { control: string; details?: unknown; evidence: EvidenceRef[] }[],
): ControlResultOf<'cis'> | undefined {
  const clusters = new Map<string, CisClusterResult>();
  const evidence = new Map<string, EvidenceRef>();
  for (const r of results) {
    const details = r.details as CisDetails | undefined;
    if (r.control !== 'cis' || !Array.isArray(details?.clusters)) continue;
    for (const c of details!.clusters) clusters.set(c.cluster, c);
    for (const e of r.evidence) {
      evidence.set(`${e.cluster}/${e.kind}/${e.namespace}/${e.name}`, e);
    }
  }
  if (clusters.size === 0) return undefined;
  const details: CisDetails = { clusters: [...clusters.values()] };
  return {
    control: 'cis',
    status: cisClusterStatus(details),
    summary: details.clusters.map(c => c.summary).join(' '),
    details,
    evidence: [...evidence.values()],
  };
}
