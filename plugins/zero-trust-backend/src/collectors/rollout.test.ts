import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { collectRollout } from './rollout';

function rolloutChain(status: object, runs: object[] = []) {
  const rollout = obj(
    'argoproj.io/v1alpha1',
    'Rollout',
    'web',
    'shop',
    {
      spec: {
        strategy: {
          canary: {
            steps: [
              { setWeight: 10 },
              { pause: { duration: '2m' } },
              { analysis: { templates: [{ templateName: 'zt' }] } },
              { setWeight: 50 },
            ],
          },
        },
      },
      status,
    },
    { labels: { app: 'web' } },
  );
  const [, rs, pod] = deploymentChain('web', 'shop');
  rs.metadata.ownerReferences = [
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: 'web',
      uid: rollout.metadata.uid,
      controller: true,
    },
  ];
  const analysisRuns = runs.map((s, i) =>
    obj(
      'argoproj.io/v1alpha1',
      'AnalysisRun',
      `web-run-${i}`,
      'shop',
      { status: s },
      {
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Rollout',
            name: 'web',
            uid: rollout.metadata.uid,
          },
        ],
      },
    ),
  );
  return [rollout, rs, pod, ...analysisRuns];
}

const run = (objects: object[], states?: any) =>
  collectRollout(contextFor(objects as any[], { states }));

describe('collectRollout', () => {
  it('passes a canary in progress and reports its step, weight and analysis', () => {
    const r = run(
      rolloutChain(
        {
          phase: 'Paused',
          currentStepIndex: 2,
          pauseConditions: [{ reason: 'CanaryPauseStep' }],
        },
        [
          {
            phase: 'Running',
            startedAt: '2026-01-01T00:00:00Z',
            metricResults: [
              {
                name: 'success-rate',
                phase: 'Running',
                count: 2,
                successful: 2,
                measurements: [{ value: '[0.998]' }],
              },
            ],
          },
        ],
      ),
    );
    expect(r.status).toBe('pass');
    expect(r.summary).toBe(
      'web: Paused, step 2 of 4, canary weight 10%, analysis Running.',
    );
    expect(r.details!.rollouts[0]).toMatchObject({
      strategy: 'canary',
      paused: true,
      pauseReasons: ['CanaryPauseStep'],
      analysisRuns: [
        {
          phase: 'Running',
          metrics: [
            { name: 'success-rate', successful: 2, lastValue: '[0.998]' },
          ],
        },
      ],
    });
    expect(r.evidence.map(e => e.kind)).toEqual(['Rollout', 'AnalysisRun']);
  });

  it('fails an aborted rollout and a failed latest analysis; warns on an inconclusive one', () => {
    expect(run(rolloutChain({ phase: 'Degraded', abort: true })).status).toBe(
      'fail',
    );
    const older = { phase: 'Successful', startedAt: '2026-01-01T00:00:00Z' };
    expect(
      run(
        rolloutChain({ phase: 'Progressing' }, [
          older,
          { phase: 'Failed', startedAt: '2026-01-02T00:00:00Z' },
        ]),
      ).status,
    ).toBe('fail');
    expect(
      run(
        rolloutChain({ phase: 'Progressing' }, [
          { phase: 'Inconclusive', startedAt: '2026-01-02T00:00:00Z' },
        ]),
      ).status,
    ).toBe('warn');
  });

  it('passes a plain Deployment and says it has no canary', () => {
    const r = run(deploymentChain('web', 'shop'));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('Released without a canary (Deployment/web).');
    expect(r.details!.plainControllers).toEqual(['Deployment/web']);
  });

  it('is not installed without Argo Rollouts', () => {
    expect(
      run(deploymentChain('web', 'shop'), { Rollout: 'not-installed' }).status,
    ).toBe('not-installed');
  });
});
