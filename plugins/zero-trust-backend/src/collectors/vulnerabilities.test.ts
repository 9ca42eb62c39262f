import { contextFor, deploymentChain } from '../__testUtils__/clusters';
import { vulnerabilityReport } from '../__testUtils__/trivyReports';
import { collectVulnerabilities } from './vulnerabilities';

const finding = (id: string, severity: string, fixedVersion?: string) => ({
  vulnerabilityID: id,
  severity,
  resource: 'openssl',
  installedVersion: '3.0.1',
  fixedVersion,
  title: `${id} title`,
  primaryLink: `https://avd.example/${id}`,
  score: severity === 'CRITICAL' ? 9.8 : 5,
});

const run = (objects: object[], settings?: object) =>
  collectVulnerabilities(
    contextFor([...deploymentChain('web', 'shop'), ...(objects as any[])], {
      settings,
    }),
  );

describe('collectVulnerabilities', () => {
  it('fails on a critical finding by default and lists the most severe first', () => {
    const r = run([
      vulnerabilityReport('web', [
        finding('CVE-2', 'MEDIUM'),
        finding('CVE-1', 'CRITICAL', '3.0.2'),
        finding('CVE-3', 'HIGH'),
      ]),
    ]);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '1 critical, 1 high, 1 medium (1 fixable): at least critical fails.',
    );
    expect(r.details!.top.map(v => v.id)).toEqual(['CVE-1', 'CVE-3', 'CVE-2']);
    expect(r.details!.images[0].counts).toEqual({
      critical: 1,
      high: 1,
      medium: 1,
      low: 0,
      unknown: 0,
    });
  });

  it('warns on high findings, and follows configured thresholds', () => {
    const report = vulnerabilityReport('web', [finding('CVE-3', 'HIGH')]);
    expect(run([report]).status).toBe('warn');
    expect(run([report], { vulnerabilityFailSeverity: 'high' }).status).toBe(
      'fail',
    );
  });

  it('passes without findings and warns when the image was never scanned', () => {
    expect(run([vulnerabilityReport('web', [])]).summary).toBe(
      'No known vulnerability in the running images.',
    );
    expect(run([]).status).toBe('warn');
  });

  it('counts an unknown severity as unknown rather than throwing', () => {
    const r = run([
      vulnerabilityReport('web', [finding('CVE-9', 'SEVERE'), { bogus: true }]),
    ]);
    expect(r.details!.counts.unknown).toBe(1);
    expect(r.status).toBe('pass');
  });

  it('trusts the report summary when it counts more findings than the report lists', () => {
    const report = vulnerabilityReport('web', [finding('CVE-3', 'HIGH')]);
    (report as any).report.summary = { criticalCount: 2, highCount: 1 };
    const r = run([report]);
    expect(r.details!.counts).toMatchObject({ critical: 2, high: 1 });
    expect(r.status).toBe('fail');
  });
});
