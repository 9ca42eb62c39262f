import {
  EntityPosture,
  ZERO_TRUST_CONTROLS,
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
