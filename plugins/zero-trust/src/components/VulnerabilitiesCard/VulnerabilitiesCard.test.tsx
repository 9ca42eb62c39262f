import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { zeroTrustApiRef } from '../../api';
import { VulnerabilitiesCard } from './VulnerabilitiesCard';

const entity = { kind: 'Component', namespace: 'default', name: 'adservice' };

describe('VulnerabilitiesCard', () => {
  it('shows counts and findings with fixed-in versions, and filters on the server', async () => {
    const getVulnerabilities = jest.fn().mockResolvedValue({
      entityRef: 'component:default/adservice',
      counts: { critical: 0, high: 1, medium: 2, low: 0, unknown: 0 },
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
    });
    await renderInTestApp(
      <TestApiProvider apis={[[zeroTrustApiRef, { getVulnerabilities }]]}>
        <VulnerabilitiesCard entity={entity} />
      </TestApiProvider>,
    );
    expect(await screen.findByText('CVE-2025-1234')).toBeInTheDocument();
    expect(screen.getByText('4.1.118')).toBeInTheDocument();
    expect(
      screen.getByText('0 critical, 1 high, 2 medium, 0 low, 0 unknown'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('checkbox'));
    await waitFor(() =>
      expect(getVulnerabilities).toHaveBeenLastCalledWith(entity, {
        minSeverity: 'unknown',
        fixable: true,
        offset: 0,
        limit: 25,
      }),
    );
  });
});
