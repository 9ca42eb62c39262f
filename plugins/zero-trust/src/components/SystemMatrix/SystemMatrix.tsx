import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ComponentPosture,
  ZERO_TRUST_CONTROLS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ControlStatusChip } from '../ControlStatusChip';
import { SimpleTable } from '../shared/SimpleTable';

/** A System's components × controls, each cell the component's status for the control. */
export function SystemMatrix(props: { components: ComponentPosture[] }) {
  return (
    <InfoCard
      title="Components"
      subheader="Each component of the system and its status per control"
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
          rows={props.components.map(c => [
            <EntityRefLink entityRef={c.entityRef} defaultKind="component" />,
            c.score ?? '—',
            ...ZERO_TRUST_CONTROLS.map(({ id }) => {
              const cell = c.controls.find(x => x.control === id);
              return cell ? (
                <span title={cell.summary}>
                  <ControlStatusChip status={cell.status} />
                </span>
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
