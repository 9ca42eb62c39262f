import {
  SeverityCounts,
  VulnerabilityDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  CONTAINER_LABEL,
  SEVERITIES,
  reportImage,
  vulnerabilityItems,
  vulnerabilityPage,
} from '../service/reportItems';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { obj } from './lib/json';
import { Collector } from './types';

const zero = (): SeverityCounts => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  unknown: 0,
});

/**
 * Vulnerabilities: findings of the Trivy VulnerabilityReports of the workload's images. Findings at
 * the configured fail severity or worse fail the control, at the warn severity warn; an image that
 * was never scanned warns.
 */
export const collectVulnerabilities: Collector<'vulnerabilities'> = ctx => {
  const gated = gateOnKinds('vulnerabilities', ctx, [
    { group: 'aquasecurity.github.io', kind: 'VulnerabilityReport' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const images: VulnerabilityDetails['images'] = [];
  const items = vulnerabilityItems(ctx.workloads);
  for (const w of ctx.workloads) {
    for (const report of w.reports.vulnerability) {
      evidence.add(w.cluster, report);
      const counts = zero();
      const summary = obj(obj(report.report).summary);
      for (const item of items) {
        if (
          item.cluster === w.cluster.name &&
          item.namespace === (report.metadata.namespace ?? '') &&
          item.image === reportImage(report) &&
          item.container === report.metadata.labels?.[CONTAINER_LABEL]
        ) {
          counts[item.severity] += 1;
        }
      }
      // Trivy may list fewer findings than its summary counts (a truncated report): trust the larger.
      for (const severity of SEVERITIES) {
        const counted = Number(summary[`${severity}Count`]);
        if (Number.isFinite(counted) && counted > counts[severity]) {
          counts[severity] = counted;
        }
      }
      images.push({
        cluster: w.cluster.name,
        namespace: report.metadata.namespace ?? '',
        report: report.metadata.name,
        container: report.metadata.labels?.[CONTAINER_LABEL],
        image: reportImage(report),
        counts,
        updatedAt: (report.report as { updateTimestamp?: string } | undefined)
          ?.updateTimestamp,
      });
    }
  }
  const page = vulnerabilityPage('', items, { offset: 0, limit: 20 });
  const details: VulnerabilityDetails = {
    counts: images.reduce((total, image) => {
      for (const s of SEVERITIES) total[s] += image.counts[s];
      return total;
    }, zero()),
    fixable: items.filter(i => i.fixedVersion).length,
    images,
    top: page.items,
  };
  const atLeast = (severity: keyof SeverityCounts) =>
    SEVERITIES.slice(0, SEVERITIES.indexOf(severity) + 1).reduce(
      (n, s) => n + details.counts[s],
      0,
    );
  const failing = atLeast(ctx.settings.vulnerabilityFailSeverity);
  const warning = atLeast(ctx.settings.vulnerabilityWarnSeverity);
  const counts = SEVERITIES.filter(
    s => s !== 'unknown' && details.counts[s] > 0,
  )
    .map(s => `${details.counts[s]} ${s}`)
    .join(', ');
  if (images.length === 0) {
    return {
      control: 'vulnerabilities',
      status: 'warn',
      summary:
        'No VulnerabilityReport for this workload: its images were not scanned.',
      details,
      evidence: [],
    };
  }
  const fixable = details.fixable ? ` (${details.fixable} fixable)` : '';
  if (failing > 0) {
    return {
      control: 'vulnerabilities',
      status: 'fail',
      summary: `${counts}${fixable}: at least ${ctx.settings.vulnerabilityFailSeverity} fails.`,
      details,
      evidence: evidence.list(),
    };
  }
  return {
    control: 'vulnerabilities',
    status: warning > 0 ? 'warn' : 'pass',
    summary: counts
      ? `${counts}${fixable}.`
      : 'No known vulnerability in the running images.',
    details,
    evidence: evidence.list(),
  };
};
