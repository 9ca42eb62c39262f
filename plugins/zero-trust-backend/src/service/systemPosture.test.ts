import {
  EntityPosture,
  ZERO_TRUST_CONTROLS,
  scoreControls,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { aggregateSystemControls, worstStatus } from './systemPosture';

const posture = (
  name: string,
  statuses: Record<string, string>,
): EntityPosture => ({
  entityRef: `component:default/${name}`,
  generatedAt: '2026-12-01T00:00:00Z',
  clusters: [],
  controls: ZERO_TRUST_CONTROLS.map(c => ({
    control: c.id,
    status: (statuses[c.id] ?? 'pass') as any,
    summary: '',
    evidence: [
      { cluster: 'c', apiVersion: 'v1', kind: 'Pod', name, observedAt: '' },
    ],
  })),
});

describe('aggregateSystemControls', () => {
  it('ranks fail > warn > forbidden > unknown > not-installed > pass', () => {
    expect(worstStatus('pass', 'unknown')).toBe('unknown');
    expect(worstStatus('warn', 'fail')).toBe('fail');
    expect(worstStatus('not-installed', 'forbidden')).toBe('forbidden');
    expect(worstStatus('pass', 'pass')).toBe('pass');
    expect(worstStatus('not-applicable', 'pass')).toBe('pass');
    expect(worstStatus('not-applicable', 'not-applicable')).toBe(
      'not-applicable',
    );
  });

  it('passes a control some components pass and the others have nothing for', () => {
    const controls = aggregateSystemControls([
      posture('a', { rollout: 'not-applicable' }),
      posture('b', {}),
    ]);
    expect(controls.find(c => c.control === 'rollout')!.status).toBe('pass');
    expect(
      aggregateSystemControls([posture('a', { rollout: 'not-applicable' })])[6]
        .status,
    ).toBe('not-applicable');
  });

  it('scores a System on the worst status per control: 5 failing and 3 warning controls do not make 90', () => {
    // Each failure in a different component: averaging the cells would give about 90.
    const components = [
      posture('a', { authorization: 'fail', mtls: 'warn' }),
      posture('b', { admission: 'fail' }),
      posture('c', { gitops: 'fail', vulnerabilities: 'warn' }),
      posture('d', { secrets: 'fail' }),
      posture('e', { identity: 'fail', runtime: 'warn' }),
      ...['f', 'g', 'h', 'i', 'j', 'k'].map(n => posture(n, {})),
    ];
    const controls = aggregateSystemControls(components);
    expect(controls.filter(c => c.status === 'fail')).toHaveLength(5);
    expect(controls.filter(c => c.status === 'warn')).toHaveLength(3);
    const score = scoreControls(controls)!;
    expect(score).not.toBe(90);
    expect(score).toBeLessThanOrEqual(59);
  });

  it('takes the worst status per control, names the components and keeps their evidence', () => {
    const controls = aggregateSystemControls([
      posture('a', { admission: 'fail' }),
      posture('b', { admission: 'warn', mtls: 'unknown' }),
      posture('c', {}),
    ]);
    const admission = controls.find(c => c.control === 'admission')!;
    expect(admission.status).toBe('fail');
    expect(admission.summary).toBe(
      '1 fail, 1 warn, 1 pass of 3 components; fail: a.',
    );
    expect(admission.evidence.map(e => e.name)).toEqual(['a']);
    expect(controls.find(c => c.control === 'mtls')!.status).toBe('unknown');
    expect(controls.find(c => c.control === 'sbom')).toMatchObject({
      status: 'pass',
      summary: '3 pass of 3 components.',
    });
  });

  it('is unknown for every control of a System without visible components', () => {
    expect(aggregateSystemControls([]).every(c => c.status === 'unknown')).toBe(
      true,
    );
  });
});

describe('the System cis control', () => {
  const cisOf = (name: string, clusters: [string, string][]) => {
    const p = posture(name, { cis: 'warn' });
    const cis = p.controls.find(c => c.control === 'cis')!;
    Object.assign(cis, {
      details: {
        clusters: clusters.map(([cluster, status]) => ({
          cluster,
          status,
          summary: `${cluster} ${status}s.`,
          checks: [],
        })),
      },
      evidence: [
        {
          cluster: clusters[0][0],
          apiVersion: 'wgpolicyk8s.io/v1alpha2',
          kind: 'ClusterPolicyReport',
          name: 'kube-bench',
          observedAt: '',
        },
      ],
    });
    return p;
  };

  it('shows each cluster at its own status (a failing cluster fails), once, where components show a warning', () => {
    const cis = aggregateSystemControls([
      cisOf('a', [['prod', 'fail']]),
      cisOf('b', [
        ['prod', 'fail'],
        ['edge', 'pass'],
      ]),
    ]).find(c => c.control === 'cis')!;
    expect(cis.status).toBe('fail');
    expect(cis.summary).toBe('prod fails. edge passs.');
    expect((cis.details as any).clusters.map((c: any) => c.cluster)).toEqual([
      'prod',
      'edge',
    ]);
    expect(cis.evidence).toHaveLength(1);
  });

  it('aggregates like any control when no component has cis details', () => {
    const cis = aggregateSystemControls([
      posture('a', { cis: 'not-installed' }),
    ]).find(c => c.control === 'cis')!;
    expect(cis.status).toBe('not-installed');
    expect(cis.summary).toMatch(/of 1 components/);
  });
});
