import { SbomDetails } from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  CONTAINER_LABEL,
  sbomComponents,
  sbomImages,
} from '../service/reportItems';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { plural } from './lib/status';
import { podContainers } from './lib/workloadName';
import { Collector } from './types';

// The mesh's proxy is the platform's image, scanned and attested with the platform.
const INFRASTRUCTURE_CONTAINERS = ['istio-proxy'];

/**
 * SBOM: every container the workload runs has a Trivy SbomReport (CycloneDX). Pass when all do,
 * warn when some container has none, fail when none has one.
 */
export const collectSbom: Collector<'sbom'> = ctx => {
  const gated = gateOnKinds('sbom', ctx, [
    { group: 'aquasecurity.github.io', kind: 'SbomReport' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const covered = new Set<string>();
  for (const w of ctx.workloads) {
    for (const report of w.reports.sbom) {
      evidence.add(w.cluster, report);
      const container = report.metadata.labels?.[CONTAINER_LABEL];
      if (container) covered.add(container);
    }
  }
  const running = new Set(
    ctx.workloads.flatMap(w =>
      w.pods.flatMap(pod =>
        podContainers(pod)
          .containers.map(c => c?.name)
          .filter(
            (n): n is string =>
              typeof n === 'string' && !INFRASTRUCTURE_CONTAINERS.includes(n),
          ),
      ),
    ),
  );
  const missing = [...running].filter(c => !covered.has(c)).sort();
  const images = sbomImages(ctx.workloads);
  const components = sbomComponents(ctx.workloads);
  const licenseCounts = new Map<string, number>();
  for (const c of components) {
    for (const license of c.licenses.length ? c.licenses : ['unknown']) {
      licenseCounts.set(license, (licenseCounts.get(license) ?? 0) + 1);
    }
  }
  const details: SbomDetails = {
    images,
    components: components.length,
    licenses: [...licenseCounts]
      .map(([license, count]) => ({ license, count }))
      .sort((a, b) => b.count - a.count || a.license.localeCompare(b.license)),
  };
  const truncated = images.filter(i => i.truncated);
  const notes = truncated.map(
    i =>
      `${i.report}: SBOM truncated to ${i.truncated!.kept} of ${
        i.truncated!.total
      } components`,
  );
  if (images.length === 0) {
    return {
      control: 'sbom',
      status: 'fail',
      summary:
        'No SbomReport for any image of this workload: the Trivy Operator has not scanned it.',
      details,
      evidence: [],
      notes,
    };
  }
  return {
    control: 'sbom',
    status: missing.length ? 'warn' : 'pass',
    summary: missing.length
      ? `No SBOM for container(s) ${missing.join(', ')}; ${plural(
          images.length,
          'image',
        )} covered.`
      : `An SBOM for every container: ${plural(
          components.length,
          'component',
        )} in ${plural(images.length, 'image')}.`,
    details,
    evidence: evidence.list(),
    notes: notes.length ? notes : undefined,
  };
};
