import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { VulnerabilityDetails } from '@zero-trust-k8s/plugin-zero-trust-common';
import { zeroTrustApiRef } from '../../api';
import { LocationProbe, probedSearch } from '../shared/testing';
import { VulnerabilitiesCard, severityOptions } from './VulnerabilitiesCard';

const entity = { kind: 'Component', namespace: 'default', name: 'adservice' };
const counts = { critical: 0, high: 1, medium: 2, low: 0, unknown: 0 };
const page = {
  entityRef: 'component:default/adservice',
  counts,
  total: 1,
  offset: 0,
  limit: 25,
  items: [
    {
      id: 'CVE-2025-1234',
      severity: 'high',
      resource: 'io.netty:netty-codec-http',
      installedVersion: '4.1.100',
      fixedVersion: '4.1.118',
      cluster: 'demo',
      namespace: 'online-boutique',
      image: 'registry.test/adservice:v1',
    },
  ],
};
const details = (fixable: number): VulnerabilityDetails => ({
  counts,
  fixable,
  images: [],
  top: [],
});

function renderCard(route = '/zero-trust', fixable = 1) {
  const getVulnerabilities = jest.fn().mockResolvedValue(page);
  return renderInTestApp(
    <TestApiProvider apis={[[zeroTrustApiRef, { getVulnerabilities }]]}>
      <VulnerabilitiesCard entity={entity} details={details(fixable)} />
      <LocationProbe />
    </TestApiProvider>,
    { routeEntries: [route] },
  ).then(() => getVulnerabilities);
}

const url = () => probedSearch(screen.getByTestId('location').textContent);

describe('severityOptions', () => {
  it('offers the severities present, each counting the findings at it or worse', () => {
    expect(severityOptions(counts)).toEqual([
      { value: 'high', count: 1 },
      { value: 'medium', count: 3 },
    ]);
    expect(
      severityOptions({ critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }),
    ).toEqual([]);
  });
});

describe('VulnerabilitiesCard', () => {
  it('shows counts and findings with fixed-in versions, and filters on the server', async () => {
    const getVulnerabilities = await renderCard();
    expect(await screen.findByText('CVE-2025-1234')).toBeInTheDocument();
    expect(screen.getByText('4.1.118')).toBeInTheDocument();
    expect(
      screen.getByText('0 critical, 1 high, 2 medium, 0 low, 0 unknown'),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Fix available (1)' }),
    );
    await waitFor(() =>
      expect(getVulnerabilities).toHaveBeenLastCalledWith(entity, {
        minSeverity: undefined,
        fixable: true,
        offset: 0,
        limit: 25,
      }),
    );
    expect(url().get('vulnFixable')).toBe('true');
  });

  it('offers only severities with findings and writes the choice to the URL', async () => {
    const getVulnerabilities = await renderCard();
    await screen.findByText('CVE-2025-1234');
    const select = screen.getByLabelText('At least');
    expect(
      within(select)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['any severity (3)', 'high (1)', 'medium (3)']);
    fireEvent.change(select, { target: { value: 'high' } });
    expect(url().get('vulnSeverity')).toBe('high');
    await waitFor(() =>
      expect(getVulnerabilities).toHaveBeenLastCalledWith(entity, {
        minSeverity: 'high',
        fixable: undefined,
        offset: 0,
        limit: 25,
      }),
    );
  });

  it('opens with the filters of the URL', async () => {
    const getVulnerabilities = await renderCard(
      '/zero-trust?vulnSeverity=medium&vulnFixable=true',
    );
    await screen.findByText('CVE-2025-1234');
    expect(getVulnerabilities).toHaveBeenCalledWith(entity, {
      minSeverity: 'medium',
      fixable: true,
      offset: 0,
      limit: 25,
    });
    expect(screen.getByLabelText('At least')).toHaveValue('medium');
    expect(
      screen.getByRole('checkbox', { name: /Fix available/ }),
    ).toBeChecked();
  });

  it('ignores a severity in the URL that is none', async () => {
    const getVulnerabilities = await renderCard(
      '/zero-trust?vulnSeverity=%3Cscript%3E',
    );
    await screen.findByText('CVE-2025-1234');
    expect(getVulnerabilities).toHaveBeenCalledWith(entity, {
      minSeverity: undefined,
      fixable: undefined,
      offset: 0,
      limit: 25,
    });
  });

  it('does not offer "Fix available" when no finding has a fix', async () => {
    await renderCard('/zero-trust', 0);
    await screen.findByText('CVE-2025-1234');
    expect(screen.queryByRole('checkbox')).toBeNull();
  });
});
