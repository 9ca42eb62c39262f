import { Link, Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import {
  ControlId,
  ControlResult,
  ControlStatus,
  EntityPosture,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ControlStatusChip } from '../ControlStatusChip';
import { breakable } from '../shared/breakable';

/** One row: one object behind one control (or the control alone when no object backs it). */
export interface EvidenceTableRow {
  id: string;
  control: ControlId;
  status: ControlStatus;
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  cluster?: string;
  resourceVersion?: string;
  observedAt?: string;
}

/** The rows of one control: one per object, or one empty row when no object backs it. */
export function evidenceRowsOf(result: ControlResult): EvidenceTableRow[] {
  const base = { control: result.control, status: result.status };
  return result.evidence.length === 0
    ? [{ ...base, id: `${result.control}` }]
    : result.evidence.map((e, i) => ({
        ...base,
        ...e,
        id: `${result.control}/${e.cluster}/${e.uid ?? i}`,
      }));
}

/** One row per control and object, the same rows as the CSV export. */
export function evidenceRows(posture: EntityPosture): EvidenceTableRow[] {
  return posture.controls.flatMap(evidenceRowsOf);
}

const objectName = (r: EvidenceTableRow) =>
  r.namespace ? `${r.namespace}/${r.name}` : r.name ?? '';

const nowrap = { whiteSpace: 'nowrap' } as const;
// Object names have no spaces: they wrap at their separators (breakable), never letter by letter.
const wrapName = { wordBreak: 'normal', overflowWrap: 'normal' } as const;
const none = '—';

function objectColumns(
  kubernetesTab?: string,
): TableColumn<EvidenceTableRow>[] {
  return [
    {
      title: 'Kind',
      field: 'kind',
      cellStyle: nowrap,
      render: r =>
        r.kind ? (
          <>
            {r.kind}{' '}
            <Typography variant="caption" color="textSecondary">
              {r.apiVersion}
            </Typography>
          </>
        ) : (
          none
        ),
    },
    {
      title: 'Namespace/name',
      field: 'name',
      cellStyle: wrapName,
      customSort: (a, b) => objectName(a).localeCompare(objectName(b)),
      render: r => {
        if (!r.name) return 'no object';
        const name = objectName(r);
        // Every object of the entity is on its Kubernetes tab; the label says where it leads.
        return kubernetesTab ? (
          <Link
            to={kubernetesTab}
            aria-label={`${name}, on the Kubernetes tab`}
          >
            {breakable(name)}
          </Link>
        ) : (
          breakable(name)
        );
      },
    },
    {
      title: 'Cluster',
      field: 'cluster',
      cellStyle: nowrap,
      render: r => r.cluster ?? none,
    },
    {
      title: 'Resource version',
      field: 'resourceVersion',
      cellStyle: nowrap,
      render: r => r.resourceVersion ?? none,
    },
    {
      title: 'Observed at',
      field: 'observedAt',
      cellStyle: nowrap,
      render: r => r.observedAt ?? none,
    },
  ];
}

const controlColumns: TableColumn<EvidenceTableRow>[] = [
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
];

/**
 * The objects that prove (or disprove) controls, one row per object: kind, namespace/name,
 * cluster, resourceVersion and when the backend last saw it. With `kubernetesTab`, each object
 * links to the entity's Kubernetes tab. Large sets page.
 */
export function EvidenceTable(props: {
  rows: EvidenceTableRow[];
  /** Show the control and its status on each row (the evidence of several controls). */
  showControl?: boolean;
  /** URL of the entity's Kubernetes tab, when the app has one for the entity. */
  kubernetesTab?: string;
  pageSize?: number;
}) {
  const pageSize = props.pageSize ?? 20;
  return (
    <Table<EvidenceTableRow>
      options={{
        paging: props.rows.length > pageSize,
        pageSize,
        pageSizeOptions: [pageSize, 50, 100],
        search: false,
        toolbar: false,
        padding: 'dense',
        headerStyle: nowrap,
        // Draggable headers put a focusable drag handle inside each sort button (nested-interactive).
        draggable: false,
      }}
      columns={[
        ...(props.showControl ? controlColumns : []),
        ...objectColumns(props.kubernetesTab),
      ]}
      data={props.rows}
    />
  );
}
