import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CompoundEntityRef,
  getCompoundEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { EntityPosture } from '@zero-trust-k8s/plugin-zero-trust-common';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../../api';
import { ControlCard } from '../ControlCard';
import { EvidenceMatrix } from '../EvidenceMatrix';
import { ClusterAlerts, OverviewCard } from '../OverviewCard';
import { ReachabilityCard } from '../ReachabilityCard';
import { SbomViewer } from '../SbomViewer';
import { SystemMatrix } from '../SystemMatrix';
import { VulnerabilitiesCard } from '../VulnerabilitiesCard';

function ComponentView(props: {
  entity: CompoundEntityRef;
  posture: EntityPosture;
}) {
  const { posture } = props;
  const sbom = posture.controls.find(c => c.control === 'sbom');
  return (
    <>
      <Grid item xs={12} md={6}>
        <ReachabilityCard entityRef={posture.entityRef} drift={posture.drift} />
      </Grid>
      {posture.controls.map(result => (
        <Grid item xs={12} md={6} key={result.control}>
          <ControlCard result={result} clusters={posture.clusters} />
        </Grid>
      ))}
      <Grid item xs={12}>
        <SbomViewer
          entity={props.entity}
          details={sbom?.control === 'sbom' ? sbom.details : undefined}
        />
      </Grid>
      <Grid item xs={12}>
        <VulnerabilitiesCard entity={props.entity} />
      </Grid>
    </>
  );
}

/** The Zero Trust tab of a Component or System page. */
export function ZeroTrustContent() {
  const { entity } = useEntity();
  const api = useApi(zeroTrustApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getPosture(ref),
    [api, ref.kind, ref.namespace, ref.name],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  const posture = value!;
  const unknown = posture.controls.filter(c => c.status === 'unknown').length;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ClusterAlerts clusters={posture.clusters} />
        {unknown > 0 && (
          <Alert severity="info" role="status">
            {unknown} of {posture.controls.length} controls have no evidence and
            read "Unknown": nothing here claims a result without a live object
            behind it.
          </Alert>
        )}
      </Grid>
      <Grid item xs={12} md={posture.components ? 12 : 6}>
        <OverviewCard posture={posture} />
      </Grid>
      {posture.components ? (
        <Grid item xs={12}>
          <SystemMatrix components={posture.components} />
        </Grid>
      ) : (
        <ComponentView entity={ref} posture={posture} />
      )}
      <Grid item xs={12}>
        <EvidenceMatrix entity={ref} posture={posture} />
      </Grid>
    </Grid>
  );
}
