import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import {
  EVIDENCE_FORMATS,
  EntityPosture,
  EvidenceFormat,
  controlTitle,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { useState } from 'react';
import { zeroTrustApiRef } from '../../api';
import { ControlStatusChip } from '../ControlStatusChip';
import { SimpleTable } from '../shared/SimpleTable';
import { saveBlob } from '../shared/format';

const EXTENSIONS: Record<EvidenceFormat, string> = {
  json: 'json',
  csv: 'csv',
  markdown: 'md',
};

/** Control → status → the objects that prove it, exportable for an audit. */
export function EvidenceMatrix(props: {
  entity: CompoundEntityRef;
  posture: EntityPosture;
}) {
  const api = useApi(zeroTrustApiRef);
  const [error, setError] = useState<Error>();
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
      subheader="Each control, its status and the live objects behind it"
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
      <SimpleTable
        label="Evidence matrix"
        columns={['Control', 'Status', 'Objects']}
        rows={props.posture.controls.map(c => [
          controlTitle(c.control),
          <ControlStatusChip status={c.status} />,
          c.evidence.length === 0
            ? 'none'
            : c.evidence
                .map(
                  e =>
                    `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${
                      e.name
                    } (${e.cluster})`,
                )
                .join(', '),
        ])}
      />
    </InfoCard>
  );
}
