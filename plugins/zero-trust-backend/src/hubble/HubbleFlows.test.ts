import * as grpc from '@grpc/grpc-js';
import { ConfigReader } from '@backstage/config';
import { startFakeRelay } from '../__testUtils__/hubbleRelay';
import { HubbleFlows, readHubbleSettings } from './HubbleFlows';
import {
  exportDocsIpv6Drop,
  exportDocsXwingDenied,
  printerJsonpbDrop,
  registryTestForwarded,
} from './__fixtures__/hubbleFlows';

const lines = [
  exportDocsIpv6Drop,
  exportDocsXwingDenied,
  printerJsonpbDrop,
  ...registryTestForwarded,
];

const settings = (address: string, extra: object = {}) =>
  readHubbleSettings(
    new ConfigReader({
      zeroTrust: { hubble: { relays: { kind: { address } }, ...extra } },
    }),
  );

// The first test loads Cilium's protos (client and server) and opens the first gRPC connection:
// seconds on a busy 2-core machine, beyond Jest's default 5 s.
jest.setTimeout(60_000);

describe('HubbleFlows against a gRPC server serving Cilium’s observer.proto', () => {
  let relay: Awaited<ReturnType<typeof startFakeRelay>>;
  afterEach(async () => relay?.stop());

  it('asks GetFlows for the pods since the window and returns their flows as Hubble shapes them', async () => {
    relay = await startFakeRelay({ lines });
    const now = Date.parse('2023-08-21T12:20:00Z');
    const hubble = new HubbleFlows(settings(relay.address), () => now);
    const read = await hubble.read('kind', [
      'default/deathstar-7848d6c4d5-th9v2',
    ]);
    expect(read).toMatchObject({ state: 'ok', address: relay.address });
    expect(read.flows).toHaveLength(1);
    expect(read.flows[0]).toMatchObject({
      time: '2023-08-21T12:12:18.510Z',
      verdict: 'DROPPED',
      drop_reason_desc: 'POLICY_DENIED',
      IP: {
        source: '10.244.1.60',
        destination: '10.244.1.5',
        ipVersion: 'IPv4',
      },
      l4: {
        TCP: { source_port: 44916, destination_port: 80, flags: { SYN: true } },
      },
      source: { namespace: 'default', pod_name: 'xwing' },
      destination: {
        namespace: 'default',
        pod_name: 'deathstar-7848d6c4d5-th9v2',
      },
    });
    expect(relay.requests).toHaveLength(1);
    expect(relay.requests[0]).toMatchObject({
      number: 10000,
      since: { seconds: (now - 15 * 60_000) / 1000 },
      whitelist: [
        { source_pod: ['default/deathstar-7848d6c4d5-th9v2'] },
        { destination_pod: ['default/deathstar-7848d6c4d5-th9v2'] },
      ],
    });
    // Read once, not followed (proto3 leaves a false `follow` out).
    expect(relay.requests[0].follow).toBeFalsy();
    // Within the cache time the Relay is asked once.
    await hubble.read('kind', ['default/deathstar-7848d6c4d5-th9v2']);
    expect(relay.requests).toHaveLength(1);
    hubble.close();
  });

  it('says not-configured for a cluster without a Relay, and reads nothing', async () => {
    const hubble = new HubbleFlows(readHubbleSettings(new ConfigReader({})));
    expect(await hubble.read('kind', ['a/b'])).toEqual({
      state: 'not-configured',
      flows: [],
    });
  });

  it.each([
    [grpc.status.PERMISSION_DENIED, 'forbidden'],
    [grpc.status.UNAUTHENTICATED, 'forbidden'],
    [grpc.status.INTERNAL, 'error'],
  ])('classifies gRPC status %s as %s', async (code, state) => {
    relay = await startFakeRelay({ lines, fail: code });
    const hubble = new HubbleFlows(settings(relay.address));
    const read = await hubble.read('kind', ['bar/bar-123']);
    expect(read).toMatchObject({ state, flows: [] });
    expect(read.message).toMatch(/refused by the test relay/);
    hubble.close();
  });

  it('times out on a Relay that does not answer in time', async () => {
    relay = await startFakeRelay({ lines, delayMs: 2000 });
    const hubble = new HubbleFlows(
      settings(relay.address, { timeout: { milliseconds: 200 } }),
    );
    expect(await hubble.read('kind', ['bar/bar-123'])).toMatchObject({
      state: 'timeout',
      message: 'no answer within the timeout',
    });
    hubble.close();
  });

  it('is unreachable when nothing listens', async () => {
    relay = await startFakeRelay({ lines });
    const address = relay.address;
    await relay.stop();
    const hubble = new HubbleFlows(
      settings(address, { timeout: { seconds: 5 } }),
    );
    expect(await hubble.read('kind', ['bar/bar-123'])).toMatchObject({
      state: 'unreachable',
    });
    hubble.close();
  });

  it('rejects a malformed duration in the configuration', () => {
    expect(() =>
      readHubbleSettings(
        new ConfigReader({ zeroTrust: { hubble: { window: 'soon' } } }),
      ),
    ).toThrow(/window/);
  });
});
