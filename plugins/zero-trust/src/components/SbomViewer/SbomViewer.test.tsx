import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { zeroTrustApiRef } from '../../api';
import { currencyservice } from '../../__fixtures__/postures';
import { SbomViewer } from './SbomViewer';

const entity = {
  kind: 'Component',
  namespace: 'default',
  name: 'currencyservice',
};
const component = (name: string) => ({
  name,
  version: '1.0.0',
  type: 'library',
  licenses: ['MIT'],
  purl: `pkg:npm/${name}@1.0.0`,
  image: 'registry.test/currencyservice:v0.10.3',
  cluster: 'demo',
});

describe('SbomViewer', () => {
  const sbom = currencyservice.controls.find(c => c.control === 'sbom')!;

  it('searches, filters and pages on the server, and downloads CycloneDX', async () => {
    const getSbom = jest.fn().mockImplementation(async (_e, q) => ({
      entityRef: 'component:default/currencyservice',
      total: q.name ? 1 : 120,
      offset: q.offset,
      limit: q.limit,
      items: q.name
        ? [component('express')]
        : [component('accepts'), component('body-parser')],
      images: [],
    }));
    const downloadSbom = jest.fn().mockResolvedValue(new Blob(['{}']));
    URL.createObjectURL = jest.fn(() => 'blob:sbom');
    URL.revokeObjectURL = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[zeroTrustApiRef, { getSbom, downloadSbom }]]}>
        <SbomViewer entity={entity} details={sbom.details as any} />
      </TestApiProvider>,
    );
    expect(await screen.findByText('accepts')).toBeInTheDocument();
    expect(
      screen.getByText('120 component(s) in 0 image(s)'),
    ).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Search components'), {
      target: { value: 'express' },
    });
    await waitFor(() =>
      expect(getSbom).toHaveBeenLastCalledWith(entity, {
        name: 'express',
        type: undefined,
        license: undefined,
        offset: 0,
        limit: 25,
      }),
    );
    const table = await screen.findByRole('table', { name: 'SBOM components' });
    await waitFor(() =>
      expect(within(table).getAllByRole('row')).toHaveLength(2),
    );
    expect(
      within(table).getByText('pkg:npm/express@1.0.0'),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Download CycloneDX' }));
    await waitFor(() => expect(downloadSbom).toHaveBeenCalledWith(entity));
    expect(URL.createObjectURL).toHaveBeenCalled();
  });

  it('shows the backend error', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            zeroTrustApiRef,
            {
              getSbom: async () => {
                throw new Error('sbom route down');
              },
            },
          ],
        ]}
      >
        <SbomViewer entity={entity} />
      </TestApiProvider>,
    );
    expect(
      (await screen.findAllByText(/sbom route down/)).length,
    ).toBeGreaterThan(0);
  });
});
