import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { ZERO_TRUST_CONTROLS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ZeroTrustApi, zeroTrustApiRef } from '../../api';
import { currencyservice, onlineBoutique } from '../../__fixtures__/postures';
import { ZeroTrustContent } from './ZeroTrustContent';

const component = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'currencyservice', namespace: 'default' },
  spec: {},
};

const api = (overrides: Partial<ZeroTrustApi>): Partial<ZeroTrustApi> => ({
  getSbom: jest.fn().mockResolvedValue({
    entityRef: 'component:default/currencyservice',
    total: 0,
    offset: 0,
    limit: 25,
    items: [],
    images: [],
  }),
  getVulnerabilities: jest.fn().mockResolvedValue({
    entityRef: 'component:default/currencyservice',
    counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
    total: 0,
    offset: 0,
    limit: 25,
    items: [],
  }),
  ...overrides,
});

function renderWith(overrides: Partial<ZeroTrustApi>, entity = component) {
  return renderInTestApp(
    <TestApiProvider apis={[[zeroTrustApiRef, api(overrides)]]}>
      <EntityProvider entity={entity}>
        <ZeroTrustContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const card = (title: string) =>
  screen.getByRole('region', { name: `${title} control` });

describe('ZeroTrustContent', () => {
  it('shows the score, one card per control and the details of each', async () => {
    await renderWith({ getPosture: async () => currencyservice });
    expect(await screen.findByText('Score: 72/100')).toBeInTheDocument();
    for (const { title } of ZERO_TRUST_CONTROLS) {
      expect(card(title)).toBeInTheDocument();
    }
    // mTLS: the mode and what decided it.
    expect(within(card('Mutual TLS')).getByText('STRICT')).toBeInTheDocument();
    expect(
      within(card('Mutual TLS')).getByText('mesh: istio-system/default'),
    ).toBeInTheDocument();
    // Admission: failures first; the filter shows the passes too.
    const admission = card('Admission policy');
    expect(
      within(admission).getByText(
        'require-ro-rootfs / validate-readonly-rootfilesystem',
      ),
    ).toBeInTheDocument();
    expect(
      within(admission).queryByText(/disallow-latest-tag/),
    ).not.toBeInTheDocument();
    // GitOps: the drifted security object.
    expect(
      within(card('GitOps drift')).getByText(
        'AuthorizationPolicy online-boutique/currencyservice-allow-callers (security)',
      ),
    ).toBeInTheDocument();
  });

  it('says what to install for a control that is not installed, and which RBAC rule is missing for a forbidden one', async () => {
    await renderWith({ getPosture: async () => currencyservice });
    await screen.findByText('Score: 72/100');
    expect(
      within(card('Progressive delivery')).getByText(
        'demo: Rollout (argoproj.io) is not served; install Argo Rollouts / Argo CD.',
      ),
    ).toBeInTheDocument();
    expect(
      within(card('Secret sync')).getByText(
        'demo: the backend may not read ExternalSecret; add get, list, watch on externalsecrets.external-secrets.io to its ClusterRole (see examples/rbac).',
      ),
    ).toBeInTheDocument();
  });

  it('shows the caller drift between catalog and policies', async () => {
    await renderWith({ getPosture: async () => currencyservice });
    expect(
      await screen.findByText(
        /Drift: 1 declared caller\(s\) not allowed, 1 allowed source\(s\) not declared/,
      ),
    ).toBeInTheDocument();
    const callers = screen.getByRole('table', { name: 'Callers' });
    expect(
      within(callers)
        .getByText('component:default/checkoutservice')
        .closest('tr'),
    ).toHaveTextContent('NOT allowed');
    expect(
      within(callers)
        .getByText('cluster.local/ns/loadgenerator/sa/loadgenerator')
        .closest('tr'),
    ).toHaveTextContent('NOT declared');
  });

  it('lists the evidence objects of a control on demand', async () => {
    await renderWith({ getPosture: async () => currencyservice });
    await screen.findByText('Score: 72/100');
    fireEvent.click(
      screen.getByRole('button', { name: 'Evidence of Mutual TLS' }),
    );
    expect(
      screen.getByRole('table', { name: 'Evidence of Mutual TLS' }),
    ).toHaveTextContent('istio-system/default');
  });

  it('says when controls have no evidence and when no cluster is configured', async () => {
    await renderWith({
      getPosture: async () => ({
        entityRef: 'component:default/currencyservice',
        controls: ZERO_TRUST_CONTROLS.map(c => ({
          control: c.id,
          status: 'unknown',
          summary: 'Not evaluated',
          evidence: [],
        })),
        clusters: [],
        generatedAt: new Date().toISOString(),
      }),
    });
    expect(
      await screen.findByText(/11 of 11 controls have no evidence/),
    ).toBeInTheDocument();
    expect(screen.getByText(/reads no cluster/)).toBeInTheDocument();
    expect(
      screen.getByText('Score: not available (no control has evidence)'),
    ).toBeInTheDocument();
  });

  it('warns about a stale or failing cluster', async () => {
    await renderWith({
      getPosture: async () => ({
        ...currencyservice,
        clusters: [
          {
            name: 'prod',
            source: 'live',
            healthy: false,
            stale: true,
            stalenessSeconds: 1200,
            errors: ['23 kinds: connect ECONNREFUSED'],
          },
        ],
      }),
    });
    expect(
      await screen.findByText(
        'Cluster prod: data is stale, last synced 20 min ago: 23 kinds: connect ECONNREFUSED',
      ),
    ).toBeInTheDocument();
  });

  it('shows a System as a matrix of its components', async () => {
    await renderWith(
      { getPosture: async () => onlineBoutique },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: { name: 'online-boutique', namespace: 'default' },
        spec: {},
      },
    );
    const matrix = await screen.findByRole('table', {
      name: 'Components by control',
    });
    expect(within(matrix).getAllByRole('row')).toHaveLength(3);
    expect(
      within(matrix).getByText('adservice').closest('tr'),
    ).toHaveTextContent('Fail');
    expect(screen.queryByText('SBOM')).not.toBeInTheDocument();
  });

  it('shows the backend error', async () => {
    await renderWith({
      getPosture: async () => {
        throw new Error('backend unreachable');
      },
    });
    expect(
      (await screen.findAllByText(/backend unreachable/)).length,
    ).toBeGreaterThan(0);
  });
});
