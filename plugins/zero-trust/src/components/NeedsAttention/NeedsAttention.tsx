import { InfoCard, Table, TableColumn } from '@backstage/core-components';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import {
  ControlId,
  ControlResult,
  ControlStatus,
  EntityPosture,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ReactNode } from 'react';
import { ControlStatusChip, STATUS_MEANING } from '../ControlStatusChip';
import { EvidenceExportButtons } from '../EvidenceExport';
import { ScoreLine } from '../ScoreLine';
import { breakable } from '../shared/breakable';
import { WORST_FIRST } from '../shared/statusOrder';
import { attentionOf, systemAttentionOf } from './attention';

type Row = {
  id: ControlId;
  /** The title a control an installation added carries. */
  title?: string;
  anchor: boolean;
  status: ControlStatus;
  summary: string;
  objects: ReactNode[];
  fix: ReactNode;
};

// Words break only between words: a narrow column must never wrap a name letter by letter.
const cell = { wordBreak: 'normal', overflowWrap: 'normal' } as const;

/**
 * A control's name: on a component page a link to its section; on a System page, which has no
 * control sections, the name itself is the `#zt-…` target, so a chip link lands on this row.
 */
const controlName = (
  result: { control: string; title?: string },
  anchor: boolean,
) => {
  const id = result.control;
  return anchor ? (
    <span id={`zt-${id}`} style={{ whiteSpace: 'nowrap', scrollMarginTop: 8 }}>
      {controlTitle(result)}
    </span>
  ) : (
    <a href={`#zt-${id}`} style={{ whiteSpace: 'nowrap' }}>
      {controlTitle(result)}
    </a>
  );
};

function rowOf(posture: EntityPosture, result: ControlResult): Row {
  // The CIS benchmark is the clusters': a System's own result names the failing checks, where its
  // components only warn.
  if (posture.components && result.control === 'cis' && result.details) {
    const attention = attentionOf(result);
    return {
      id: result.control,
      title: result.title,
      anchor: true,
      status: result.status,
      summary: result.summary,
      objects: attention.objects,
      fix: attention.fix,
    };
  }
  if (posture.components) {
    const refs = systemAttentionOf(
      result.control,
      result.status,
      posture.components,
    );
    return {
      id: result.control,
      title: result.title,
      anchor: true,
      status: result.status,
      summary: result.summary,
      objects: refs.map(ref => (
        <EntityRefLink key={ref} entityRef={ref} defaultKind="component" />
      )),
      fix: `Open the Zero Trust tab of ${
        refs.length === 1 ? 'this component' : 'each of these components'
      } for the object at fault and its fix.`,
    };
  }
  const attention = attentionOf(result);
  return {
    id: result.control,
    title: result.title,
    anchor: false,
    status: result.status,
    summary: result.summary,
    objects: attention.objects,
    fix: attention.fix,
  };
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Status',
    field: 'status',
    width: '1%',
    render: r => <ControlStatusChip status={r.status} />,
  },
  {
    title: 'Control',
    field: 'id',
    width: '12%',
    render: r => controlName({ control: r.id, title: r.title }, r.anchor),
  },
  {
    title: 'Why',
    field: 'summary',
    width: '30%',
    cellStyle: cell,
    render: r => breakable(r.summary),
  },
  {
    title: 'Object at fault',
    width: '25%',
    cellStyle: cell,
    render: r =>
      r.objects.length ? (
        <ul style={{ margin: 0, paddingLeft: 16 }}>
          {r.objects.map((o, i) => (
            <li key={i}>{typeof o === 'string' ? breakable(o) : o}</li>
          ))}
        </ul>
      ) : (
        '—'
      ),
  },
  {
    title: 'Fix',
    field: 'fix',
    width: '32%',
    cellStyle: cell,
    render: r => (typeof r.fix === 'string' ? breakable(r.fix) : r.fix),
  },
];

const ORDER: ControlStatus[] = ['fail', 'warn'];

/**
 * What each status means, as visible text behind a native disclosure: the chips' `title`
 * tooltips reach neither keyboard nor touch users.
 */
function StatusLegend() {
  return (
    <Typography variant="body2" component="details" style={{ marginBottom: 8 }}>
      <summary style={{ cursor: 'pointer' }}>What the statuses mean</summary>
      <ul aria-label="Statuses" style={{ margin: '8px 0', paddingLeft: 0 }}>
        {WORST_FIRST.map(s => (
          <li key={s} style={{ listStyle: 'none', marginBottom: 4 }}>
            <ControlStatusChip status={s} /> {STATUS_MEANING[s]}
          </li>
        ))}
      </ul>
    </Typography>
  );
}

/**
 * What to fix first: the score with the evidence export beside it, then every failing, then
 * warning, control with its reason, the object at fault and the fix; every other control on one
 * line below.
 */
export function NeedsAttention(props: {
  posture: EntityPosture;
  /** The entity whose evidence the export buttons download; no buttons without it. */
  entity?: CompoundEntityRef;
}) {
  const { posture } = props;
  const system = Boolean(posture.components);
  const attention = posture.controls
    .filter(c => ORDER.includes(c.status))
    .sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status));
  const others = posture.controls.filter(c => !ORDER.includes(c.status));
  return (
    <section aria-label="Needs attention">
      <InfoCard
        title="Needs attention"
        subheader="What fails or warns, why, the object at fault and the fix"
      >
        <div
          style={{
            display: 'flex',
            flexWrap: 'wrap',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 8,
            marginBottom: 8,
          }}
        >
          <Typography variant="h6" component="p">
            <ScoreLine posture={posture} />
          </Typography>
          {props.entity && <EvidenceExportButtons entity={props.entity} />}
        </div>
        <StatusLegend />
        {attention.length === 0 ? (
          <Typography variant="body1" paragraph>
            Nothing needs attention: no control fails or warns.
          </Typography>
        ) : (
          <Table<Row>
            options={{
              paging: false,
              search: false,
              toolbar: false,
              sorting: false,
              draggable: false,
              padding: 'dense',
            }}
            columns={columns}
            data={attention.map(c => rowOf(posture, c))}
          />
        )}
        {others.length > 0 && (
          <>
            <Typography
              variant="subtitle2"
              component="h3"
              style={{ marginTop: 16 }}
            >
              Other controls
            </Typography>
            <List dense aria-label="Other controls">
              {others.map(c => (
                <ListItem key={c.control} disableGutters>
                  <Typography variant="body2" component="span">
                    <ControlStatusChip status={c.status} />{' '}
                    {controlName(c, system)}: {c.summary}
                  </Typography>
                </ListItem>
              ))}
            </List>
          </>
        )}
      </InfoCard>
    </section>
  );
}
