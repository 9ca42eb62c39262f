import { InfoCard } from '@backstage/core-components';
import { EntityPosture } from '@zero-trust-k8s/plugin-zero-trust-common';
import { EvidenceTable, evidenceRows } from '../EvidenceTable';

/**
 * Control → status → the objects that prove it, one row per object: the rows of the evidence
 * export, whose buttons sit beside the score.
 */
export function EvidenceMatrix(props: {
  posture: EntityPosture;
  /** URL of the entity's Kubernetes tab, when the app has one for the entity. */
  kubernetesTab?: string;
}) {
  return (
    <section aria-label="Evidence matrix">
      <InfoCard
        title="Evidence matrix"
        subheader="Each control, its status and the live objects behind it, one row per object; export it beside the score"
      >
        <EvidenceTable
          rows={evidenceRows(props.posture)}
          showControl
          kubernetesTab={props.kubernetesTab}
          pageSize={50}
        />
      </InfoCard>
    </section>
  );
}
