import { ControlId, ZERO_TRUST_CONTROLS } from './controls';
import { ControlStatus } from './api';
import { SCORE_WEIGHTS, scoreBreakdown, scoreControls } from './score';

/** Every control passing except the given ones. */
const all = (overrides: Partial<Record<ControlId, ControlStatus>> = {}) =>
  ZERO_TRUST_CONTROLS.map(({ id }) => ({
    control: id,
    status: overrides[id] ?? ('pass' as ControlStatus),
  }));

describe('scoreControls', () => {
  it('is 100 when every control passes', () => {
    expect(scoreControls(all())).toBe(100);
  });

  it('weights each control: a warning on mTLS costs more than one on GitOps', () => {
    const total = Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(scoreBreakdown(all({ gitops: 'warn' })).weighted).toBe(
      Math.round(((total - 0.5) / total) * 100),
    );
    expect(scoreBreakdown(all({ mtls: 'warn' })).weighted!).toBeLessThan(
      scoreBreakdown(all({ gitops: 'warn' })).weighted!,
    );
  });

  it('caps the score at 89 when a control warns and at 59 when one fails', () => {
    expect(scoreControls(all({ gitops: 'warn' }))).toBe(89);
    expect(scoreControls(all({ gitops: 'fail' }))).toBe(59);
    expect(scoreBreakdown(all({ gitops: 'fail' }))).toMatchObject({
      weighted: 96, // 23 of 24 points
      cap: { limit: 59, because: 'fail' },
    });
    // Below the cap the weighted mean stands.
    const low = all({
      mtls: 'fail',
      authorization: 'fail',
      segmentation: 'fail',
      admission: 'fail',
    });
    expect(scoreBreakdown(low).cap).toBeUndefined();
    expect(scoreControls(low)).toBe(scoreBreakdown(low).weighted);
  });

  it('does not score a component any workload may call that runs as root at 73', () => {
    const score = scoreControls(
      all({ authorization: 'warn', admission: 'fail' }),
    )!;
    expect(score).not.toBe(73);
    expect(score).toBeLessThanOrEqual(59);
  });

  it('does not score a System with 5 failing and 3 warning controls at 90', () => {
    const score = scoreControls(
      all({
        mtls: 'warn',
        authorization: 'fail',
        admission: 'fail',
        vulnerabilities: 'warn',
        gitops: 'fail',
        secrets: 'fail',
        runtime: 'warn',
        identity: 'fail',
      }),
    )!;
    expect(score).toBeLessThanOrEqual(59);
  });

  it('leaves out not applicable controls: they are not a pass', () => {
    expect(scoreBreakdown(all({ rollout: 'not-applicable' })).excluded).toEqual(
      ['rollout'],
    );
    expect(
      scoreControls([
        { control: 'rollout', status: 'pass' },
        { control: 'mtls', status: 'warn' },
      ]),
    ).toBe(63);
    expect(
      scoreControls([
        { control: 'rollout', status: 'not-applicable' },
        { control: 'mtls', status: 'warn' },
      ]),
    ).toBe(50);
  });

  it('ignores controls without evidence', () => {
    expect(
      scoreControls([
        { control: 'mtls', status: 'pass' },
        { control: 'sbom', status: 'not-installed' },
        { control: 'secrets', status: 'forbidden' },
        { control: 'runtime', status: 'unknown' },
      ]),
    ).toBe(100);
  });

  it('has no score when nothing was evaluated', () => {
    expect(scoreControls([{ control: 'mtls', status: 'unknown' }])).toBe(
      undefined,
    );
    expect(
      scoreControls([{ control: 'rollout', status: 'not-applicable' }]),
    ).toBeUndefined();
    expect(scoreControls([])).toBeUndefined();
  });
});
