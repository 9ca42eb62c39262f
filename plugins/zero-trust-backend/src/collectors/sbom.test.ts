import { contextFor, deploymentChain } from '../__testUtils__/clusters';
import { collectSbom } from './sbom';
import { sbomReport } from '../__testUtils__/trivyReports';

const lib = (name: string, license?: object) => ({
  type: 'library',
  name,
  version: '1.0.0',
  purl: `pkg:npm/${name}@1.0.0`,
  ...(license ? { licenses: [license] } : {}),
});

const run = (
  objects: object[],
  podSpec?: Record<string, unknown>,
  states?: any,
) =>
  collectSbom(
    contextFor(
      [...deploymentChain('web', 'shop', podSpec), ...(objects as any[])],
      { states },
    ),
  );

describe('collectSbom', () => {
  it('passes when every container has a CycloneDX SBOM, counting components and licenses', () => {
    const r = run([
      sbomReport('web', [
        lib('express', { license: { id: 'MIT' } }),
        lib('lodash', { license: { id: 'MIT' } }),
        lib('tslib', { expression: 'Apache-2.0 OR MIT' }),
        lib('mystery'),
      ]),
    ]);
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'An SBOM for every running image: 4 components in 1 image.',
    );
    expect(r.details!.licenses).toEqual([
      { license: 'MIT', count: 2 },
      { license: 'Apache-2.0 OR MIT', count: 1 },
      { license: 'unknown', count: 1 },
    ]);
    expect(r.details!.images[0]).toMatchObject({
      image: 'index.docker.io/library/web:1',
      digest: 'sha256:abc',
      container: 'server',
      components: 4,
    });
    expect(r.evidence.map(e => e.kind)).toEqual(['SbomReport']);
  });

  it('warns when one container has no SBOM, ignoring the mesh proxy', () => {
    const r = run([sbomReport('web', [lib('express')])], {
      containers: [
        { name: 'server', image: 'web:1' },
        { name: 'metrics', image: 'exporter:2' },
        { name: 'istio-proxy', image: 'proxyv2:1.31' },
      ],
    });
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'No SBOM for the image of container(s) metrics (exporter:2); 1 of 2 running containers covered.',
    );
  });

  it('fails when no image has an SBOM', () => {
    const r = run([]);
    expect(r.status).toBe('fail');
    expect(r.evidence).toEqual([]);
  });

  it('reads a malformed report without throwing, and does not count it as an SBOM', () => {
    const broken = sbomReport('web', []);
    (broken as any).report = { components: 'not a BOM' };
    const r = run([broken]);
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'No valid CycloneDX SBOM: 1 SbomReport without a usable BOM (see notes).',
    );
    expect(r.notes).toEqual([
      'SbomReport shop/replicaset-web-abc-server: no CycloneDX BOM in report.components',
    ]);
    expect(r.details!.components).toBe(0);
    expect(r.details!.missing).toEqual([
      {
        cluster: 'test',
        namespace: 'shop',
        workload: 'Deployment/web',
        container: 'server',
        image: 'web:1',
      },
    ]);
    const worse = sbomReport('web', []);
    (worse as any).report = 'nope';
    (worse as any).metadata.labels = 7;
    // Without Trivy's labels nothing ties the report to the workload: it has no SBOM.
    expect(run([worse]).status).toBe('fail');
  });

  it('validates the BOM with the CycloneDX library: format, spec version, component types', () => {
    const spdx = sbomReport('web', [lib('a')]);
    (spdx as any).report.components.bomFormat = 'SPDX';
    const r1 = run([spdx]);
    expect(r1.status).toBe('warn');
    expect(r1.details!.images[0].invalid).toBe(
      'bomFormat is "SPDX", not "CycloneDX"',
    );

    const future = sbomReport('web', [lib('a')]);
    (future as any).report.components.specVersion = '9.9';
    expect(run([future]).details!.images[0].invalid).toBe(
      'unsupported CycloneDX specVersion "9.9"',
    );

    // `data` is a CycloneDX 1.5 type but not a 1.4 one; a nameless component is skipped.
    const old = sbomReport('web', [
      lib('a'),
      { type: 'data', name: 'model' },
      { type: 'library' },
    ]);
    (old as any).report.components.specVersion = '1.4';
    (old as any).report.components.metadata = {
      tools: [{ vendor: 'aquasecurity', name: 'trivy', version: '0.45.0' }],
    };
    const r3 = run([old]);
    expect(r3.status).toBe('pass');
    expect(r3.details!.images[0]).toMatchObject({
      format: 'CycloneDX 1.4',
      tools: ['trivy 0.45.0'],
      types: { library: 1, data: 1 },
    });
    expect(r3.notes).toEqual([
      'SbomReport shop/replicaset-web-abc-server: 1 component(s) without a name were skipped',
      'SbomReport shop/replicaset-web-abc-server: component type(s) data not defined by CycloneDX 1.4',
    ]);
  });

  it('reads the 1.5 tools layout, counts native sidecars, and skips finished pods', () => {
    const report = sbomReport('web', [lib('a')]);
    (report as any).report.components.metadata = {
      tools: {
        components: [{ type: 'application', name: 'trivy', version: '0.58.2' }],
      },
    };
    const r = run([report], {
      containers: [{ name: 'server', image: 'web:1' }],
      initContainers: [
        { name: 'migrate', image: 'migrate:1' },
        { name: 'log-shipper', image: 'shipper:1', restartPolicy: 'Always' },
      ],
    });
    expect(r.details!.images[0].tools).toEqual(['trivy 0.58.2']);
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(
      /^No SBOM for the image of container\(s\) log-shipper \(shipper:1\);/,
    );

    const [deployment, rs, pod] = deploymentChain('web', 'shop', {
      containers: [{ name: 'other', image: 'other:1' }],
    });
    const finished = { ...pod, status: { phase: 'Succeeded' } };
    const done = collectSbom(
      contextFor([deployment, rs, finished, report as any]),
    );
    expect(done.status).toBe('pass');
  });

  it('is not installed without the Trivy Operator, and forbidden without RBAC', () => {
    expect(run([], undefined, { SbomReport: 'not-installed' }).status).toBe(
      'not-installed',
    );
    expect(run([], undefined, { SbomReport: 'forbidden' }).status).toBe(
      'forbidden',
    );
  });
});
