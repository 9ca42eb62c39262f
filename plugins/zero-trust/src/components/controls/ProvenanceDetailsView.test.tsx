import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import {
  ProvenanceDetails,
  ProvenanceImage,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ProvenanceDetailsView } from './provenanceDetails';

const image = (
  container: string,
  status: ProvenanceImage['status'],
  extra: Partial<ProvenanceImage> = {},
): ProvenanceImage => ({
  cluster: 'demo',
  namespace: 'shop',
  workload: 'Deployment/ledger',
  container,
  image: `registry.example.com/${container}:v1`,
  verified: status !== 'fail',
  verification: status === 'fail' ? 'failed' : 'verified',
  rules: ['verify-image-provenance/verify-signature'],
  signers: [],
  sbom: false,
  slsaProvenance: false,
  status,
  reason: 'because.',
  ...extra,
});

const details: ProvenanceDetails = {
  images: [
    image('server', 'pass', {
      failureAction: 'Enforce',
      signers: [
        {
          kind: 'keyless',
          issuer: 'https://token.actions.githubusercontent.com',
          subject:
            'https://github.com/example/ledger/.github/workflows/ci.yaml@refs/heads/main',
        },
      ],
      sbom: true,
      slsaProvenance: true,
      sourceRepositories: ['https://github.com/example/ledger'],
    }),
    image('migrator', 'fail', {
      failureAction: 'Audit',
      reason: 'failed verification and runs because the rule is in Audit mode.',
    }),
  ],
  rules: [
    {
      policy: 'verify-image-provenance',
      rule: 'verify-signature',
      failureAction: 'Enforce',
      imageReferences: ['registry.example.com/*'],
      signers: [],
      attestations: [],
    },
  ],
  sourceLocation: 'https://github.com/example/ledger',
};

describe('ProvenanceDetailsView', () => {
  it('lists each image with its verification, signer, attestations and outcome, failures first', async () => {
    await renderInTestApp(<ProvenanceDetailsView details={details} />);
    const rows = within(
      screen.getByRole('table', { name: 'Image provenance' }),
    ).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('migrator');
    expect(rows[1]).toHaveTextContent('failed (Audit)');
    expect(rows[1]).toHaveTextContent(
      'fail: failed verification and runs because the rule is in Audit mode.',
    );
    expect(rows[2]).toHaveTextContent('verified (Enforce)');
    expect(rows[2]).toHaveTextContent(
      'keyless: https://github.com/example/ledger/.github/workflows/ci.yaml@refs/heads/main (issuer https://token.actions.githubusercontent.com)',
    );
    expect(
      within(rows[2])
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toContain('https://github.com/example/ledger');
    expect(
      screen.getByText(/verify-image-provenance\/verify-signature \(Enforce\)/),
    ).toBeInTheDocument();
  });

  it('says when no image runs', async () => {
    await renderInTestApp(
      <ProvenanceDetailsView details={{ images: [], rules: [] }} />,
    );
    expect(screen.getByText('No running image.')).toBeInTheDocument();
  });
});
