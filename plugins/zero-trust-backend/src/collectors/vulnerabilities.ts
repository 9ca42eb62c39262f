import {
  SbomMissing,
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
import {
  INFRASTRUCTURE_CONTAINERS,
  reportCoversContainer,
  reportImageRef,
  reportsOfRunningImages,
  runningContainers,
  staleReportNote,
} from './lib/images';
import { obj } from './lib/json';
import { workloadNameOf } from './lib/workloadName';
import { Collector } from './types';

const zero = (): SeverityCounts => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  unknown: 0,
});

/**
 * Vulnerabilities: findings of the Trivy VulnerabilityReports of the images the workload runs.
 * Findings at the configured fail severity or worse fail the control, at the warn severity warn; a
 * running image with no report warns (a canary ReplicaSet's new image is not covered by the stable
 * one's report). Reports are matched to running containers by image digest or reference as in the
 * SBOM control (lib/images.ts); a report of an image no pod runs any more (a scaled-down
 * ReplicaSet's) is left out of the counts, unless no pod runs at all.
 */
export const collectVulnerabilities: Collector<'vulnerabilities'> = ctx => {
  const gated = gateOnKinds('vulnerabilities', ctx, [
    { group: 'aquasecurity.github.io', kind: 'VulnerabilityReport' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const images: VulnerabilityDetails['images'] = [];
  const unscanned = new Map<string, SbomMissing>();
  const notes: string[] = [];
  for (const w of ctx.workloads) {
    const running = w.pods
      .flatMap(runningContainers)
      .filter(c => !INFRASTRUCTURE_CONTAINERS.includes(c.name));
    const reports = w.reports.vulnerability.map(report => ({
      report,
      image: reportImageRef(report),
    }));
    for (const c of running) {
      if (reports.some(r => r.image && reportCoversContainer(r.image, c))) {
        continue;
      }
      const row: SbomMissing = {
        cluster: w.cluster.name,
        namespace: c.pod.metadata.namespace ?? '',
        workload: workloadNameOf(c.pod, w),
        container: c.name,
        image: c.image,
      };
      unscanned.set(JSON.stringify(row), row);
    }
    // The same split the /vulnerabilities route lists from (reportItems.vulnerabilityItems).
    const { running: counted, stale } = reportsOfRunningImages(
      w.pods,
      w.reports.vulnerability,
    );
    for (const report of stale) {
      notes.push(staleReportNote(report, reportImage(report)));
    }
    for (const report of counted) {
      evidence.add(w.cluster, report);
      images.push({
        cluster: w.cluster.name,
        namespace: report.metadata.namespace ?? '',
        report: report.metadata.name,
        container: report.metadata.labels?.[CONTAINER_LABEL],
        image: reportImage(report),
        digest: reportImageRef(report)?.digest,
        counts: zero(),
        updatedAt: (report.report as { updateTimestamp?: string } | undefined)
          ?.updateTimestamp,
      });
    }
  }
  const items = vulnerabilityItems(ctx.workloads);
  for (const image of images) {
    for (const item of items) {
      if (
        item.cluster === image.cluster &&
        item.namespace === image.namespace &&
        item.image === image.image &&
        item.container === image.container
      ) {
        image.counts[item.severity] += 1;
      }
    }
  }
  // Trivy may list fewer findings than its summary counts (a truncated report): trust the larger.
  for (const w of ctx.workloads) {
    for (const report of w.reports.vulnerability) {
      const image = images.find(
        i =>
          i.cluster === w.cluster.name &&
          i.namespace === (report.metadata.namespace ?? '') &&
          i.report === report.metadata.name,
      );
      if (!image) continue;
      const summary = obj(obj(report.report).summary);
      for (const severity of SEVERITIES) {
        const n = Number(summary[`${severity}Count`]);
        if (Number.isFinite(n) && n > image.counts[severity]) {
          image.counts[severity] = n;
        }
      }
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
    ...(unscanned.size ? { unscanned: [...unscanned.values()] } : {}),
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
  const withNotes = notes.length ? { notes } : {};
  const unscannedNames = [...unscanned.values()]
    .map(r => (r.image ? `${r.container} (${r.image})` : r.container))
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort();
  const notScanned = unscannedNames.length
    ? ` Not scanned: ${unscannedNames.join(', ')}.`
    : '';
  if (images.length === 0) {
    return {
      control: 'vulnerabilities',
      status: 'warn',
      summary: `No VulnerabilityReport for the images this workload runs: they were not scanned.${notScanned}`,
      details,
      evidence: [],
      ...withNotes,
    };
  }
  const fixable = details.fixable ? ` (${details.fixable} fixable)` : '';
  if (failing > 0) {
    return {
      control: 'vulnerabilities',
      status: 'fail',
      summary: `${counts}${fixable}: at least ${ctx.settings.vulnerabilityFailSeverity} fails.${notScanned}`,
      details,
      evidence: evidence.list(),
      ...withNotes,
    };
  }
  return {
    control: 'vulnerabilities',
    status: warning > 0 || notScanned ? 'warn' : 'pass',
    summary: `${
      counts
        ? `${counts}${fixable}.`
        : `No known vulnerability in the ${
            notScanned ? 'scanned' : 'running'
          } images.`
    }${notScanned}`,
    details,
    evidence: evidence.list(),
    ...withNotes,
  };
};
