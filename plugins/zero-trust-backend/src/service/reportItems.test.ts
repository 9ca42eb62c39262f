// The /vulnerabilities and /sbom routes list from the same reports the controls count
// (collectors/lib/images.ts reportsOfRunningImages), on reports as trivy-operator writes them
// (collectors/__fixtures__/upstream/trivy-operator, each file naming its source).
import { contextFor, obj } from '../__testUtils__/clusters';
import { loadOne } from '../collectors/__fixtures__/upstream/load';
import { reportsOfRunningImages } from '../collectors/lib/images';
import { collectSbom } from '../collectors/sbom';
import { collectVulnerabilities } from '../collectors/vulnerabilities';
import { KubeObject } from '../sources/types';
import {
  sbomComponents,
  sbomImages,
  vulnerabilityItems,
  vulnerabilityPage,
} from './reportItems';

const deployment = obj(
  'apps/v1',
  'Deployment',
  'nginx',
  'default',
  {},
  { labels: { app: 'nginx' } },
);

/** A ReplicaSet of the Deployment with `replicas` running pods of one image. */
function replicaSet(
  name: string,
  uid: string,
  image: string,
  replicas: number,
): KubeObject[] {
  const labels = { app: 'nginx', 'pod-template-hash': name.split('-').pop()! };
  const owner = (kind: string, n: string, u: string) => ({
    apiVersion: 'apps/v1',
    kind,
    name: n,
    uid: u,
    controller: true,
  });
  const rs = obj(
    'apps/v1',
    'ReplicaSet',
    name,
    'default',
    { spec: { replicas } },
    {
      uid,
      labels,
      ownerReferences: [owner('Deployment', 'nginx', deployment.metadata.uid!)],
    },
  );
  const pods = Array.from({ length: replicas }, (_, i) =>
    obj(
      'v1',
      'Pod',
      `${name}-pod${i}`,
      'default',
      {
        spec: { containers: [{ name: 'nginx', image }] },
        status: {
          phase: 'Running',
          containerStatuses: [{ name: 'nginx', image, ready: true }],
        },
      },
      {
        uid: `uid-${name}-pod${i}`,
        labels,
        ownerReferences: [owner('ReplicaSet', name, uid)],
      },
    ),
  );
  return [rs, ...pods];
}

// The ReplicaSet trivy-operator's docs report is about (its owner uid), running nginx:1.16, and a
// canary ReplicaSet running nginx:1.17.
const stable = (replicas: number) =>
  replicaSet(
    'nginx-6d4cf56db6',
    'aa345200-cf24-443a-8f11-ddb438ff8659',
    'nginx:1.16',
    replicas,
  );
const canary = replicaSet('nginx-7c5ddbdf54', 'uid-rs-canary', 'nginx:1.17', 1);

/** An SbomReport of one of the ReplicaSets, as trivy-operator labels and owns it. */
const sbomReport = (rsName: string, rsUid: string, tag: string) =>
  obj(
    'aquasecurity.github.io/v1alpha1',
    'SbomReport',
    `replicaset-${rsName}-nginx`,
    'default',
    {
      report: {
        registry: { server: 'index.docker.io' },
        artifact: { repository: 'library/nginx', tag },
        components: {
          bomFormat: 'CycloneDX',
          specVersion: '1.5',
          components: [{ type: 'library', name: `openssl-for-${tag}` }],
        },
      },
    },
    {
      labels: {
        'trivy-operator.container.name': 'nginx',
        'trivy-operator.resource.kind': 'ReplicaSet',
        'trivy-operator.resource.name': rsName,
        'trivy-operator.resource.namespace': 'default',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rsName,
          uid: rsUid,
          controller: true,
        },
      ],
    },
  );

const page = { offset: 0, limit: 100 };
const nginx = { selector: 'app=nginx' };

describe('route lists and controls count the same reports', () => {
  const nginxReport = () =>
    loadOne('trivy-operator/vulnerabilityreport-nginx.yaml');

  it('lists the findings of the image a pod runs, as the control counts them', () => {
    const ctx = contextFor([deployment, ...stable(1), nginxReport()], {
      selector: 'app=nginx',
    });
    const listed = vulnerabilityPage(
      'component:default/nginx',
      vulnerabilityItems(ctx.workloads),
      page,
    );
    const control = collectVulnerabilities(ctx);
    expect(listed.total).toBeGreaterThan(0);
    expect(listed.counts).toEqual(control.details!.counts);
  });

  it("does not list a scaled-down ReplicaSet's report, which the control does not count", () => {
    const ctx = contextFor(
      [deployment, ...stable(0), ...canary, nginxReport()],
      { selector: 'app=nginx' },
    );
    expect(ctx.workloads[0].reports.vulnerability).toHaveLength(1);
    const listed = vulnerabilityPage(
      'component:default/nginx',
      vulnerabilityItems(ctx.workloads),
      page,
    );
    expect(listed.total).toBe(0);
    expect(listed.counts).toEqual(collectVulnerabilities(ctx).details!.counts);
  });

  it('lists the SBOM of the images pods run, not of an image no pod runs any more', () => {
    const objects = [
      deployment,
      ...stable(0),
      ...canary,
      sbomReport(
        'nginx-6d4cf56db6',
        'aa345200-cf24-443a-8f11-ddb438ff8659',
        '1.16',
      ),
      sbomReport('nginx-7c5ddbdf54', 'uid-rs-canary', '1.17'),
    ];
    const ctx = contextFor(objects, { selector: 'app=nginx' });
    expect(sbomComponents(ctx.workloads).map(c => c.name)).toEqual([
      'openssl-for-1.17',
    ]);
    expect(sbomImages(ctx.workloads).map(i => i.report)).toEqual([
      'replicaset-nginx-7c5ddbdf54-nginx',
    ]);
    const control = collectSbom(ctx);
    expect(control.status).toBe('pass');
    expect(control.summary).toBe(
      'An SBOM for every running image: 1 component in 1 image.',
    );
    expect(control.details!.images.map(i => i.report)).toEqual([
      'replicaset-nginx-7c5ddbdf54-nginx',
    ]);
    expect(control.notes).toEqual([
      'SbomReport default/replicaset-nginx-6d4cf56db6-nginx is for index.docker.io/library/nginx:1.16, which no pod of this workload runs: not counted.',
    ]);
  });

  it('reads a report once per report object, and a changed report (a new object) again', () => {
    const report = sbomReport('nginx-7c5ddbdf54', 'uid-rs-canary', '1.17');
    const objects = [deployment, ...stable(0), ...canary, report];
    const first = sbomComponents(contextFor(objects, nginx).workloads);
    const again = sbomComponents(contextFor(objects, nginx).workloads);
    expect(again).toEqual(first);
    expect(again[0]).toBe(first[0]);

    // A watch event or a snapshot reload brings a new object: its components are read anew.
    const changed = structuredClone(report);
    (changed.report as any).components.components[0].name = 'openssl-3.5';
    const reread = sbomComponents(
      contextFor([deployment, ...stable(0), ...canary, changed], nginx)
        .workloads,
    );
    expect(reread.map(c => c.name)).toEqual(['openssl-3.5']);
    expect(sbomComponents(contextFor(objects, nginx).workloads)[0]).toBe(
      first[0],
    );
  });

  it('keeps every report of a workload no pod runs, and one whose image cannot be read', () => {
    const report = sbomReport('nginx-6d4cf56db6', 'x', '1.16');
    const unreadable = sbomReport('nginx-6d4cf56db6', 'y', '1.16');
    (unreadable.report as any).artifact = undefined;
    expect(reportsOfRunningImages([], [report])).toEqual({
      running: [report],
      stale: [],
    });
    const pods = canary.filter(o => o.kind === 'Pod');
    expect(reportsOfRunningImages(pods, [report, unreadable])).toEqual({
      running: [unreadable],
      stale: [report],
    });
  });
});
