/*
 * The benchmark's cluster: a copy of the demo's recorded cluster state
 * (examples/online-boutique/cluster), which the backend reads as a snapshot cluster exactly as the
 * demo does (`zeroTrust.snapshots`, SnapshotClusterSource), so the SBOM is served through the real
 * /sbom route, its workload resolution, report joins and paging.
 *
 * One thing differs: productcatalogservice's SbomReport is scaled to 10,000 components. That report
 * is the one the demo recorded from the test cluster (its `report` body is what Trivy found in the
 * image, examples/online-boutique/scans/productcatalogservice.yaml, wrapped, named, labelled and
 * owned as Trivy Operator does). Its 15 real components are copied round-robin; each copy's name,
 * purl and bom-ref get a `-copyNNNN` suffix so every component stays distinct, and the BOM's
 * dependency list and summary count follow. Nothing else of the report changes. frontend keeps its
 * recorded 15 components (the same 15 packages), so the two sides differ only in the SBOM's size.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CACHE, ROOT } from './build';

// The YAML library and version the backend's snapshot reader parses these files with.
const yaml: typeof import('yaml') = createRequire(
  path.join(ROOT, 'plugins/zero-trust-backend/package.json'),
)('yaml');

export const SCALED_COMPONENTS = 10_000;

const DEMO = path.join(ROOT, 'examples/online-boutique/cluster');
const SBOM_FILE = 'aquasecurity.github.io.sbomreport.yaml';
/** Where app-config.ui-bench.yaml points `zeroTrust.snapshots`. */
export const BENCH_CLUSTER = path.join(CACHE, 'cluster');

/** One side of the table: a component's Zero Trust tab and the search that leaves one row. */
export interface Side {
  entity: string;
  components: number;
  search: string;
}

type Component = Record<string, unknown> & { name: string };
type Report = {
  metadata: { name: string; labels?: Record<string, string> };
  report: {
    summary?: { componentsCount?: number };
    components: {
      components: Component[];
      dependencies?: { ref: string; dependsOn?: string[] }[];
    };
  };
};

const ofDeployment = (report: Report, name: string) =>
  report.metadata.labels?.['trivy-operator.resource.name']?.startsWith(
    `${name}-`,
  );

function scale(report: Report, size: number) {
  const bom = report.report.components;
  const real = bom.components;
  const copies: Component[] = [];
  for (let i = 0; copies.length < size; i++) {
    const c = real[i % real.length];
    const k = Math.floor(i / real.length);
    if (k === 0) {
      copies.push(c);
      continue;
    }
    const suffix = `-copy${String(k).padStart(4, '0')}`;
    const at = (s: unknown) =>
      typeof s === 'string' && s.includes('@')
        ? s.replace('@', `${suffix}@`)
        : undefined;
    copies.push({
      ...c,
      name: `${c.name}${suffix}`,
      ...(c.purl ? { purl: at(c.purl) } : {}),
      'bom-ref': at(c['bom-ref']) ?? `${c['bom-ref']}${suffix}`,
    });
  }
  bom.components = copies;
  const root = bom.dependencies?.[0];
  if (root) root.dependsOn = copies.map(c => String(c['bom-ref']));
  if (report.report.summary) report.report.summary.componentsCount = size;
}

/**
 * Writes the benchmark's cluster and returns the two sides: frontend with its recorded SBOM and
 * productcatalogservice with the scaled one, each with a search that matches one component.
 */
export function writeBenchCluster(): Side[] {
  fs.rmSync(BENCH_CLUSTER, { recursive: true, force: true });
  fs.mkdirSync(BENCH_CLUSTER, { recursive: true });
  for (const file of fs.readdirSync(DEMO)) {
    if (file !== SBOM_FILE)
      fs.copyFileSync(path.join(DEMO, file), path.join(BENCH_CLUSTER, file));
  }
  const reports = yaml
    .parseAllDocuments(fs.readFileSync(path.join(DEMO, SBOM_FILE), 'utf8'))
    .map(doc => doc.toJS() as Report);
  const find = (name: string) => {
    const found = reports.filter(r => ofDeployment(r, name));
    if (found.length !== 1)
      throw new Error(
        `expected one recorded SbomReport of ${name} in ${DEMO}/${SBOM_FILE}, found ${found.length}`,
      );
    return found[0];
  };
  const small = find('frontend');
  const large = find('productcatalogservice');
  const needle = 'netbase';
  const real = large.report.components.components;
  const at = real.findIndex(c => c.name === needle);
  if (at < 0)
    throw new Error(`productcatalogservice's SBOM has no ${needle} to search`);
  // The last copy of it: one match out of 10,000, near the end of the list.
  const last = Math.floor((SCALED_COMPONENTS - 1 - at) / real.length);
  scale(large, SCALED_COMPONENTS);
  fs.writeFileSync(
    path.join(BENCH_CLUSTER, SBOM_FILE),
    `# Written by packages/app/bench/data.ts: the demo's recorded SbomReports, productcatalogservice's scaled.\n${reports
      .map(r => yaml.stringify(r, { aliasDuplicateObjects: false }))
      .join('---\n')}`,
  );
  return [
    {
      entity: 'frontend',
      components: small.report.components.components.length,
      search: needle,
    },
    {
      entity: 'productcatalogservice',
      components: SCALED_COMPONENTS,
      search: `${needle}-copy${String(last).padStart(4, '0')}`,
    },
  ];
}
