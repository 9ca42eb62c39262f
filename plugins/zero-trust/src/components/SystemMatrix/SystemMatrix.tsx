import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import ButtonBase from '@material-ui/core/ButtonBase';
import Tooltip from '@material-ui/core/Tooltip';
import {
  ComponentPosture,
  ControlStatus,
  ZERO_TRUST_CONTROLS,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ControlStatusChip } from '../ControlStatusChip';
import { SimpleTable } from '../shared/SimpleTable';

const count = (c: ComponentPosture, status: ControlStatus) =>
  c.controls.filter(x => x.status === status).length;

/** Worst first: most failing controls, then most warnings, then the lowest score. */
export function worstFirst(components: ComponentPosture[]): ComponentPosture[] {
  return [...components].sort(
    (a, b) =>
      count(b, 'fail') - count(a, 'fail') ||
      count(b, 'warn') - count(a, 'warn') ||
      (a.score ?? 101) - (b.score ?? 101) ||
      a.entityRef.localeCompare(b.entityRef),
  );
}

/** A System's components × controls, each cell the component's status for the control. */
export function SystemMatrix(props: { components: ComponentPosture[] }) {
  return (
    <InfoCard
      title="Components"
      subheader="Each component of the system and its status per control, worst first"
    >
      <div style={{ overflowX: 'auto' }}>
        <SimpleTable
          label="Components by control"
          columns={[
            'Component',
            'Score',
            ...ZERO_TRUST_CONTROLS.map(c => c.title),
          ]}
          empty="The system has no components you can see."
          rows={worstFirst(props.components).map(c => [
            <EntityRefLink entityRef={c.entityRef} defaultKind="component" />,
            <span style={{ whiteSpace: 'nowrap' }}>{c.score ?? '—'}</span>,
            ...ZERO_TRUST_CONTROLS.map(({ id }) => {
              const cell = c.controls.find(x => x.control === id);
              // The summary on hover and on keyboard focus, not in a title only.
              return cell ? (
                <Tooltip title={cell.summary}>
                  <ButtonBase
                    focusRipple
                    aria-label={`${c.entityRef.replace(
                      /^component:default\//,
                      '',
                    )}, ${controlTitle(id)}: ${cell.status}. ${cell.summary}`}
                  >
                    <ControlStatusChip status={cell.status} />
                  </ButtonBase>
                </Tooltip>
              ) : (
                '—'
              );
            }),
          ])}
        />
      </div>
    </InfoCard>
  );
}
