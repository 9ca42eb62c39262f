import { WATCHED_KINDS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { FakeApiServer, eventually } from '../__testUtils__/FakeApiServer';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterOptions,
  LiveClusterSource,
} from './LiveClusterSource';
import { configLocatorClusters } from '../__testUtils__/clusterAccess';

const PODS = '/api/v1/pods';
const NETPOLS = '/apis/networking.k8s.io/v1/networkpolicies';
const PEER_AUTHN = '/apis/security.istio.io/v1/peerauthentications';

const kinds = WATCHED_KINDS.filter(k =>
  ['Pod', 'NetworkPolicy', 'PeerAuthentication'].includes(k.kind),
);

const fast: LiveClusterOptions = {
  ...DEFAULT_LIVE_CLUSTER_OPTIONS,
  requestTimeoutMs: 400,
  pageSize: 2,
  watchTimeoutSeconds: 30,
  initialBackoffMs: 30,
  maxBackoffMs: 150,
  recheckMs: 200,
  staleAfterMs: 60_000,
};

const pod = (name: string, resourceVersion = '1') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, resourceVersion },
});

async function sourceFor(server: FakeApiServer, name = 'c1') {
  const [cluster] = await configLocatorClusters([
    {
      name,
      url: server.url,
      authProvider: 'serviceAccount',
      serviceAccountToken: 'test-token',
      skipTLSVerify: true,
    },
  ]);
  return new LiveClusterSource(name, cluster.kubeConfig!, fast, kinds);
}

describe('LiveClusterSource', () => {
  let server: FakeApiServer;
  let source: LiveClusterSource | undefined;

  beforeEach(async () => {
    server = await FakeApiServer.start();
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await server.close();
  });

  it('lists in pages, then watches from the list version; reads cost no request', async () => {
    server.setCollection(PODS, [pod('a'), pod('b'), pod('c')], '42');
    server.setStatus(NETPOLS, 403);
    source = await sourceFor(server);
    await source.start();

    await eventually(() => {
      expect(source!.kindStatus('', 'Pod').state).toBe('synced');
      expect(server.openWatches(PODS)).toBe(1);
    });
    // Items of typed lists get their kind back, pages are joined.
    expect(
      source.objects('', 'Pod').map(p => [p.kind, p.metadata.name]),
    ).toEqual([
      ['Pod', 'a'],
      ['Pod', 'b'],
      ['Pod', 'c'],
    ]);
    expect(server.listCount(PODS)).toBe(2);
    const watch = server.requests.find(r => r.path === PODS && r.watch)!;
    expect(watch.query).toMatchObject({
      resourceVersion: '42',
      allowWatchBookmarks: 'true',
    });
    expect(watch.authorization).toBe('Bearer test-token');

    // A kind whose CRD is absent answers 404, one we may not read 403: answers, not errors.
    await eventually(() => {
      expect(
        source!.kindStatus('security.istio.io', 'PeerAuthentication').state,
      ).toBe('not-installed');
      expect(
        source!.kindStatus('networking.k8s.io', 'NetworkPolicy').state,
      ).toBe('forbidden');
    });

    const before = server.requests.length;
    for (let i = 0; i < 100; i++) {
      source.objects('', 'Pod', 'shop');
      source.health();
    }
    expect(server.requests.length).toBe(before);
    expect(source.health()).toMatchObject({
      name: 'c1',
      source: 'live',
      healthy: true,
      errors: [],
    });
  });

  it('applies watch events, resumes a closed watch from its version, and relists on 410 Gone', async () => {
    server.setCollection(PODS, [pod('a')], '10');
    source = await sourceFor(server);
    await source.start();
    await eventually(() => expect(server.openWatches(PODS)).toBe(1));

    server.push(PODS, 'ADDED', pod('b', '11'));
    server.push(PODS, 'MODIFIED', {
      ...pod('a', '12'),
      metadata: {
        ...pod('a').metadata,
        resourceVersion: '12',
        labels: { x: 'y' },
      },
    });
    server.push(PODS, 'BOOKMARK', {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { resourceVersion: '13' },
    });
    await eventually(() => {
      const pods = source!.objects('', 'Pod');
      expect(pods.map(p => p.metadata.name).sort()).toEqual(['a', 'b']);
      expect(pods.find(p => p.metadata.name === 'a')!.metadata.labels).toEqual({
        x: 'y',
      });
    });
    server.push(PODS, 'DELETED', pod('b', '14'));
    await eventually(() => expect(source!.objects('', 'Pod')).toHaveLength(1));

    // The server ends the watch (timeoutSeconds): no relist, a new watch from the last version.
    server.endWatches(PODS);
    await eventually(() => expect(server.openWatches(PODS)).toBe(1));
    expect(server.listCount(PODS)).toBe(1);
    expect(
      server.requests.filter(r => r.watch).at(-1)!.query.resourceVersion,
    ).toBe('14');

    // The version expired: the next watch gets 410, the informer lists again and drops what is gone.
    server.setCollection(PODS, [pod('c', '20')], '20');
    server.expireNextWatch(PODS);
    server.endWatches(PODS);
    await eventually(() => {
      expect(server.listCount(PODS)).toBe(2);
      expect(source!.objects('', 'Pod').map(p => p.metadata.name)).toEqual([
        'c',
      ]);
    });
  });

  it('serves stale objects while the API server is down, then syncs again', async () => {
    server.setCollection(PODS, [pod('a')], '5');
    source = await sourceFor(server);
    await source.start();
    await eventually(() => expect(server.openWatches(PODS)).toBe(1));

    await server.close();
    // First the watch breaks, then reconnecting is refused; the cache keeps serving meanwhile.
    await eventually(() => {
      expect(source!.kindStatus('', 'Pod')).toMatchObject({
        state: 'error',
        error: expect.stringMatching(/ECONNREFUSED/),
      });
    });
    expect(source.objects('', 'Pod').map(p => p.metadata.name)).toEqual(['a']);
    const down = source.health();
    expect(down.healthy).toBe(false);
    expect(down.errors).toEqual([
      expect.stringMatching(/^Pod: .*ECONNREFUSED/),
    ]);

    await server.restart();
    server.setCollection(PODS, [pod('a'), pod('b')], '9');
    server.expireNextWatch(PODS); // the restarted server no longer knows version 5
    await eventually(() => {
      expect(source!.kindStatus('', 'Pod').state).toBe('synced');
      expect(source!.objects('', 'Pod')).toHaveLength(2);
    });
    expect(source.health().healthy).toBe(true);
  });

  it('times out on a server that never answers while other clusters keep serving', async () => {
    const silent = await FakeApiServer.start();
    silent.hang();
    server.setCollection(PODS, [pod('a')]);
    source = await sourceFor(server, 'answers');
    const stuck = await sourceFor(silent, 'silent');
    try {
      await Promise.all([source.start(), stuck.start()]);
      await eventually(() => {
        expect(stuck.kindStatus('', 'Pod')).toMatchObject({
          state: 'error',
          error: expect.stringMatching(/timed out after 400 ms/),
        });
      });
      expect(source.kindStatus('', 'Pod').state).toBe('synced');
      expect(source.objects('', 'Pod')).toHaveLength(1);
      expect(stuck.health()).toMatchObject({ healthy: false, name: 'silent' });
      // Retries back off: a handful of attempts, not a tight loop.
      expect(silent.listCount(PODS)).toBeLessThan(10);
    } finally {
      await stuck.stop();
      await silent.close();
    }
  });

  it('picks up a CRD installed after start on the next recheck', async () => {
    source = await sourceFor(server);
    await source.start();
    await eventually(() =>
      expect(
        source!.kindStatus('security.istio.io', 'PeerAuthentication').state,
      ).toBe('not-installed'),
    );
    expect(source.objects('security.istio.io', 'PeerAuthentication')).toEqual(
      [],
    );
    server.setCollection(PEER_AUTHN, [
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: 'istio-system' },
      },
    ]);
    await eventually(() =>
      expect(
        source!.objects(
          'security.istio.io',
          'PeerAuthentication',
          'istio-system',
        ),
      ).toHaveLength(1),
    );
  });

  it('reports a misconfigured cluster without connecting', () => {
    const broken = LiveClusterSource.misconfigured(
      'nope',
      'no auth provider configured',
    );
    expect(broken.health()).toMatchObject({
      healthy: false,
      errors: ['no auth provider configured'],
    });
    expect(broken.kindStatus('', 'Pod').state).toBe('error');
    expect(broken.objects('', 'Pod')).toEqual([]);
  });
});
