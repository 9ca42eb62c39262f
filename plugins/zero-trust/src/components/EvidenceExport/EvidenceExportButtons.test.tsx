import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { zeroTrustApiRef } from '../../api';
import { EvidenceExportButtons } from './EvidenceExportButtons';

const entity = {
  kind: 'Component',
  namespace: 'default',
  name: 'currencyservice',
};

describe('EvidenceExportButtons', () => {
  it('downloads each format under the entity name', async () => {
    const downloadEvidence = jest.fn().mockResolvedValue(new Blob(['x']));
    URL.createObjectURL = jest.fn(() => 'blob:evidence');
    URL.revokeObjectURL = jest.fn();
    const names: string[] = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        names.push(this.download);
      });
    await renderInTestApp(
      <TestApiProvider apis={[[zeroTrustApiRef, { downloadEvidence }]]}>
        <EvidenceExportButtons entity={entity} />
      </TestApiProvider>,
    );
    for (const format of ['json', 'csv', 'markdown']) {
      fireEvent.click(
        screen.getByRole('button', { name: `Export ${format.toUpperCase()}` }),
      );
      await waitFor(() =>
        expect(downloadEvidence).toHaveBeenLastCalledWith(entity, format),
      );
    }
    await waitFor(() => expect(names).toHaveLength(3));
    expect(names).toEqual([
      'currencyservice-zero-trust-evidence.json',
      'currencyservice-zero-trust-evidence.csv',
      'currencyservice-zero-trust-evidence.md',
    ]);
    click.mockRestore();
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
        <EvidenceExportButtons entity={entity} />
      </TestApiProvider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(
      (await screen.findAllByText(/export failed/)).length,
    ).toBeGreaterThan(0);
  });
});
