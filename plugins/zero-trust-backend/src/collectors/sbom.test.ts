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
      'An SBOM for every container: 4 components in 1 image.',
    );
    expect(r.details!.licenses).toEqual([
      { license: 'MIT', count: 2 },
      { license: 'Apache-2.0 OR MIT', count: 1 },
      { license: 'unknown', count: 1 },
    ]);
    expect(r.details!.images[0]).toMatchObject({
      image: 'registry.test/shop/web:1.0',
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
    expect(r.summary).toMatch(/^No SBOM for container\(s\) metrics;/);
  });

  it('fails when no image has an SBOM', () => {
    const r = run([]);
    expect(r.status).toBe('fail');
    expect(r.evidence).toEqual([]);
  });

  it('reads a malformed report without throwing', () => {
    const broken = sbomReport('web', []);
    (broken as any).report = { components: 'not a BOM' };
    const r = run([broken]);
    expect(r.status).toBe('pass');
    expect(r.details!.components).toBe(0);
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
