import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { zeroTrustApiRef } from '../../api';
import { currencyservice } from '../../__fixtures__/postures';
import { EvidenceMatrix } from './EvidenceMatrix';

const entity = {
  kind: 'Component',
  namespace: 'default',
  name: 'currencyservice',
};

describe('EvidenceMatrix', () => {
  it('lists the objects per control and exports each format', async () => {
    const downloadEvidence = jest.fn().mockResolvedValue(new Blob(['x']));
    URL.createObjectURL = jest.fn(() => 'blob:evidence');
    URL.revokeObjectURL = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[zeroTrustApiRef, { downloadEvidence }]]}>
        <EvidenceMatrix entity={entity} posture={currencyservice} />
      </TestApiProvider>,
    );
    // One row per object: kind, namespace/name, cluster, resource version, observed at.
    const row = screen.getByText('istio-system/default').closest('tr')!;
    for (const text of ['Mutual TLS', 'PeerAuthentication', 'demo', '42']) {
      expect(within(row).getByText(text)).toBeInTheDocument();
    }
    expect(within(row).getByText('2026-12-01T08:00:00Z')).toBeInTheDocument();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(
      currencyservice.controls.reduce(
        (n, c) => n + Math.max(1, c.evidence.length),
        0,
      ),
    );
    for (const format of ['json', 'csv', 'markdown']) {
      fireEvent.click(
        screen.getByRole('button', { name: `Export ${format.toUpperCase()}` }),
      );
      await waitFor(() =>
        expect(downloadEvidence).toHaveBeenLastCalledWith(entity, format),
      );
    }
  });

  it('shows a failed export', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            zeroTrustApiRef,
            {
              downloadEvidence: async () => {
                throw new Error('export failed');
              },
            },
          ],
        ]}
      >
        <EvidenceMatrix entity={entity} posture={currencyservice} />
      </TestApiProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(
      (await screen.findAllByText(/export failed/)).length,
    ).toBeGreaterThan(0);
  });
});
