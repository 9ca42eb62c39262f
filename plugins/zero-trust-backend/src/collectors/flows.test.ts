import { contextFor, deploymentChain } from '../__testUtils__/clusters';
import { startFakeRelay } from '../__testUtils__/hubbleRelay';
import {
  HubbleFlows,
  HubbleRead,
  readHubbleSettings,
} from '../hubble/HubbleFlows';
import { DeclaredPeer } from '../hubble/flowsInput';
import {
  exportDocsIpv6Drop,
  exportDocsXwingDenied,
  flowOf,
  printerJsonpbDrop,
  registryTestForwarded,
} from '../hubble/__fixtures__/hubbleFlows';
import { KubeObject } from '../sources/types';
import { ConfigReader } from '@backstage/config';
import { collectFlows, flowRecord } from './flows';

/** A workload `app` whose one pod has the name a recorded flow names. */
function workload(app: string, namespace: string, pod: string): KubeObject[] {
  const objects = deploymentChain(app, namespace);
  objects[2].metadata.name = pod;
  return objects;
}

const ok = (lines: string[]): HubbleRead => ({
  state: 'ok',
  address: 'hubble-relay.kube-system.svc:80',
  flows: lines.map(flowOf),
  observedAt: '2026-01-02T00:00:00.000Z',
});

const run = (
  objects: KubeObject[],
  selector: string,
  read: HubbleRead | undefined,
  declaredPeers?: DeclaredPeer[],
) => {
  const ctx = contextFor(objects, { selector });
  return collectFlows({
    ...ctx,
    flows: {
      windowSeconds: 900,
      reads: read ? { test: read } : {},
      declaredPeers,
    },
  });
};

const deathstar = workload(
  'deathstar',
  'default',
  'deathstar-7848d6c4d5-th9v2',
);
const api = workload('api', 'bar', 'bar-123');
const all = [
  exportDocsIpv6Drop,
  exportDocsXwingDenied,
  printerJsonpbDrop,
  ...registryTestForwarded,
];

describe('flowRecord', () => {
  it('reads a denied ingress flow: peer, port, verdict and drop reason', () => {
    expect(
      flowRecord(
        'test',
        flowOf(exportDocsXwingDenied),
        new Set(['default/deathstar-7848d6c4d5-th9v2']),
      ),
    ).toEqual({
      cluster: 'test',
      direction: 'ingress',
      pod: 'default/deathstar-7848d6c4d5-th9v2',
      peer: {
        namespace: 'default',
        pod: 'xwing',
        workload: undefined,
        identity: undefined,
        labels: [],
        ip: '10.244.1.60',
        names: [],
      },
      port: 80,
      protocol: 'TCP',
      verdict: 'DROPPED',
      dropReason: 'POLICY_DENIED',
      count: 1,
      lastSeen: '2023-08-21T12:12:18.510175415Z',
    });
  });

  it('reads the egress side, and ignores flows about other pods or none', () => {
    const egress = flowRecord(
      'test',
      flowOf(exportDocsXwingDenied),
      new Set(['default/xwing']),
    )!;
    expect(egress.direction).toBe('egress');
    expect(egress.peer.pod).toBe('deathstar-7848d6c4d5-th9v2');
    expect(
      flowRecord(
        'test',
        flowOf(exportDocsIpv6Drop),
        new Set(['default/xwing']),
      ),
    ).toBeUndefined();
    expect(
      flowRecord('test', flowOf(printerJsonpbDrop), new Set(['default/xwing'])),
    ).toBeUndefined();
    expect(flowRecord('test', {}, new Set(['default/xwing']))).toBeUndefined();
  });
});

describe('collectFlows', () => {
  it('warns on flows the policy dropped, naming peer, port and drop reason', () => {
    const r = run(deathstar, 'app=deathstar', ok(all), []);
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'In the last 15 minutes: 1 dropped flow (default/xwing).',
    );
    expect(r.details!.dropped).toEqual([
      expect.objectContaining({
        direction: 'ingress',
        peer: expect.objectContaining({ pod: 'xwing' }),
        port: 80,
        verdict: 'DROPPED',
        dropReason: 'POLICY_DENIED',
        count: 1,
      }),
    ]);
    expect(r.details!.relays).toEqual([
      expect.objectContaining({ cluster: 'test', state: 'ok', flows: 1 }),
    ]);
  });

  it('warns on allowed flows from a peer the catalog does not declare, and passes declared ones', () => {
    const declared = [
      {
        entityRef: 'component:default/worker',
        namespace: 'foo',
        name: 'worker',
      },
    ];
    const r = run(api, 'app=api', ok(all), declared);
    expect(r.status).toBe('warn');
    expect(r.details!.dropped).toEqual([]);
    expect(r.details!.undeclared).toEqual([
      expect.objectContaining({
        direction: 'ingress',
        pod: 'bar/bar-123',
        peer: expect.objectContaining({
          namespace: 'abc',
          pod: 'abc-456',
          workload: 'worker',
        }),
        verdict: 'FORWARDED',
      }),
    ]);
    expect(r.summary).toBe(
      'In the last 15 minutes: 1 undeclared peer the policy allows (abc/worker).',
    );
    const both = run(api, 'app=api', ok(all), [
      ...declared,
      {
        entityRef: 'component:default/abc-worker',
        namespace: 'abc',
        name: 'worker',
      },
    ]);
    expect(both.status).toBe('pass');
    expect(both.summary).toBe(
      'No dropped flow and no undeclared peer in the last 15 minutes (2 flows seen).',
    );
  });

  it('does not judge undeclared flows when the catalog could not be read, and says so', () => {
    const r = run(api, 'app=api', ok(all), undefined);
    expect(r.status).toBe('pass');
    expect(r.details!.undeclared).toEqual([]);
    expect(r.notes).toEqual([
      'The catalog could not be read: undeclared flows are not judged.',
    ]);
  });

  it('counts repeated flows once per peer, port and verdict', () => {
    const r = run(
      deathstar,
      'app=deathstar',
      ok([exportDocsXwingDenied, exportDocsXwingDenied]),
      [],
    );
    expect(r.details!.dropped).toHaveLength(1);
    expect(r.details!.dropped[0].count).toBe(2);
    expect(r.summary).toBe(
      'In the last 15 minutes: 2 dropped flows (default/xwing).',
    );
  });

  it('is not installed without a Relay for the cluster', () => {
    const r = run(api, 'app=api', undefined, []);
    expect(r).toMatchObject({
      status: 'not-installed',
      summary: 'No Hubble Relay configured for test (zeroTrust.hubble.relays).',
    });
    expect(r.details!.relays).toEqual([
      { cluster: 'test', state: 'not-configured' },
    ]);
  });

  it.each([
    ['forbidden', 'forbidden'],
    ['unreachable', 'unknown'],
    ['timeout', 'unknown'],
  ] as const)(
    'shows a Relay that is %s as %s, with the reason',
    (state, status) => {
      const r = run(
        api,
        'app=api',
        { state, address: 'relay:80', message: 'why', flows: [] },
        [],
      );
      expect(r.status).toBe(status);
      expect(r.summary).toBe(
        `Hubble Relay could not be read: test: ${state} (why).`,
      );
    },
  );

  it('reads flows through the gRPC client from a server serving Cilium’s observer.proto', async () => {
    const relay = await startFakeRelay({ lines: all });
    const hubble = new HubbleFlows(
      readHubbleSettings(
        new ConfigReader({
          zeroTrust: {
            hubble: { relays: { test: { address: relay.address } } },
          },
        }),
      ),
      () => Date.parse('2023-08-21T12:20:00Z'),
    );
    try {
      const read = await hubble.read('test', [
        'default/deathstar-7848d6c4d5-th9v2',
      ]);
      const r = run(deathstar, 'app=deathstar', read, []);
      expect(r.status).toBe('warn');
      expect(r.details!.dropped[0]).toMatchObject({
        peer: { pod: 'xwing', ip: '10.244.1.60' },
        port: 80,
        protocol: 'TCP',
        dropReason: 'POLICY_DENIED',
        lastSeen: '2023-08-21T12:12:18.510Z',
      });
      expect(r.details!.relays[0]).toMatchObject({
        state: 'ok',
        address: relay.address,
        flows: 1,
      });
    } finally {
      hubble.close();
      await relay.stop();
    }
  });
});
