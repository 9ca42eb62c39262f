import { contextFor, deploymentChain } from '../__testUtils__/clusters';
import { KubeObject } from '../sources/types';
import { cisClusterStatus, collectCis } from './cis';
import {
  isKubeBenchReport,
  isTrivyCisReport,
  kubeBenchResult,
  trivyComplianceResult,
} from './lib/cisReports';
import {
  falcoPolicyReport,
  terminalShell,
} from './__fixtures__/upstream/falcosidekick/policyReports';
import { loadOne } from './__fixtures__/upstream/load';

const kubeBench = loadOne('kube-bench-adapter/policy-report.yaml');
const nirmata = loadOne('kube-bench-adapter/nirmata-clusterpolicyreport.yaml');
const cisSpec = loadOne(
  'trivy-operator/clustercompliancereport-k8s-cis-1.23-spec.yaml',
);
const nsaSummary = loadOne(
  'trivy-operator/clustercompliancereport-nsa-summary.yaml',
);
const nsaDocs = loadOne('trivy-operator/clustercompliancereport-nsa-docs.yaml');

const run = (objects: object[], states = {}) =>
  collectCis(
    contextFor(
      [...deploymentChain('web', 'shop'), ...(objects as KubeObject[])],
      { states },
    ),
  );

describe('the CIS report readers', () => {
  it('recognise the k8s-cis spec of Trivy Operator and not its NSA reports', () => {
    expect(isTrivyCisReport(cisSpec)).toBe(true);
    expect(isTrivyCisReport(nsaSummary)).toBe(false);
    expect(isTrivyCisReport(nsaDocs)).toBe(false);
  });

  it('read the counts and failing controls of a summary compliance report (status.summary)', () => {
    expect(trivyComplianceResult(nsaSummary)).toEqual({
      summary: {
        report: 'ClusterComplianceReport nsa-summary',
        pass: 1,
        fail: 1,
        updated: undefined,
      },
      checks: [
        {
          source: 'trivy',
          id: '1.0',
          title: 'Non-root containers',
          result: 'fail',
          severity: 'medium',
          count: 8,
        },
      ],
    });
  });

  it('read the older totalCounts, skipping manual controls (no totalFail) and passing ones', () => {
    const r = trivyComplianceResult(nsaDocs)!;
    expect(r.summary).toMatchObject({
      pass: 15,
      fail: 12,
      updated: '2022-12-05T12:21:30Z',
    });
    expect(r.checks.map(c => c.id)).toEqual([
      '1.0',
      '1.1',
      '1.2',
      '1.4',
      '1.7',
      '1.9',
      '1.10',
      '1.12',
      '6.1',
      '7.0',
      '8.1',
      '8.2',
    ]);
  });

  it('give nothing for a compliance report not scanned yet (no status)', () => {
    expect(trivyComplianceResult(cisSpec)).toBeUndefined();
  });

  it("recognise the kube-bench adapter's reports and not Falco's", () => {
    expect(isKubeBenchReport(kubeBench)).toBe(true);
    expect(isKubeBenchReport(nirmata)).toBe(true);
    expect(
      isKubeBenchReport(
        falcoPolicyReport('shop', [terminalShell('p', 'shop')]),
      ),
    ).toBe(false);
    expect(isKubeBenchReport({ ...kubeBench, results: 'garbage' })).toBe(false);
  });

  it('read kube-bench counts from the summary and list the fail and warn checks', () => {
    const r = kubeBenchResult(kubeBench);
    expect(r.summary).toEqual({
      report: 'PolicyReport default/cis-dummy-policy',
      pass: 37,
      fail: 36,
      warn: 49,
      skip: 0,
    });
    expect(r.checks.map(c => [c.id, c.result])).toEqual([
      ['1.1.1', 'fail'],
      ['1.1.2', 'fail'],
      ['1.1.9', 'warn'],
      ['1.1.10', 'warn'],
    ]);
    expect(r.checks[0].title).toMatch(
      /^Ensure that the API server pod specification file permissions/,
    );
  });
});

describe('collectCis', () => {
  it('reads the ClusterPolicyReport of the adapter the platform template runs', () => {
    const r = run([nirmata]);
    expect(r.status).toBe('warn');
    expect(r.details!.clusters[0]).toMatchObject({
      status: 'fail',
      summary: 'test fails 11 CIS checks (kube-bench).',
      kubeBench: {
        report: 'ClusterPolicyReport kube-bench',
        pass: 64,
        fail: 11,
        warn: 49,
        skip: 0,
      },
    });
    expect(r.details!.clusters[0].checks.map(c => [c.id, c.result])).toEqual([
      ['1.1.9', 'warn'],
      ['1.1.12', 'fail'],
      ['1.2.5', 'fail'],
    ]);
    expect(r.evidence).toEqual([
      expect.objectContaining({
        kind: 'ClusterPolicyReport',
        name: 'kube-bench',
      }),
    ]);
  });

  it("lowers the cluster's failure to a warning on the component, as cluster context", () => {
    const r = run([kubeBench]);
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      "test fails 36 CIS checks (kube-bench). Cluster context: shown as a warning, not this component's fault.",
    );
    expect(r.details!.clusters).toEqual([
      expect.objectContaining({ cluster: 'test', status: 'fail' }),
    ]);
    expect(cisClusterStatus(r.details!)).toBe('fail');
    expect(r.evidence.map(e => `${e.kind} ${e.name}`)).toEqual([
      'PolicyReport cis-dummy-policy',
    ]);
  });

  it('reads both producers of one cluster, and ignores compliance reports that are not CIS', () => {
    const r = run([kubeBench, cisSpec, nsaSummary]);
    // The CIS spec is not scanned yet, so only kube-bench counts; the NSA report is not CIS.
    expect(r.details!.clusters[0].trivy).toBeUndefined();
    expect(r.details!.clusters[0].kubeBench).toBeDefined();
    expect(r.evidence.map(e => e.name)).toEqual(['cis-dummy-policy']);
  });

  it('is unknown while the CIS compliance report awaits its first scan', () => {
    const r = run([cisSpec]);
    expect(r.status).toBe('unknown');
    expect(r.summary).toBe(
      'Trivy Operator has not scanned its CIS compliance report in test yet.',
    );
  });

  it('warns when kube-bench only leaves checks to verify by hand', () => {
    const warnOnly = {
      ...kubeBench,
      results: (kubeBench.results as any[]).filter(x => x.result !== 'fail'),
      summary: { ...(kubeBench.summary as object), fail: 0 },
    };
    const r = run([warnOnly]);
    expect(r.details!.clusters[0].status).toBe('warn');
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'test has 49 CIS checks to verify by hand (kube-bench WARN) and none failing (kube-bench).',
    );
  });

  it('passes when nothing fails or warns', () => {
    const passing = {
      ...kubeBench,
      results: (kubeBench.results as any[]).filter(x => x.result === 'pass'),
      summary: { pass: 2, fail: 0, warn: 0 },
    };
    expect(run([passing]).status).toBe('pass');
  });

  it('is not installed when no producer writes a report, forbidden when it may not read them', () => {
    expect(
      run([], {
        ClusterComplianceReport: 'not-installed',
        ClusterPolicyReport: 'not-installed',
        PolicyReport: 'not-installed',
      }),
    ).toMatchObject({ status: 'not-installed', evidence: [] });
    expect(run([]).summary).toMatch(/^No CIS benchmark in test: neither/);
    expect(run([], { ClusterComplianceReport: 'forbidden' }).status).toBe(
      'forbidden',
    );
    expect(run([], { ClusterPolicyReport: 'pending' }).status).toBe('unknown');
  });

  it('does not throw on malformed reports', () => {
    const broken = [
      {
        ...cisSpec,
        metadata: { name: 'k8s-cis-x' },
        status: { summary: 'x', summaryReport: { controlCheck: 'y' } },
      },
      {
        ...kubeBench,
        metadata: { name: 'kb', namespace: 'default' },
        summary: null,
        results: [
          {
            properties: { index: '1', audit: '', test_info: '' },
            result: 'fail',
          },
        ],
      },
    ];
    const r = run(broken);
    expect(r.details!.clusters[0].trivy).toMatchObject({ pass: 0, fail: 0 });
    expect(r.details!.clusters[0].kubeBench).toMatchObject({ fail: 1 });
    expect(r.status).toBe('warn');
  });
});
