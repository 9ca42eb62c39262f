import {
  SbomDetails,
  SbomMissing,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  CONTAINER_LABEL,
  sbomComponents,
  sbomImages,
} from '../service/reportItems';
import { checkBom } from './lib/cyclonedx';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { plural } from './lib/status';
import { podContainers, workloadNameOf } from './lib/workloadName';
import { Collector } from './types';

// The mesh's proxy is the platform's image, scanned and attested with the platform.
const INFRASTRUCTURE_CONTAINERS = ['istio-proxy'];

/**
 * SBOM: every container the workload runs (native sidecars included, the mesh proxy excluded) has a
 * Trivy SbomReport whose BOM is valid CycloneDX (checked with the CycloneDX library). Pass when all
 * do; warn when some container has none or only an unusable one (the reason is in the notes); fail
 * when the workload has no SbomReport at all. A report covers the containers of its name in its
 * namespace (Trivy's `trivy-operator.container.name` label).
 */
export const collectSbom: Collector<'sbom'> = ctx => {
  const gated = gateOnKinds('sbom', ctx, [
    { group: 'aquasecurity.github.io', kind: 'SbomReport' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const notes: string[] = [];
  const covered = new Set<string>();
  const checks = new Map<string, ReturnType<typeof checkBom>>();
  for (const w of ctx.workloads) {
    for (const report of w.reports.sbom) {
      evidence.add(w.cluster, report);
      const check = checkBom(report);
      checks.set(
        `${w.cluster.name}/${report.metadata.namespace}/${report.metadata.name}`,
        check,
      );
      const label = `SbomReport ${report.metadata.namespace}/${report.metadata.name}`;
      if (check.invalid) notes.push(`${label}: ${check.invalid}`);
      check.warnings.forEach(warning => notes.push(`${label}: ${warning}`));
      const container = report.metadata.labels?.[CONTAINER_LABEL];
      if (container && !check.invalid) {
        covered.add(`${report.metadata.namespace}/${container}`);
      }
    }
  }
  // Containers that run (app containers, and native sidecars: init containers that keep running).
  const missingRows = new Map<string, SbomMissing>();
  const running = new Set<string>();
  for (const w of ctx.workloads) {
    for (const pod of w.pods) {
      const phase = (pod.status as { phase?: unknown } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const { containers, initContainers } = podContainers(pod);
      const all = [
        ...containers,
        ...initContainers.filter(c => c?.restartPolicy === 'Always'),
      ];
      for (const c of all) {
        const name = c?.name;
        if (
          typeof name !== 'string' ||
          INFRASTRUCTURE_CONTAINERS.includes(name)
        )
          continue;
        running.add(name);
        const namespace = pod.metadata.namespace ?? '';
        if (covered.has(`${namespace}/${name}`)) continue;
        const row: SbomMissing = {
          cluster: w.cluster.name,
          namespace,
          workload: workloadNameOf(pod, w),
          container: name,
          image: typeof c.image === 'string' ? c.image : undefined,
        };
        missingRows.set(JSON.stringify(row), row);
      }
    }
  }
  const missing = [
    ...new Set([...missingRows.values()].map(r => r.container)),
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
  if (images.length === 0) {
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
  if (valid.length === 0 && running.size > 0) {
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
      ? `No SBOM for container(s) ${missing.join(', ')}; ${plural(
          valid.length,
          'image',
        )} covered.`
      : `An SBOM for every container: ${plural(
          components.length,
          'component',
        )} in ${plural(valid.length, 'image')}.`,
    details,
    evidence: evidence.list(),
    notes: notes.length ? notes : undefined,
  };
};
