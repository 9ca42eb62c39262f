import * as CDX from '@cyclonedx/cyclonedx-library';
import {
  SEVERITIES,
  SbomComponent,
  SbomPage,
  SeverityCounts,
  VulnerabilityItem,
} from '@zero-trust-k8s/plugin-zero-trust-common';

export {
  SEVERITIES,
  sbomPage,
  vulnerabilityPage,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ingestNote } from '../sources/prepareForCache';
import { KubeObject } from '../sources/types';
import { ClusterWorkloads } from './resolveWorkloads';
import { Json, obj, list, str } from '../collectors/lib/json';
import { reportsOfRunningImages } from '../collectors/lib/images';

/** The label Trivy puts on a report for the container it scanned. */
export const CONTAINER_LABEL = 'trivy-operator.container.name';

/** `registry/repository:tag` of a Trivy report's artifact. */
export function reportImage(report: KubeObject): string {
  const r = obj((report as Json).report);
  const artifact = obj(r.artifact);
  const registry = str(obj(r.registry).server);
  const repository = str(artifact.repository) ?? '?';
  const tag = str(artifact.tag);
  return `${registry ? `${registry}/` : ''}${repository}${
    tag ? `:${tag}` : ''
  }`;
}

/** SPDX ids, expressions or names of a CycloneDX component's licenses. */
function licensesOf(component: Json): string[] {
  return list(component.licenses).flatMap(entry => {
    const e = obj(entry);
    const license = obj(e.license);
    const value = str(e.expression) ?? str(license.id) ?? str(license.name);
    return value ? [value] : [];
  });
}

/**
 * The SbomReports of the images the workloads run, as the SBOM control counts them: a report of
 * an image no pod runs any more is left out (collectors/lib/images.ts reportsOfRunningImages).
 */
export function runningSbomReports(w: ClusterWorkloads): KubeObject[] {
  return reportsOfRunningImages(w.pods, w.reports.sbom).running;
}

/** The VulnerabilityReports of the images the workloads run, as the vulnerability control counts them. */
export function runningVulnerabilityReports(w: ClusterWorkloads): KubeObject[] {
  return reportsOfRunningImages(w.pods, w.reports.vulnerability).running;
}

/**
 * The components of one SbomReport in one cluster, read once per report object. The caches hold a
 * new object for every change of a report (each watch event and snapshot load is freshly parsed),
 * so this follows the report's resourceVersion and goes with the object. Reading a 10,000-component
 * report took 15-50 ms of every /sbom request and posture (UI benchmark, README). Read-only.
 */
const componentsRead = new WeakMap<
  KubeObject,
  { cluster: string; components: SbomComponent[] }
>();

function componentsOf(report: KubeObject, cluster: string): SbomComponent[] {
  const cached = componentsRead.get(report);
  if (cached?.cluster === cluster) return cached.components;
  const image = reportImage(report);
  const container = report.metadata.labels?.[CONTAINER_LABEL];
  const bom = obj(obj((report as Json).report).components);
  const components = list(bom.components).flatMap(entry => {
    const c = obj(entry);
    const name = str(c.name);
    if (!name) return [];
    return [
      {
        name,
        group: str(c.group),
        version: str(c.version),
        type: str(c.type) ?? 'library',
        purl: str(c.purl),
        licenses: licensesOf(c),
        image,
        container,
        cluster,
      },
    ];
  });
  componentsRead.set(report, { cluster, components });
  return components;
}

/** Every component of the SbomReports of the images the workloads run, with where it was found. */
export function sbomComponents(workloads: ClusterWorkloads[]): SbomComponent[] {
  return workloads.flatMap(w =>
    runningSbomReports(w).flatMap(report =>
      componentsOf(report, w.cluster.name),
    ),
  );
}

/** The scanned images behind the SBOM, one per report of an image the workloads run. */
export function sbomImages(workloads: ClusterWorkloads[]): SbomPage['images'] {
  return workloads.flatMap(w =>
    runningSbomReports(w).map(report => {
      const r = obj((report as Json).report);
      return {
        cluster: w.cluster.name,
        namespace: report.metadata.namespace ?? '',
        report: report.metadata.name,
        container: report.metadata.labels?.[CONTAINER_LABEL],
        image: reportImage(report),
        digest: str(obj(r.artifact).digest),
        components: list(obj(r.components).components).length,
        truncated: ingestNote(report)?.sbomComponents,
        scanner: str(obj(r.scanner).name),
        updatedAt: str(r.updateTimestamp),
      };
    }),
  );
}

/**
 * The entity's components as one CycloneDX 1.5 BOM (JSON), built and serialized with the
 * CycloneDX library so the download validates against the specification.
 */
export function cycloneDxBom(
  entityRef: string,
  components: SbomComponent[],
): string {
  const bom = new CDX.Models.Bom();
  bom.metadata.component = new CDX.Models.Component(
    CDX.Enums.ComponentType.Application,
    entityRef,
  );
  const seen = new Set<string>();
  for (const c of components) {
    const key = c.purl ?? `${c.group ?? ''}/${c.name}@${c.version ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const type = Object.values(CDX.Enums.ComponentType).includes(
      c.type as CDX.Enums.ComponentType,
    )
      ? (c.type as CDX.Enums.ComponentType)
      : CDX.Enums.ComponentType.Library;
    const component = new CDX.Models.Component(type, c.name, {
      group: c.group,
      version: c.version,
      bomRef: key,
    });
    if (c.purl) {
      try {
        component.purl = c.purl;
      } catch {
        // A malformed purl is dropped rather than failing the download.
      }
    }
    for (const license of c.licenses) {
      component.licenses.add(
        /[ ()]/.test(license)
          ? new CDX.Models.LicenseExpression(license)
          : new CDX.Models.NamedLicense(license),
      );
    }
    bom.components.add(component);
  }
  const serializer = new CDX.Serialize.JsonSerializer(
    new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot5),
  );
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}

const severityOf = (value: unknown): keyof SeverityCounts => {
  const s = String(value ?? '').toLowerCase();
  return (SEVERITIES as string[]).includes(s)
    ? (s as keyof SeverityCounts)
    : 'unknown';
};

/** Every finding of the VulnerabilityReports of the images the workloads run. */
export function vulnerabilityItems(
  workloads: ClusterWorkloads[],
): VulnerabilityItem[] {
  return workloads.flatMap(w =>
    runningVulnerabilityReports(w).flatMap(report => {
      const image = reportImage(report);
      const container = report.metadata.labels?.[CONTAINER_LABEL];
      return list(obj((report as Json).report).vulnerabilities).flatMap(
        entry => {
          const v = obj(entry);
          const id = str(v.vulnerabilityID);
          if (!id) return [];
          return [
            {
              id,
              severity: severityOf(v.severity),
              resource: str(v.resource) ?? '?',
              installedVersion: str(v.installedVersion),
              fixedVersion: str(v.fixedVersion),
              title: str(v.title),
              link: str(v.primaryLink),
              score: typeof v.score === 'number' ? v.score : undefined,
              cluster: w.cluster.name,
              namespace: report.metadata.namespace ?? '',
              image,
              container,
            },
          ];
        },
      );
    }),
  );
}
