import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import {
  ControlResult,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { zeroTrustApiRef } from '../../api';
import { ControlStatusChip } from '../ControlStatusChip';

const columns: TableColumn<ControlResult>[] = [
  { title: 'Control', render: row => controlTitle(row.control) },
  { title: 'Status', render: row => <ControlStatusChip status={row.status} /> },
  { title: 'Summary', field: 'summary' },
  { title: 'Evidence', render: row => `${row.evidence.length} object(s)` },
];

/** The Zero Trust tab of an entity page. */
export function ZeroTrustContent() {
  const { entity } = useEntity();
  const api = useApi(zeroTrustApiRef);
  const { value, loading, error } = useAsync(
    () => api.getPosture(getCompoundEntityRef(entity)),
    [api, entity],
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  const unknown = value!.controls.filter(c => c.status === 'unknown').length;
  return (
    <Grid container spacing={3}>
      {unknown > 0 && (
        <Grid item xs={12}>
          <Alert severity="info" role="status">
            Preview: {unknown} of {value!.controls.length} controls have no
            evidence yet and read "Unknown". Nothing below claims a result
            without evidence.
          </Alert>
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Zero Trust posture"
          subheader={
            value!.score === undefined
              ? 'Score: not available'
              : `Score: ${value!.score}/100`
          }
        >
          <Table<ControlResult>
            options={{
              paging: false,
              search: false,
              toolbar: false,
              padding: 'dense',
            }}
            columns={columns}
            data={value!.controls}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
