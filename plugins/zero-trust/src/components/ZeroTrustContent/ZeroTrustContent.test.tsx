import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  EntityPosture,
  ZERO_TRUST_CONTROLS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  AppTree,
  appTreeApiRef,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
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
    expect(
      await screen.findByText('Score: 59/100', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
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
    await screen.findByText('Score: 59/100', {}, { timeout: 10_000 });
    expect(
      within(card('Progressive delivery')).getByText(
        'demo: Rollout (argoproj.io) is not served; install Argo Rollouts / Argo CD.',
      ),
    ).toBeInTheDocument();
    expect(
      within(card('Secret sync')).getByText(
        'demo: the backend may not read ExternalSecret; add get, list, watch on externalsecrets.external-secrets.io to its ClusterRole (see the rbac/ folder of @zero-trust-k8s/plugin-zero-trust-backend).',
      ),
    ).toBeInTheDocument();
  });

  it('shows the caller drift between catalog and policies', async () => {
    await renderWith({ getPosture: async () => currencyservice });
    expect(
      await screen.findByText(
        /Drift: 1 declared caller\(s\) not allowed, 1 allowed source\(s\) not declared/,
        {},
        { timeout: 10_000 },
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
    await screen.findByText('Score: 59/100', {}, { timeout: 10_000 });
    // Passing, so collapsed until opened.
    fireEvent.click(within(card('Mutual TLS')).getAllByRole('button')[0]);
    fireEvent.click(
      screen.getByRole('button', { name: 'Evidence of Mutual TLS: 1 object' }),
    );
    expect(
      screen.getByRole('group', { name: 'Evidence of Mutual TLS' }),
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
      await screen.findByText(
        new RegExp(
          `${ZERO_TRUST_CONTROLS.length} of ${ZERO_TRUST_CONTROLS.length} controls have no evidence`,
        ),
        {},
        { timeout: 10_000 },
      ),
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
        {},
        { timeout: 10_000 },
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
    const matrix = await screen.findByRole(
      'table',
      { name: 'Components by control' },
      { timeout: 10_000 },
    );
    const rows = within(matrix).getAllByRole('row');
    expect(rows).toHaveLength(3);
    // Worst first.
    expect(rows[1]).toHaveTextContent('adservice');
    expect(
      within(within(rows[1]).getAllByRole('cell')[2]).getByRole('img', {
        name: 'status: fail',
      }),
    ).toBeInTheDocument();
    // Each failing control links to its section of the component's tab.
    expect(
      within(rows[1]).getByRole('link', { name: 'Admission policy' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/adservice/zero-trust#zt-admission',
    );
    expect(screen.queryByText('SBOM')).not.toBeInTheDocument();
    // Needs attention names the components at fault.
    const attention = screen.getByRole('region', { name: 'Needs attention' });
    const admission = within(attention)
      .getByText('Admission policy')
      .closest('tr')!;
    expect(within(admission).getByText('adservice')).toBeInTheDocument();
    expect(within(admission).queryByText('cartservice')).toBeNull();
  });

  it('opens with what needs attention: failures, then warnings, each with the object at fault and the fix', async () => {
    await renderWith({ getPosture: async () => currencyservice });
    const attention = await screen.findByRole(
      'region',
      { name: 'Needs attention' },
      { timeout: 10_000 },
    );
    const rows = within(attention).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('link')[0].textContent),
    ).toEqual([
      'Admission policy',
      'GitOps drift',
      'Authorization',
      'Vulnerabilities',
    ]);
    expect(rows[0]).toHaveTextContent('Deployment/currencyservice');
    expect(rows[0]).toHaveTextContent(
      'Change the workload so that require-ro-rootfs / validate-readonly-rootfilesystem passes: Root filesystem must be read-only.',
    );
    expect(rows[1]).toHaveTextContent(
      'AuthorizationPolicy online-boutique/currencyservice-allow-callers',
    );
    expect(rows[1]).toHaveTextContent(
      'Sync Argo CD Application online-boutique-security',
    );
    // Every other control on one row, linked to its section.
    const others = within(attention).getByRole('list', {
      name: 'Other controls',
    });
    // The controls that neither fail nor warn (4 of them do).
    expect(within(others).getAllByRole('listitem')).toHaveLength(
      ZERO_TRUST_CONTROLS.length - 4,
    );
    expect(
      within(others).getByRole('link', { name: 'Mutual TLS' }),
    ).toHaveAttribute('href', '#zt-mtls');
    // The sections follow in the same order, failures open, passes collapsed.
    const sections = screen
      .getAllByRole('region')
      .filter(r => r.tagName === 'SECTION' && r.id.startsWith('zt-'))
      .map(r => r.id);
    expect(sections.slice(0, 4)).toEqual([
      'zt-admission',
      'zt-gitops',
      'zt-authorization',
      'zt-vulnerabilities',
    ]);
    const header = (title: string) =>
      within(card(title)).getAllByRole('button')[0];
    expect(header('Admission policy')).toHaveAttribute('aria-expanded', 'true');
    expect(header('Mutual TLS')).toHaveAttribute('aria-expanded', 'false');
  });

  it('shows a control an installation added by its title, in Needs attention and as a section', async () => {
    const added = {
      control: 'signed-images',
      title: 'Signed images',
      status: 'fail',
      summary: '1 pod(s) run unsigned images.',
      details: { unsigned: ['currencyservice-0'] },
      evidence: [],
    } as unknown as EntityPosture['controls'][number];
    await renderWith({
      getPosture: async () => ({
        ...currencyservice,
        controls: [...currencyservice.controls, added],
      }),
    });
    const attention = await screen.findByRole(
      'region',
      { name: 'Needs attention' },
      { timeout: 10_000 },
    );
    expect(
      within(attention).getByRole('link', { name: 'Signed images' }),
    ).toHaveAttribute('href', '#zt-signed-images');
    expect(card('Signed images')).toHaveTextContent(
      '1 pod(s) run unsigned images.',
    );
    // Its details, of its own shape, field by field.
    expect(card('Signed images')).toHaveTextContent(
      'unsigned["currencyservice-0"]',
    );
  });

  it('explains the score formula next to the score', async () => {
    await renderWith({ getPosture: async () => currencyservice });
    const help = await screen.findByRole(
      'button',
      { name: 'How the score is computed' },
      { timeout: 10_000 },
    );
    fireEvent.mouseOver(help);
    expect(
      await screen.findByText(/capped at 59 because a control fails/),
    ).toBeInTheDocument();
  });

  it('scrolls to and opens the section a chip link names once the posture has loaded', async () => {
    const scrollIntoView = jest.fn();
    Element.prototype.scrollIntoView = scrollIntoView;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [zeroTrustApiRef, api({ getPosture: async () => currencyservice })],
        ]}
      >
        <EntityProvider entity={component}>
          <ZeroTrustContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        routeEntries: ['/zero-trust#zt-mtls'],
      },
    );
    await screen.findByText('Score: 59/100', {}, { timeout: 10_000 });
    expect(scrollIntoView).toHaveBeenCalled();
    expect(scrollIntoView.mock.contexts[0]).toBe(card('Mutual TLS'));
    expect(
      within(card('Mutual TLS')).getAllByRole('button')[0],
    ).toHaveAttribute('aria-expanded', 'true');
  });

  it('does not say that policies and catalog agree beside a failing authorization', async () => {
    const authorization = currencyservice.controls.find(
      c => c.control === 'authorization',
    )!;
    await renderWith({
      getPosture: async () => ({
        ...currencyservice,
        drift: {
          ...currencyservice.drift!,
          declaredNotAllowed: [],
          allowedNotDeclared: [],
        },
        controls: currencyservice.controls.map(c =>
          c === authorization
            ? {
                ...c,
                status: 'fail',
                summary: 'ALLOW policy admits any caller.',
              }
            : c,
        ),
      }),
    });
    expect(
      await screen.findByText(
        /The allowed callers match the catalog, but authorization is fail/,
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Policies and catalog agree.')).toBeNull();
  });

  it('a search in the SBOM viewer fetches the SBOM only, not the posture or the vulnerabilities again', async () => {
    const mocks = api({ getPosture: jest.fn(async () => currencyservice) });
    await renderWith(mocks);
    await screen.findByText('Score: 59/100', {}, { timeout: 10_000 });
    await waitFor(() => expect(mocks.getVulnerabilities).toHaveBeenCalled());
    const vulnerabilityCalls = (mocks.getVulnerabilities as jest.Mock).mock
      .calls.length;
    fireEvent.change(screen.getByLabelText('Search components'), {
      target: { value: 'netbase' },
    });
    // After the debounce the search goes into the URL, which re-renders the whole tab.
    await waitFor(
      () =>
        expect(mocks.getSbom).toHaveBeenLastCalledWith(
          expect.anything(),
          expect.objectContaining({ name: 'netbase' }),
        ),
      { timeout: 5_000 },
    );
    expect(mocks.getVulnerabilities).toHaveBeenCalledTimes(vulnerabilityCalls);
    expect(mocks.getPosture).toHaveBeenCalledTimes(1);
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

  it('scrolls to the section a link names when the posture arrives after the navigation', async () => {
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = jest.fn(function record(this: Element) {
      scrolled.push(this);
    });
    let resolvePosture: (p: EntityPosture) => void = () => {};
    const posture = new Promise<EntityPosture>(resolve => {
      resolvePosture = resolve;
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[[zeroTrustApiRef, api({ getPosture: () => posture })]]}
      >
        <EntityProvider entity={component}>
          <ZeroTrustContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        routeEntries: ['/zero-trust#zt-identity'],
      },
    );
    // Still loading: nothing to scroll to.
    await new Promise(r => setTimeout(r, 50));
    expect(scrolled).toHaveLength(0);
    resolvePosture(currencyservice);
    await screen.findByText('Score: 59/100', {}, { timeout: 10_000 });
    await waitFor(() => expect(scrolled.length).toBeGreaterThan(0));
    expect(scrolled.every(e => e === card('Workload identity'))).toBe(true);
    // The section a link names opens, though a passing one starts collapsed.
    expect(
      within(card('Workload identity')).getAllByRole('button')[0],
    ).toHaveAttribute('aria-expanded', 'true');
  });

  it('on a System, scrolls to the control in Needs attention', async () => {
    const scrolled: Element[] = [];
    Element.prototype.scrollIntoView = jest.fn(function record(this: Element) {
      scrolled.push(this);
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [zeroTrustApiRef, api({ getPosture: async () => onlineBoutique })],
        ]}
      >
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'System',
            metadata: { name: 'online-boutique', namespace: 'default' },
            spec: {},
          }}
        >
          <ZeroTrustContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        routeEntries: ['/zero-trust#zt-admission'],
      },
    );
    await screen.findByRole(
      'table',
      { name: 'Components by control' },
      {
        timeout: 10_000,
      },
    );
    await waitFor(() => expect(scrolled.length).toBeGreaterThan(0));
    const target = scrolled[0];
    expect(target.id).toBe('zt-admission');
    expect(
      within(screen.getByRole('region', { name: 'Needs attention' })).getByText(
        'Admission policy',
      ),
    ).toBe(target);
  });

  it('links each evidence object to the Kubernetes tab when the app has one for the entity', async () => {
    const kubernetesTab = {
      spec: {
        id: 'entity-content:kubernetes',
        plugin: { pluginId: 'kubernetes' },
      },
      instance: {
        getDataRefs: () => [],
        getData: (ref: { id: string }) =>
          ({
            [EntityContentBlueprint.dataRefs.title.id]: 'Kubernetes',
            [coreExtensionData.routePath.id]: '/kubernetes',
          }[ref.id]),
      },
    };
    const tree = {
      nodes: new Map([['entity-content:kubernetes', kubernetesTab]]),
    } as unknown as AppTree;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [zeroTrustApiRef, api({ getPosture: async () => currencyservice })],
          [appTreeApiRef, { getTree: () => ({ tree }) }],
        ]}
      >
        <EntityProvider
          entity={{
            ...component,
            metadata: {
              ...component.metadata,
              annotations: { 'backstage.io/kubernetes-id': 'currencyservice' },
            },
          }}
        >
          <ZeroTrustContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const matrix = await screen.findByRole(
      'region',
      { name: 'Evidence matrix' },
      { timeout: 10_000 },
    );
    const link = within(matrix).getByRole('link', {
      name: 'istio-system/default, on the Kubernetes tab',
    });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/currencyservice/kubernetes',
    );
  });

  it('gives the evidence no Kubernetes link when the app has no Kubernetes tab', async () => {
    await renderWith({ getPosture: async () => currencyservice });
    const matrix = await screen.findByRole(
      'region',
      { name: 'Evidence matrix' },
      { timeout: 10_000 },
    );
    expect(
      within(matrix).getByText('istio-system/default'),
    ).toBeInTheDocument();
    expect(within(matrix).queryByRole('link')).toBeNull();
  });
});
