import {
  SbomDetails,
  SbomMissing,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  reportImage,
  sbomComponents,
  sbomImages,
} from '../service/reportItems';
import { checkBom } from './lib/cyclonedx';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import {
  INFRASTRUCTURE_CONTAINERS,
  ImageRef,
  reportCoversContainer,
  reportImageRef,
  reportsOfRunningImages,
  runningContainers,
  staleReportNote,
} from './lib/images';
import { plural } from './lib/status';
import { workloadNameOf } from './lib/workloadName';
import { Collector } from './types';

/**
 * SBOM: every image the workload runs (app containers and native sidecars, the mesh proxy
 * excluded) has a Trivy SbomReport whose BOM is valid CycloneDX (checked with the CycloneDX
 * library). Coverage is per image, not per container name: trivy-operator writes one report per
 * ReplicaSet (or other controller) and container, for the image that controller's pod template
 * names, so a canary ReplicaSet running a new image is covered only once its own report exists. A
 * report covers a running container when its `report.artifact.digest` is the digest the pod runs
 * (`status.containerStatuses[].imageID`) or its registry/repository:tag is the container's image
 * (see lib/images.ts); a report of an image no pod runs any more is left out of the images and
 * components, as the /sbom route leaves it out (lib/images.ts reportsOfRunningImages). Pass when every running container is covered; warn when some is not, or only
 * by an unusable BOM (the reason is in the notes); fail when the workload has no SbomReport at all.
 */
export const collectSbom: Collector<'sbom'> = ctx => {
  const gated = gateOnKinds('sbom', ctx, [
    { group: 'aquasecurity.github.io', kind: 'SbomReport' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const notes: string[] = [];
  const checks = new Map<string, ReturnType<typeof checkBom>>();
  const missingRows = new Map<string, SbomMissing>();
  let runningCount = 0;
  let coveredCount = 0;
  let reportCount = 0;
  for (const w of ctx.workloads) {
    const usable: ImageRef[] = [];
    reportCount += w.reports.sbom.length;
    // The same split the /sbom route lists from (reportItems.sbomComponents and sbomImages).
    const { running, stale } = reportsOfRunningImages(w.pods, w.reports.sbom);
    for (const report of stale) {
      notes.push(staleReportNote(report, reportImage(report)));
    }
    for (const report of running) {
      evidence.add(w.cluster, report);
      const check = checkBom(report);
      checks.set(
        `${w.cluster.name}/${report.metadata.namespace}/${report.metadata.name}`,
        check,
      );
      const label = `SbomReport ${report.metadata.namespace}/${report.metadata.name}`;
      if (check.invalid) notes.push(`${label}: ${check.invalid}`);
      check.warnings.forEach(warning => notes.push(`${label}: ${warning}`));
      const image = reportImageRef(report);
      if (image && !check.invalid) usable.push(image);
    }
    for (const pod of w.pods) {
      for (const c of runningContainers(pod)) {
        if (INFRASTRUCTURE_CONTAINERS.includes(c.name)) continue;
        runningCount += 1;
        if (usable.some(image => reportCoversContainer(image, c))) {
          coveredCount += 1;
          continue;
        }
        const row: SbomMissing = {
          cluster: w.cluster.name,
          namespace: pod.metadata.namespace ?? '',
          workload: workloadNameOf(pod, w),
          container: c.name,
          image: c.image,
        };
        missingRows.set(JSON.stringify(row), row);
      }
    }
  }
  const missing = [
    ...new Set(
      [...missingRows.values()].map(r =>
        r.image ? `${r.container} (${r.image})` : r.container,
      ),
    ),
  ].sort();
  const images = sbomImages(ctx.workloads).map(image => {
    const check = checks.get(
      `${image.cluster}/${image.namespace}/${image.report}`,
    );
    return check
      ? {
          ...image,
          format: check.format,
          tools: check.tools,
          types: check.types,
          ...(check.invalid ? { invalid: check.invalid } : {}),
        }
      : image;
  });
  const valid = images.filter(i => !i.invalid);
  const components = sbomComponents(ctx.workloads);
  const licenseCounts = new Map<string, number>();
  for (const c of components) {
    for (const license of c.licenses.length ? c.licenses : ['unknown']) {
      licenseCounts.set(license, (licenseCounts.get(license) ?? 0) + 1);
    }
  }
  const details: SbomDetails = {
    images,
    missing: [...missingRows.values()],
    components: components.length,
    licenses: [...licenseCounts]
      .map(([license, count]) => ({ license, count }))
      .sort((a, b) => b.count - a.count || a.license.localeCompare(b.license)),
  };
  for (const i of images.filter(x => x.truncated)) {
    notes.push(
      `${i.report}: SBOM truncated to ${i.truncated!.kept} of ${
        i.truncated!.total
      } components`,
    );
  }
  if (reportCount === 0) {
    return {
      control: 'sbom',
      status: 'fail',
      summary:
        'No SbomReport for any image of this workload: the Trivy Operator has not scanned it.',
      details,
      evidence: [],
      ...(notes.length ? { notes } : {}),
    };
  }
  if (images.length > 0 && valid.length === 0 && runningCount > 0) {
    return {
      control: 'sbom',
      status: 'warn',
      summary: `No valid CycloneDX SBOM: ${plural(
        images.length,
        'SbomReport',
      )} without a usable BOM (see notes).`,
      details,
      evidence: evidence.list(),
      ...(notes.length ? { notes } : {}),
    };
  }
  return {
    control: 'sbom',
    status: missing.length ? 'warn' : 'pass',
    summary: missing.length
      ? `No SBOM for the image of container(s) ${missing.join(
          ', ',
        )}; ${coveredCount} of ${plural(
          runningCount,
          'running container',
        )} covered.`
      : `An SBOM for every running image: ${plural(
          components.length,
          'component',
        )} in ${plural(valid.length, 'image')}.`,
    details,
    evidence: evidence.list(),
    notes: notes.length ? notes : undefined,
  };
};
