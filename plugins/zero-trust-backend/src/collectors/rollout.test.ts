import { contextFor, deploymentChain, obj } from '../__testUtils__/clusters';
import { loadOne, loadUpstream } from './__fixtures__/upstream/load';
import { collectRollout, rolloutPhase } from './rollout';

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

  it('is not applicable to a plain Deployment and says it has no canary', () => {
    const r = run(deploymentChain('web', 'shop'));
    expect(r.status).toBe('not-applicable');
    expect(r.summary).toBe('Released without a canary (Deployment/web).');
    expect(r.details!.plainControllers).toEqual(['Deployment/web']);
  });

  it('is not installed without Argo Rollouts', () => {
    expect(
      run(deploymentChain('web', 'shop'), { Rollout: 'not-installed' }).status,
    ).toBe('not-installed');
  });
});

// Rollouts as Argo Rollouts' own kubectl plugin tests record them (v1.10.2), with the phase and
// message its tests expect: none of them has `status.phase`, so the phase is computed as
// `CalculateRolloutPhase` does.
describe('rolloutPhase on Argo Rollouts test data', () => {
  it.each([
    [
      'canary-rollout.yaml',
      'Degraded',
      'ProgressDeadlineExceeded: ReplicaSet "canary-demo-65fb5ffc84" has timed out progressing.',
    ],
    ['bluegreen-rollout.yaml', 'Paused', 'BlueGreenPause'],
    [
      'rollout-invalid.yaml',
      'Degraded',
      'InvalidSpec: The Rollout "rollout-invalid" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"doesnt-match"}: `selector` does not match template `labels`',
    ],
    [
      'rollout-aborted.yaml',
      'Degraded',
      'RolloutAborted: metric "web" assessed Failed due to failed (1) > failureLimit (0)',
    ],
    [
      'experiment-step-rollout.yaml',
      'Progressing',
      'more replicas need to be updated',
    ],
  ])('%s → %s', (file, phase, message) => {
    const rollout = loadOne(`argo-rollouts/${file}`);
    expect(rollout.status).not.toHaveProperty('phase');
    expect(rolloutPhase(rollout)).toEqual({ phase, message });
  });

  it('says Progressing while the controller has not observed the spec, whatever status.phase says', () => {
    const rollout = loadOne('argo-rollouts/canary-rollout.yaml');
    const ahead = {
      ...rollout,
      metadata: { ...rollout.metadata, generation: 430 },
      status: { ...(rollout.status as object), phase: 'Healthy' },
    };
    expect(rolloutPhase(ahead as any)).toEqual({
      phase: 'Progressing',
      message: 'waiting for rollout spec update to be observed',
    });
    const unpausing = {
      ...rollout,
      status: {
        ...(rollout.status as object),
        controllerPause: true,
        pauseConditions: [],
      },
    };
    expect(rolloutPhase(unpausing as any).message).toBe(
      'waiting for rollout to unpause',
    );
  });

  it('takes the phase the controller wrote (v1.0+)', () => {
    const rollout = loadOne('argo-rollouts/canary-rollout.yaml');
    const written = {
      ...rollout,
      status: {
        ...(rollout.status as object),
        phase: 'Healthy',
        message: '',
      },
    };
    expect(rolloutPhase(written as any).phase).toBe('Healthy');
  });

  it('computes Healthy for a fully promoted canary and waits for the steps otherwise', () => {
    const rollout = (stableRS: string) =>
      obj('argoproj.io/v1alpha1', 'Rollout', 'r', 'shop', {
        spec: { replicas: 2, strategy: { canary: { steps: [] } } },
        status: {
          replicas: 2,
          updatedReplicas: 2,
          availableReplicas: 2,
          currentPodHash: 'abc',
          stableRS,
        },
      });
    expect(rolloutPhase(rollout('abc'))).toEqual({ phase: 'Healthy' });
    expect(rolloutPhase(rollout('old'))).toEqual({
      phase: 'Progressing',
      message: 'waiting for all steps to complete',
    });
  });

  it('fails the aborted Rollout of the test data and shows its Failed AnalysisRun', () => {
    const objects = loadUpstream('argo-rollouts/rollout-aborted.yaml');
    const r = collectRollout(
      contextFor(objects, { selector: 'app=rollout-background-analysis' }),
    );
    expect(r.status).toBe('fail');
    expect(r.details!.rollouts[0]).toMatchObject({
      name: 'rollout-background-analysis',
      phase: 'Degraded',
      message:
        'RolloutAborted: metric "web" assessed Failed due to failed (1) > failureLimit (0)',
    });
    expect(r.details!.rollouts[0].analysisRuns[0].phase).toBe('Failed');
  });

  it('fails a Rollout past its progress deadline, with no status.phase', () => {
    const rollout = loadOne('argo-rollouts/canary-rollout.yaml');
    const labels = { app: 'canary-demo' };
    const r = collectRollout(
      contextFor([{ ...rollout, metadata: { ...rollout.metadata, labels } }], {
        selector: 'app=canary-demo',
      }),
    );
    expect(r.status).toBe('fail');
  });
});
