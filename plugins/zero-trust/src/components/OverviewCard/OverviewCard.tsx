import { InfoCard, Link } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  ClusterHealth,
  EntityPosture,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ControlStatusChip } from '../ControlStatusChip';
import { ScoreLine } from '../ScoreLine';
import { useFocusRingStyles } from '../shared/focusRing';
import { ageOf } from '../shared/format';
import { statusRank } from '../shared/statusOrder';

/** Problems of the clusters the posture was read from: errors, staleness, pending sync. */
export function ClusterAlerts({ clusters }: { clusters: ClusterHealth[] }) {
  if (clusters.length === 0) {
    return (
      <Alert severity="warning">
        The Zero Trust backend reads no cluster. Configure clusters under
        kubernetes.clusterLocatorMethods (or zeroTrust.snapshots).
      </Alert>
    );
  }
  return (
    <>
      {clusters
        .filter(c => !c.healthy || c.stale)
        .map(c => (
          <Alert key={c.name} severity="warning" style={{ marginBottom: 8 }}>
            Cluster {c.name}
            {c.stale
              ? `: data is stale, last synced ${ageOf(c.stalenessSeconds)}`
              : ''}
            {c.errors.length > 0 ? `: ${c.errors.join('; ')}` : ''}
          </Alert>
        ))}
    </>
  );
}

/**
 * The posture at a glance, sized for the narrow info column at the top of the Overview tab: the
 * score, one line per control worst first (each linking to its section when `linkTo` is given)
 * and how fresh the cluster data is.
 */
export function OverviewCard(props: {
  posture: EntityPosture;
  /** Base path of the Zero Trust tab, to link each chip to its card. */
  linkTo?: string;
}) {
  const { posture } = props;
  const { focusRing } = useFocusRingStyles();
  const controls = [...posture.controls].sort(
    (a, b) => statusRank(a.status) - statusRank(b.status),
  );
  const freshest = posture.clusters
    .map(c => c.stalenessSeconds)
    .filter((s): s is number => s !== undefined);
  return (
    <section aria-label="Zero Trust overview" className={focusRing}>
      <InfoCard title="Zero Trust" subheader={<ScoreLine posture={posture} />}>
        <Grid container spacing={1} role="list" aria-label="Controls">
          {controls.map(c => (
            <Grid item xs={12} key={c.control} role="listitem">
              <ControlStatusChip status={c.status} />{' '}
              {props.linkTo ? (
                <Link to={`${props.linkTo}#zt-${c.control}`}>
                  {controlTitle(c)}
                </Link>
              ) : (
                controlTitle(c)
              )}
            </Grid>
          ))}
        </Grid>
        <Typography
          variant="caption"
          color="textSecondary"
          component="p"
          style={{ marginTop: 8 }}
        >
          {posture.clusters.length} cluster(s)
          {freshest.length > 0
            ? `, synced ${ageOf(Math.max(...freshest))}`
            : ''}
          ; evaluated {new Date(posture.generatedAt).toLocaleString()}.
        </Typography>
      </InfoCard>
    </section>
  );
}
