import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import {
  EVIDENCE_FORMATS,
  EvidenceFormat,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { useState } from 'react';
import { zeroTrustApiRef } from '../../api';
import { saveBlob } from '../shared/format';

const EXTENSIONS: Record<EvidenceFormat, string> = {
  json: 'json',
  csv: 'csv',
  markdown: 'md',
};

/** The evidence export (the backend's JSON, CSV and Markdown), one button per format. */
export function EvidenceExportButtons(props: { entity: CompoundEntityRef }) {
  const api = useApi(zeroTrustApiRef);
  const [error, setError] = useState<Error>();
  const download = async (format: EvidenceFormat) => {
    setError(undefined);
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
    <div>
      <ButtonGroup size="small" aria-label="Export evidence">
        {EVIDENCE_FORMATS.map(f => (
          <Button key={f} onClick={() => download(f)}>
            Export {f.toUpperCase()}
          </Button>
        ))}
      </ButtonGroup>
      {error && <ResponseErrorPanel error={error} title="Export failed" />}
    </div>
  );
}
