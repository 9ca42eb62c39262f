import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  SbomDetails,
  SbomQuery,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { zeroTrustApiRef } from '../../api';
import { currencyservice } from '../../__fixtures__/postures';
import { LocationProbe, probedSearch } from '../shared/testing';
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
const details = currencyservice.controls.find(c => c.control === 'sbom')!
  .details as SbomDetails;

const getSbomMock = () =>
  jest.fn().mockImplementation(async (_e, q: SbomQuery) => ({
    entityRef: 'component:default/currencyservice',
    total: q.name ? 1 : 120,
    offset: q.offset,
    limit: q.limit,
    items: q.name
      ? [component('express')]
      : [component('accepts'), component('body-parser')],
    images: [],
  }));

function renderViewer(
  getSbom: jest.Mock,
  route = '/zero-trust',
  { withDetails = true } = {},
) {
  const sbomDetails = withDetails ? details : undefined;
  const downloadSbom = jest.fn().mockResolvedValue(new Blob(['{}']));
  return renderInTestApp(
    <TestApiProvider apis={[[zeroTrustApiRef, { getSbom, downloadSbom }]]}>
      <SbomViewer entity={entity} details={sbomDetails} />
      <LocationProbe />
    </TestApiProvider>,
    { routeEntries: [route] },
  ).then(() => downloadSbom);
}

const url = () => probedSearch(screen.getByTestId('location').textContent);
const optionsOf = (label: string) =>
  within(screen.getByLabelText(label))
    .getAllByRole('option')
    .map(o => o.textContent);

describe('SbomViewer', () => {
  it('searches, filters and pages on the server, and downloads CycloneDX', async () => {
    const getSbom = getSbomMock();
    URL.createObjectURL = jest.fn(() => 'blob:sbom');
    URL.revokeObjectURL = jest.fn();
    const downloadSbom = await renderViewer(getSbom);
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

  it('offers only the types and licenses the SBOMs contain, with their counts', async () => {
    await renderViewer(getSbomMock());
    await screen.findByText('accepts');
    expect(optionsOf('Type')).toEqual([
      'all',
      'library (110)',
      'application (9)',
      'operating-system (1)',
    ]);
    // "unknown" stands for no declared license, which the route's filter cannot match.
    expect(optionsOf('License')).toEqual([
      'all',
      'MIT (80)',
      'Apache-2.0 (39)',
    ]);
  });

  it('offers no type or license filter when the SBOMs say nothing of them', async () => {
    await renderViewer(getSbomMock(), '/zero-trust', { withDetails: false });
    await screen.findByText('accepts');
    expect(screen.queryByLabelText('Type')).toBeNull();
    expect(screen.queryByLabelText('License')).toBeNull();
    expect(screen.getByLabelText('Search components')).toBeInTheDocument();
  });

  it('writes the search and filters to the URL', async () => {
    const getSbom = getSbomMock();
    await renderViewer(getSbom, '/zero-trust#zt-sbom');
    await screen.findByText('accepts');
    fireEvent.change(screen.getByLabelText('License'), {
      target: { value: 'Apache-2.0' },
    });
    fireEvent.change(screen.getByLabelText('Type'), {
      target: { value: 'application' },
    });
    fireEvent.change(screen.getByLabelText('Search components'), {
      target: { value: 'express' },
    });
    await waitFor(() => expect(url().get('sbomName')).toBe('express'));
    expect(url().get('sbomLicense')).toBe('Apache-2.0');
    expect(url().get('sbomType')).toBe('application');
    expect(screen.getByTestId('location').textContent).toMatch(/#zt-sbom$/);
    await waitFor(() =>
      expect(getSbom).toHaveBeenLastCalledWith(entity, {
        name: 'express',
        type: 'application',
        license: 'Apache-2.0',
        offset: 0,
        limit: 25,
      }),
    );
    // Back to "all" leaves the filter out of the URL.
    fireEvent.change(screen.getByLabelText('License'), {
      target: { value: 'all' },
    });
    expect(url().has('sbomLicense')).toBe(false);
  });

  it('opens with the filters of the URL, as after a reload or from a shared link', async () => {
    const getSbom = getSbomMock();
    await renderViewer(
      getSbom,
      '/zero-trust?sbomName=express&sbomType=library&sbomLicense=MIT',
    );
    expect(await screen.findByText('express')).toBeInTheDocument();
    expect(getSbom).toHaveBeenCalledTimes(1);
    expect(getSbom).toHaveBeenCalledWith(entity, {
      name: 'express',
      type: 'library',
      license: 'MIT',
      offset: 0,
      limit: 25,
    });
    expect(screen.getByLabelText('Search components')).toHaveValue('express');
    expect(screen.getByLabelText('Type')).toHaveValue('library');
    expect(screen.getByLabelText('License')).toHaveValue('MIT');
  });

  it('still shows a filter value from the URL that the data does not offer', async () => {
    await renderViewer(getSbomMock(), '/zero-trust?sbomLicense=GPL-3.0');
    await screen.findByText('accepts');
    expect(screen.getByLabelText('License')).toHaveValue('GPL-3.0');
    expect(optionsOf('License')).toEqual([
      'all',
      'MIT (80)',
      'Apache-2.0 (39)',
      'GPL-3.0',
    ]);
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
