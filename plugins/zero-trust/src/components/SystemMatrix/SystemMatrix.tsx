import { InfoCard, Link } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ExpandLess from '@material-ui/icons/ExpandLess';
import ExpandMore from '@material-ui/icons/ExpandMore';
import {
  ComponentPosture,
  ControlId,
  ControlStatus,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { Fragment, ReactNode, useState } from 'react';
import { ControlStatusChip } from '../ControlStatusChip';
import { joinPath, useEntityPageUrl } from '../shared/entityPage';
import { WORST_FIRST, statusRank, worstStatus } from '../shared/statusOrder';

type ComponentControl = ComponentPosture['controls'][number];

const count = (c: ComponentPosture, status: ControlStatus) =>
  c.controls.filter(x => x.status === status).length;

const worstRank = (c: ComponentPosture) => {
  const worst = worstStatus(c.controls.map(x => x.status));
  return worst ? statusRank(worst) : WORST_FIRST.length;
};

/**
 * Worst first: the worst status, then most failing controls, then most warnings, then the lowest
 * score (no score last), then by name so the order is stable.
 */
export function worstFirst(components: ComponentPosture[]): ComponentPosture[] {
  return [...components].sort(
    (a, b) =>
      worstRank(a) - worstRank(b) ||
      count(b, 'fail') - count(a, 'fail') ||
      count(b, 'warn') - count(a, 'warn') ||
      (a.score ?? 101) - (b.score ?? 101) ||
      a.entityRef.localeCompare(b.entityRef),
  );
}

const byStatus = (controls: ComponentControl[]) =>
  [...controls].sort((a, b) => statusRank(a.status) - statusRank(b.status));

const needsAttention = (s: ControlStatus) => s === 'fail' || s === 'warn';

/** "6 pass, 2 not-installed": the controls that neither fail nor warn, by status. */
function otherCounts(c: ComponentPosture): string {
  const others = c.controls.filter(x => !needsAttention(x.status));
  if (others.length === 0) return '—';
  return WORST_FIRST.filter(s => !needsAttention(s))
    .map(s => [s, others.filter(x => x.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

const nowrap = { whiteSpace: 'nowrap' } as const;
const wrapWords = { wordBreak: 'normal', overflowWrap: 'normal' } as const;
const inlineList = {
  margin: 0,
  padding: 0,
  listStyle: 'none',
  display: 'flex',
  flexWrap: 'wrap',
  gap: '4px 12px',
} as const;

/** One control of one component: its chip and its name, linking to its section when possible. */
function ControlItem(props: {
  control: ComponentControl;
  href?: (id: ControlId) => string | undefined;
  children?: ReactNode;
}) {
  const { control } = props;
  const href = props.href?.(control.control);
  const title = controlTitle(control);
  return (
    <li style={nowrap}>
      <ControlStatusChip status={control.status} />{' '}
      {/* Underlined: beside a summary, colour alone would not set a link apart. */}
      {href ? (
        <Link to={href} underline="always">
          {title}
        </Link>
      ) : (
        title
      )}
      {props.children}
    </li>
  );
}

const COLUMNS = [
  'Component',
  'Score',
  'Status',
  'Fails and warnings',
  'Other controls',
  'Details',
];

/**
 * A System's components, worst first: each row names the component, its score, its worst status,
 * the controls that fail or warn (each linking to that section of the component's Zero Trust tab)
 * and how many others stand where; a Details button (a real button, so keyboard and screen reader
 * users reach it like a mouse user) opens every control's status and summary beneath the row.
 */
export function SystemMatrix(props: {
  components: ComponentPosture[];
  /** Path of the Zero Trust tab under an entity page, to link each control to its section. */
  tabPath?: string;
}) {
  const pageUrl = useEntityPageUrl();
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (ref: string) =>
    setOpen(previous => {
      const next = new Set(previous);
      if (!next.delete(ref)) next.add(ref);
      return next;
    });
  const rows = worstFirst(props.components);
  return (
    <InfoCard
      title="Components"
      subheader="Each component of the system, worst first, with the controls that fail or warn"
    >
      {rows.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          The system has no components you can see.
        </Typography>
      ) : (
        // Fits 1440 px without sideways scrolling; scrolls rather than breaks words when narrower.
        <div style={{ overflowX: 'auto' }}>
          <Table size="small" aria-label="Components by control">
            <TableHead>
              <TableRow>
                {COLUMNS.map(c => (
                  <TableCell key={c} style={nowrap}>
                    {c}
                  </TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(c => {
                const name = parseEntityRef(c.entityRef, {
                  defaultKind: 'component',
                }).name;
                const tab = pageUrl(c.entityRef);
                const href =
                  tab && props.tabPath
                    ? (id: ControlId) =>
                        `${joinPath(tab, props.tabPath!)}#zt-${id}`
                    : undefined;
                const worst = worstStatus(c.controls.map(x => x.status));
                const attention = byStatus(
                  c.controls.filter(x => needsAttention(x.status)),
                );
                const expanded = open.has(c.entityRef);
                // From the entity ref: two components may share a name in different namespaces.
                const detailsId = `zt-system-details-${c.entityRef.replace(
                  /[^A-Za-z0-9_-]/g,
                  '-',
                )}`;
                return (
                  <Fragment key={c.entityRef}>
                    <TableRow>
                      <TableCell style={wrapWords}>
                        <EntityRefLink
                          entityRef={c.entityRef}
                          defaultKind="component"
                        />
                      </TableCell>
                      <TableCell style={nowrap} align="right">
                        {c.score ?? '—'}
                      </TableCell>
                      <TableCell style={nowrap}>
                        {worst ? <ControlStatusChip status={worst} /> : '—'}
                      </TableCell>
                      <TableCell style={wrapWords}>
                        {attention.length === 0 ? (
                          'none'
                        ) : (
                          <ul style={inlineList}>
                            {attention.map(x => (
                              <ControlItem
                                key={x.control}
                                control={x}
                                href={href}
                              />
                            ))}
                          </ul>
                        )}
                      </TableCell>
                      <TableCell style={wrapWords}>{otherCounts(c)}</TableCell>
                      <TableCell style={nowrap}>
                        <Button
                          size="small"
                          aria-expanded={expanded}
                          aria-controls={detailsId}
                          aria-label={`Details of ${name}`}
                          endIcon={expanded ? <ExpandLess /> : <ExpandMore />}
                          onClick={() => toggle(c.entityRef)}
                        >
                          Details
                        </Button>
                      </TableCell>
                    </TableRow>
                    {expanded && (
                      <TableRow id={detailsId}>
                        <TableCell colSpan={COLUMNS.length}>
                          <ul
                            aria-label={`Controls of ${name}`}
                            style={{
                              margin: 0,
                              padding: 0,
                              listStyle: 'none',
                              display: 'grid',
                              gap: 4,
                            }}
                          >
                            {byStatus(c.controls).map(x => (
                              <ControlItem
                                key={x.control}
                                control={x}
                                href={href}
                              >
                                <Typography
                                  variant="body2"
                                  component="span"
                                  style={{ whiteSpace: 'normal' }}
                                >
                                  {': '}
                                  {x.summary} ({x.evidence}{' '}
                                  {x.evidence === 1 ? 'object' : 'objects'})
                                </Typography>
                              </ControlItem>
                            ))}
                          </ul>
                        </TableCell>
                      </TableRow>
                    )}
                  </Fragment>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
    </InfoCard>
  );
}
