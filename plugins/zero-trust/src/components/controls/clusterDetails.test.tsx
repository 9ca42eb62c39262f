import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import {
  CisDetails,
  ControlResult,
  FlowRecord,
  FlowsDetails,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { attentionOf } from '../NeedsAttention/attention';
import { CisDetailsView, FlowsDetailsView, formatPeer } from './clusterDetails';
import { ControlDetails } from '.';

// The backend's collector output for the flow of Cilium's export documentation
// (default/xwing → default/deathstar, DROPPED, POLICY_DENIED), see the backend's flows.test.ts.
const dropped: FlowRecord = {
  cluster: 'kind',
  direction: 'ingress',
  pod: 'default/deathstar-7848d6c4d5-th9v2',
  peer: {
    namespace: 'default',
    pod: 'xwing',
    labels: [],
    ip: '10.244.1.60',
    names: [],
  },
  port: 80,
  protocol: 'TCP',
  verdict: 'DROPPED',
  dropReason: 'POLICY_DENIED',
  count: 2,
  lastSeen: '2023-08-21T12:12:18.510175415Z',
};

const undeclared: FlowRecord = {
  cluster: 'kind',
  direction: 'egress',
  pod: 'default/deathstar-7848d6c4d5-th9v2',
  peer: {
    identity: 2,
    labels: ['reserved:world'],
    ip: '1.1.1.1',
    names: ['cilium.io'],
  },
  port: 443,
  protocol: 'TCP',
  verdict: 'FORWARDED',
  count: 1,
};

const flows: FlowsDetails = {
  windowSeconds: 900,
  relays: [
    { cluster: 'kind', address: 'hubble-relay:80', state: 'ok', flows: 3 },
    {
      cluster: 'edge',
      address: 'relay.edge:443',
      state: 'timeout',
      message: 'no answer within the timeout',
    },
  ],
  dropped: [dropped],
  undeclared: [undeclared],
};

// The backend's cis result for the kube-bench adapter's sample report (see cis.test.ts).
const cis: CisDetails = {
  clusters: [
    {
      cluster: 'kind',
      status: 'fail',
      summary: 'kind fails 36 CIS checks (kube-bench).',
      kubeBench: {
        report: 'PolicyReport default/cis-dummy-policy',
        pass: 37,
        fail: 36,
        warn: 49,
        skip: 0,
      },
      checks: [
        {
          source: 'kube-bench',
          id: '1.1.1',
          title:
            'Ensure that the API server pod specification file permissions are set to 644 or more restrictive (Automated)',
          result: 'fail',
        },
        {
          source: 'trivy',
          id: '1.2.1',
          title: 'Ensure that the --anonymous-auth argument is set to false',
          result: 'fail',
          severity: 'medium',
          count: 1,
        },
      ],
    },
  ],
};

describe('formatPeer', () => {
  it('names a pod by namespace and name, anything else by DNS name, IP and identity labels', () => {
    expect(formatPeer(dropped.peer)).toBe('default/xwing');
    expect(formatPeer(undeclared.peer)).toBe(
      'cilium.io 1.1.1.1 (reserved:world)',
    );
    expect(formatPeer({ labels: [] })).toBe('—');
  });
});

describe('FlowsDetailsView', () => {
  it('shows each Relay, then dropped and undeclared flows with peer, port, identity and drop reason', async () => {
    await renderInTestApp(<FlowsDetailsView details={flows} />);
    const relays = screen.getByRole('table', { name: 'Hubble Relays' });
    expect(within(relays).getAllByRole('row')[2]).toHaveTextContent(
      'edgerelay.edge:443timeout: no answer within the timeout—',
    );
    const rows = within(
      screen.getByRole('table', { name: 'Dropped flows' }),
    ).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('in, fromdefault/xwing');
    expect(rows[1]).toHaveTextContent('80/TCP');
    expect(rows[1]).toHaveTextContent('DROPPED (POLICY_DENIED)');
    const out = within(
      screen.getByRole('table', { name: 'Undeclared flows' }),
    ).getAllByRole('row');
    expect(out[1]).toHaveTextContent(
      'out, tocilium.io 1.1.1.1 (reserved:world)',
    );
    expect(out[1]).toHaveTextContent('443/TCP2FORWARDED');
    expect(
      screen.getByText('Dropped or denied in the last 15 minutes'),
    ).toBeInTheDocument();
  });

  it('says so when nothing was dropped and every peer is declared', async () => {
    await renderInTestApp(
      <FlowsDetailsView details={{ ...flows, dropped: [], undeclared: [] }} />,
    );
    expect(screen.getByText('No dropped or denied flow.')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Every allowed flow is to or from a declared dependency.',
      ),
    ).toBeInTheDocument();
  });
});

describe('CisDetailsView', () => {
  it("shows each cluster's own status and counts, and the checks that did not pass", async () => {
    await renderInTestApp(<CisDetailsView details={cis} />);
    const clusters = screen.getByRole('table', {
      name: 'CIS benchmark per cluster',
    });
    expect(within(clusters).getAllByRole('row')[1]).toHaveTextContent(
      'kindfail: kind fails 36 CIS checks (kube-bench).—37 pass, 36 fail, 49 warn (PolicyReport default/cis-dummy-policy)',
    );
    const checks = within(
      screen.getByRole('table', { name: 'CIS checks that did not pass' }),
    ).getAllByRole('row');
    expect(checks).toHaveLength(3);
    expect(checks[2]).toHaveTextContent(
      'kindtrivy1.2.1 Ensure that the --anonymous-auth argument is set to false (1 resources)failmedium',
    );
  });

  it('is what ControlDetails shows for a cis result', async () => {
    await renderInTestApp(
      <ControlDetails
        result={
          {
            control: 'cis',
            status: 'warn',
            summary: '',
            evidence: [],
            details: cis,
          } as ControlResult
        }
      />,
    );
    expect(
      screen.getByRole('table', { name: 'CIS checks that did not pass' }),
    ).toBeInTheDocument();
  });
});

describe('attentionOf', () => {
  it('names the flows at fault and how to resolve them', () => {
    const a = attentionOf({
      control: 'flows',
      status: 'warn',
      summary: '',
      evidence: [],
      details: flows,
    });
    expect(a.objects).toEqual([
      'from default/xwing port 80',
      'to cilium.io 1.1.1.1 (reserved:world) port 443',
    ]);
    expect(a.fix).toMatch(
      /^Declare the dependency in the catalog .*\(POLICY_DENIED\).*; Declare the peer in the catalog/,
    );
  });

  it("names a cluster's failing CIS checks and says the component has nothing to change", () => {
    const a = attentionOf({
      control: 'cis',
      status: 'warn',
      summary: '',
      evidence: [],
      details: cis,
    });
    expect(a.objects[0]).toBe(
      'kind: kube-bench 1.1.1 Ensure that the API server pod specification file permissions are set to 644 or more restrictive (Automated)',
    );
    expect(a.fix).toMatch(/nothing to change in this component/);
  });
});
