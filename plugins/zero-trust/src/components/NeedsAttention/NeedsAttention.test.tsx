import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import {
  ControlResult,
  EntityPosture,
  ZERO_TRUST_CONTROLS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { zeroTrustApiRef } from '../../api';
import { currencyservice, onlineBoutique } from '../../__fixtures__/postures';
import { NeedsAttention } from './NeedsAttention';
import { attentionOf } from './attention';

const passing: EntityPosture = {
  ...currencyservice,
  score: 100,
  controls: ZERO_TRUST_CONTROLS.map(c => ({
    control: c.id,
    status: c.id === 'rollout' ? 'not-applicable' : 'pass',
    summary: c.id === 'rollout' ? 'Released without a canary.' : 'ok',
    evidence: [],
  })) as ControlResult[],
};

describe('NeedsAttention', () => {
  it('lists exactly the failing and warning controls, failures first', async () => {
    await renderInTestApp(<NeedsAttention posture={currencyservice} />);
    const region = screen.getByRole('region', { name: 'Needs attention' });
    const rows = within(region).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getByRole('img').getAttribute('aria-label')),
    ).toEqual(['status: fail', 'status: fail', 'status: warn', 'status: warn']);
    expect(within(region).getByText('Score: 59/100')).toBeInTheDocument();
  });

  it('says when nothing needs attention and keeps not applicable apart from pass', async () => {
    await renderInTestApp(<NeedsAttention posture={passing} />);
    expect(
      screen.getByText('Nothing needs attention: no control fails or warns.'),
    ).toBeInTheDocument();
    const others = screen.getByRole('list', { name: 'Other controls' });
    const items = within(others).getAllByRole('listitem');
    expect(items).toHaveLength(ZERO_TRUST_CONTROLS.length);
    const rollout = items.find(i => i.textContent?.includes('Progressive'))!;
    expect(
      within(rollout).getByRole('img', { name: 'status: not-applicable' }),
    ).toBeInTheDocument();
  });
});

describe('NeedsAttention beside the score', () => {
  it('puts the evidence export buttons next to the score', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[zeroTrustApiRef, {}]]}>
        <NeedsAttention
          posture={currencyservice}
          entity={{
            kind: 'Component',
            namespace: 'default',
            name: 'currencyservice',
          }}
        />
      </TestApiProvider>,
    );
    const region = screen.getByRole('region', { name: 'Needs attention' });
    const score = within(region).getByText('Score: 59/100');
    const exports = within(region).getByRole('group', {
      name: 'Export evidence',
    });
    // Same row: the container of the score's line holds the buttons.
    const row = score.closest('p')!.parentElement!;
    expect(row).toContainElement(exports);
    expect(row).not.toContainElement(within(region).getByRole('table'));
    expect(
      within(exports)
        .getAllByRole('button')
        .map(b => b.textContent),
    ).toEqual(['Export JSON', 'Export CSV', 'Export MARKDOWN']);
  });

  it('has no export buttons without an entity', async () => {
    await renderInTestApp(<NeedsAttention posture={currencyservice} />);
    expect(screen.queryByRole('button', { name: /^Export/ })).toBeNull();
  });

  it('makes each control of a System a #zt- target, as a System has no control sections', async () => {
    await renderInTestApp(<NeedsAttention posture={onlineBoutique} />, {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    const region = screen.getByRole('region', { name: 'Needs attention' });
    for (const { id } of ZERO_TRUST_CONTROLS) {
      const target = region.querySelector(`#zt-${id}`);
      expect(target).not.toBeNull();
      // A target, not a link to a section that is not on the page.
      expect(target!.closest('a')).toBeNull();
    }
    expect(
      region.querySelector('#zt-admission')!.closest('tr'),
    ).toHaveTextContent('adservice');
  });
});

describe('attentionOf', () => {
  const control = <C extends ControlResult['control']>(id: C) =>
    currencyservice.controls.find(c => c.control === id)! as ControlResult;

  it('names the failing admission finding and its policy', () => {
    expect(attentionOf(control('admission'))).toEqual({
      objects: ['Deployment/currencyservice'],
      fix: 'Change the workload so that require-ro-rootfs / validate-readonly-rootfilesystem passes: Root filesystem must be read-only.',
    });
  });

  it('names the drifted object and the Application to sync', () => {
    const a = attentionOf(control('gitops'));
    expect(a.objects).toEqual([
      'AuthorizationPolicy online-boutique/currencyservice-allow-callers',
    ]);
    expect(a.fix).toMatch(/^Sync Argo CD Application online-boutique-security/);
  });

  it('asks to allow a declared caller the policy does not allow', () => {
    const authorization = control('authorization');
    const withDrift = {
      ...authorization,
      details: { ...authorization.details, drift: currencyservice.drift },
    } as ControlResult;
    expect(attentionOf(withDrift).fix).toMatch(
      /Allow cluster.local\/ns\/online-boutique\/sa\/checkoutservice in the AuthorizationPolicy/,
    );
  });

  it('falls back to the evidence for the object at fault', () => {
    expect(attentionOf(control('vulnerabilities')).objects).toEqual([
      'VulnerabilityReport online-boutique/replicaset-currencyservice-server',
    ]);
  });
});

describe('NeedsAttention on a System failing the CIS benchmark', () => {
  it("names the cluster's failing checks, where its components only warn", async () => {
    const cis = {
      control: 'cis',
      status: 'fail',
      summary: 'kind fails 11 CIS checks (kube-bench).',
      evidence: [],
      details: {
        clusters: [
          {
            cluster: 'kind',
            status: 'fail',
            summary: 'kind fails 11 CIS checks (kube-bench).',
            checks: [
              {
                source: 'kube-bench',
                id: '1.1.12',
                title:
                  'Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)',
                result: 'fail',
              },
            ],
          },
        ],
      },
    } as ControlResult;
    const system: EntityPosture = {
      ...onlineBoutique,
      controls: [cis],
      components: [
        {
          entityRef: 'component:default/adservice',
          score: 89,
          controls: [
            { control: 'cis', status: 'warn', summary: '', evidence: 1 },
          ],
        },
      ],
    };
    await renderInTestApp(<NeedsAttention posture={system} />, {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    const region = screen.getByRole('region', { name: 'Needs attention' });
    const row = region.querySelector('#zt-cis')!.closest('tr')!;
    expect(row).toHaveTextContent(
      'kind: kube-bench 1.1.12 Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)',
    );
    expect(row).toHaveTextContent(/nothing to change in this component/);
  });
});
