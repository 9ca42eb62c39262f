import { fireEvent, screen, waitFor } from '@testing-library/react';
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
    expect(
      screen.getByText('PeerAuthentication istio-system/default (demo)'),
    ).toBeInTheDocument();
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
