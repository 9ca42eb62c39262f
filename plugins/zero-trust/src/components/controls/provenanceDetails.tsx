import Typography from '@material-ui/core/Typography';
import {
  ProvenanceDetails,
  ProvenanceSigner,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { SimpleTable } from '../shared/SimpleTable';

const signerText = (s: ProvenanceSigner) => {
  if (s.kind === 'keyless') {
    return `keyless: ${s.subject ?? 'any subject'} (issuer ${
      s.issuer ?? 'any'
    })`;
  }
  return s.key ? `${s.kind}: ${s.key}` : s.kind;
};

const yesNo = (v: boolean) => (v ? 'verified' : 'none');

/**
 * Per running image (by digest): Kyverno's verification outcome at admission and the rule's mode,
 * who signed, the SBOM and SLSA provenance attestations, the source repository, and why the
 * image passes, warns or fails; failures first. Then the verifyImages rules that judged them.
 */
export function ProvenanceDetailsView({
  details,
}: {
  details: ProvenanceDetails;
}) {
  const order = { fail: 0, warn: 1, pass: 2 } as const;
  const images = [...details.images].sort(
    (a, b) => order[a.status] - order[b.status],
  );
  return (
    <>
      <SimpleTable
        label="Image provenance"
        columns={[
          'Image',
          'Verification',
          'Signed by',
          'SBOM',
          'SLSA provenance',
          'Source',
          'Outcome',
        ]}
        empty="No running image."
        rows={images.map(i => [
          `${i.workload} ${i.container}: ${i.image}`,
          `${i.verification}${i.failureAction ? ` (${i.failureAction})` : ''}`,
          i.signers?.length ? i.signers.map(signerText).join('; ') : '—',
          yesNo(i.sbom),
          yesNo(i.slsaProvenance),
          i.sourceRepositories?.join(', ') ?? '—',
          `${i.status}: ${i.reason}`,
        ])}
      />
      {(details.rules ?? []).length > 0 && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Kyverno rules:{' '}
          {details
            .rules!.map(r => `${r.policy}/${r.rule} (${r.failureAction})`)
            .join(', ')}
          .
        </Typography>
      )}
      {details.sourceLocation && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Entity source: {details.sourceLocation}
        </Typography>
      )}
    </>
  );
}
