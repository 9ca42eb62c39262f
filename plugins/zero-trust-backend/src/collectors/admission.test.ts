import { collectAdmission } from './admission';
import { ClusterSource, KubeObject } from '../sources/types';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'adservice', namespace: 'shop' },
};
const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'adservice-abc', namespace: 'shop' },
};

function cluster(reports: KubeObject[]): ClusterSource {
  return {
    name: 'c1',
    objects: (group, kind) =>
      reports.filter(
        r => r.apiVersion.startsWith(`${group}/`) && r.kind === kind,
      ),
    state: () => 'synced',
    health: () => ({
      name: 'c1',
      source: 'snapshot',
      healthy: true,
      errors: [],
    }),
  };
}

const report = (
  apiVersion: string,
  kind: string,
  name: string,
  extra: object,
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, namespace: 'shop', uid: `uid-${name}` },
  ...extra,
});

const run = (reports: KubeObject[]) =>
  collectAdmission(
    [{ cluster: cluster(reports), pods: [pod], controllers: [deployment] }],
    'now',
  );

describe('collectAdmission', () => {
  it('fails on a failing result of a report scoped to the workload', () => {
    const result = run([
      report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'r1', {
        scope: { kind: 'Deployment', name: 'adservice' },
        results: [
          {
            policy: 'require-ro-rootfs',
            rule: 'validate-readOnlyRootFilesystem',
            result: 'fail',
            source: 'kyverno',
          },
          { policy: 'disallow-latest-tag', result: 'pass', source: 'kyverno' },
        ],
      }),
    ]);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('require-ro-rootfs');
    expect(result.evidence).toEqual([
      expect.objectContaining({
        kind: 'PolicyReport',
        name: 'r1',
        uid: 'uid-r1',
        cluster: 'c1',
      }),
    ]);
  });

  it('reads openreports.io Reports and results that name resources instead of a scope', () => {
    const result = run([
      report('openreports.io/v1alpha1', 'Report', 'r2', {
        results: [
          {
            policy: 'p',
            result: 'pass',
            resources: [{ kind: 'Pod', name: 'adservice-abc' }],
          },
        ],
      }),
    ]);
    expect(result.status).toBe('pass');
  });

  it('warns on warnings and ignores reports about other workloads and Falco alerts', () => {
    const result = run([
      report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'r3', {
        scope: { kind: 'Deployment', name: 'adservice' },
        results: [
          { policy: 'p', result: 'warn' },
          {
            policy: 'Terminal shell in container',
            result: 'fail',
            source: 'Falco',
          },
        ],
      }),
      report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'other', {
        scope: { kind: 'Deployment', name: 'cartservice' },
        results: [{ policy: 'p', result: 'fail' }],
      }),
    ]);
    expect(result.status).toBe('warn');
    expect(result.evidence.map(e => e.name)).toEqual(['r3']);
  });

  it('is unknown without any report, and tolerates malformed results', () => {
    expect(run([]).status).toBe('unknown');
    expect(
      run([
        report('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'bad', {
          results: 'nope',
        }),
      ]).status,
    ).toBe('unknown');
  });
});
