import {
  InfoCard,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import {
  EVIDENCE_FORMATS,
  ControlId,
  ControlStatus,
  EntityPosture,
  EvidenceFormat,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { useState } from 'react';
import { zeroTrustApiRef } from '../../api';
import { ControlStatusChip } from '../ControlStatusChip';
import { saveBlob } from '../shared/format';

const EXTENSIONS: Record<EvidenceFormat, string> = {
  json: 'json',
  csv: 'csv',
  markdown: 'md',
};

/** One row of the matrix: a control and one object behind it (none for a control without). */
type EvidenceTableRow = {
  control: ControlId;
  status: ControlStatus;
  kind: string;
  object: string;
  cluster: string;
  resourceVersion: string;
  observedAt: string;
};

const nowrap = { whiteSpace: 'nowrap' } as const;

const columns: TableColumn<EvidenceTableRow>[] = [
  {
    title: 'Control',
    field: 'control',
    cellStyle: nowrap,
    render: r => controlTitle(r.control),
  },
  {
    title: 'Status',
    field: 'status',
    render: r => <ControlStatusChip status={r.status} />,
  },
  { title: 'Kind', field: 'kind', cellStyle: nowrap },
  {
    title: 'Namespace/name',
    field: 'object',
    cellStyle: { wordBreak: 'normal', overflowWrap: 'normal' },
  },
  { title: 'Cluster', field: 'cluster', cellStyle: nowrap },
  { title: 'Resource version', field: 'resourceVersion', cellStyle: nowrap },
  { title: 'Observed at', field: 'observedAt', cellStyle: nowrap },
];

/** One row per control and object, the same rows as the CSV export. */
export function evidenceRows(posture: EntityPosture): EvidenceTableRow[] {
  return posture.controls.flatMap(c =>
    c.evidence.length === 0
      ? [
          {
            control: c.control,
            status: c.status,
            kind: '—',
            object: 'no object',
            cluster: '—',
            resourceVersion: '—',
            observedAt: '—',
          },
        ]
      : c.evidence.map(e => ({
          control: c.control,
          status: c.status,
          kind: e.kind,
          object: e.namespace ? `${e.namespace}/${e.name}` : e.name,
          cluster: e.cluster,
          resourceVersion: e.resourceVersion ?? '—',
          observedAt: e.observedAt,
        })),
  );
}

/** Control → status → the objects that prove it, one row per object, exportable for an audit. */
export function EvidenceMatrix(props: {
  entity: CompoundEntityRef;
  posture: EntityPosture;
}) {
  const api = useApi(zeroTrustApiRef);
  const [error, setError] = useState<Error>();
  const rows = evidenceRows(props.posture);
  const download = async (format: EvidenceFormat) => {
    try {
      saveBlob(
        await api.downloadEvidence(props.entity, format),
        `${props.entity.name}-zero-trust-evidence.${EXTENSIONS[format]}`,
      );
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <InfoCard
      title="Evidence matrix"
      subheader="Each control, its status and the live objects behind it, one row per object"
      action={
        <ButtonGroup size="small" aria-label="Export evidence">
          {EVIDENCE_FORMATS.map(f => (
            <Button key={f} onClick={() => download(f)}>
              Export {f.toUpperCase()}
            </Button>
          ))}
        </ButtonGroup>
      }
    >
      {error && <ResponseErrorPanel error={error} />}
      <Table<EvidenceTableRow>
        options={{
          paging: rows.length > 50,
          pageSize: 50,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={rows}
      />
    </InfoCard>
  );
}
