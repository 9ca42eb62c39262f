import Typography from '@material-ui/core/Typography';
import {
  GitOpsDetails,
  RolloutDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SimpleTable } from '../shared/SimpleTable';
import { formatLocation } from '../shared/format';

/** Each Rollout's step, weight, pause and analysis; controllers without progressive delivery. */
export function RolloutDetailsView({ details }: { details: RolloutDetails }) {
  return (
    <>
      <SimpleTable
        label="Rollouts"
        columns={['Rollout', 'Phase', 'Step', 'Canary weight', 'Analysis']}
        empty="No Argo Rollout manages this workload."
        rows={details.rollouts.map(r => [
          formatLocation(r),
          [
            r.phase ?? '—',
            r.aborted ? 'aborted' : '',
            r.paused ? `paused (${r.pauseReasons.join(', ') || 'manual'})` : '',
          ]
            .filter(Boolean)
            .join(', '),
          r.currentStepIndex === undefined
            ? '—'
            : `${r.currentStepIndex} of ${r.totalSteps ?? '?'}`,
          r.canaryWeight === undefined ? '—' : `${r.canaryWeight}%`,
          r.analysisRuns
            .map(
              a =>
                `${a.name}: ${a.phase} (${a.metrics
                  .map(m => `${m.name} ${m.successful}/${m.count} ok`)
                  .join(', ')})`,
            )
            .join('; ') || '—',
        ])}
      />
      {details.plainControllers.length > 0 && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Released without progressive delivery:{' '}
          {details.plainControllers.join(', ')}.
        </Typography>
      )}
    </>
  );
}

/** Argo CD Applications and the drifted objects they manage, security objects first. */
export function GitOpsDetailsView({ details }: { details: GitOpsDetails }) {
  return (
    <>
      <SimpleTable
        label="Argo CD Applications"
        columns={['Application', 'Sync', 'Health', 'Drifted objects']}
        empty="No Argo CD Application manages this workload."
        rows={details.applications.map(a => {
          const drifted = a.resources
            .filter(r => r.status && r.status !== 'Synced')
            .sort((x, y) => Number(y.security) - Number(x.security));
          return [
            formatLocation(a),
            a.sync ?? '—',
            a.health ?? '—',
            drifted
              .map(
                r =>
                  `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}${
                    r.security ? ' (security)' : ''
                  }`,
              )
              .join(', ') || 'none',
          ];
        })}
      />
      {details.applications.some(
        a =>
          a.sync === 'OutOfSync' &&
          !a.resources.some(r => r.status && r.status !== 'Synced'),
      ) && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          An Application reads OutOfSync because of objects that neither are
          this workload nor protect it; those do not count for this control.
        </Typography>
      )}
      {details.unmanaged.length > 0 && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Not managed by GitOps: {details.unmanaged.join(', ')}.
        </Typography>
      )}
    </>
  );
}
