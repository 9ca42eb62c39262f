import { mockServices } from '@backstage/backend-test-utils';
import { WATCHED_KINDS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeConfig } from '@kubernetes/client-node';
import { FakeApiServer, eventually } from '../__testUtils__/FakeApiServer';
import { runCollectors } from '../collectors';
import { DEFAULT_COLLECTOR_SETTINGS } from '../collectors/types';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterSource,
} from './LiveClusterSource';

const PODS = '/api/v1/pods';
const NETPOLS = '/apis/networking.k8s.io/v1/networkpolicies';
const PEER_AUTHN = '/apis/security.istio.io/v1/peerauthentications';

function kubeConfigFor(server: FakeApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

describe('operability logs', () => {
  it('logs failed lists, forbidden and missing kinds once each, with cluster, kind and path, and the recovery', async () => {
    const server = await FakeApiServer.start();
    server.setStatus(PODS, 500);
    server.setStatus(NETPOLS, 403);
    server.setStatus(PEER_AUTHN, 404);
    const logger = mockServices.logger.mock();
    const source = new LiveClusterSource(
      'prod',
      kubeConfigFor(server),
      {
        ...DEFAULT_LIVE_CLUSTER_OPTIONS,
        initialBackoffMs: 20,
        maxBackoffMs: 40,
        recheckMs: 40,
        logger,
      },
      WATCHED_KINDS.filter(k =>
        ['Pod', 'NetworkPolicy', 'PeerAuthentication'].includes(k.kind),
      ),
    );
    await source.start();
    try {
      // Several retries of each kind happen; each problem is logged once.
      await eventually(() =>
        expect(server.listCount(PODS)).toBeGreaterThanOrEqual(3),
      );
      await eventually(() =>
        expect(server.listCount(NETPOLS)).toBeGreaterThanOrEqual(3),
      );
      const warned = logger.warn.mock.calls;
      expect(warned).toEqual(
        expect.arrayContaining([
          [
            expect.stringMatching(
              /cluster "prod", Pod \(\/api\/v1\/pods\): list\/watch failed, retrying with backoff: HTTP 500/,
            ),
            expect.objectContaining({
              cluster: 'prod',
              kind: 'Pod',
              path: PODS,
              statusCode: 500,
            }),
          ],
          [
            expect.stringMatching(
              /cluster "prod", NetworkPolicy.networking.k8s.io \(\/apis\/networking.k8s.io\/v1\/networkpolicies\): forbidden/,
            ),
            expect.objectContaining({
              cluster: 'prod',
              kind: 'NetworkPolicy.networking.k8s.io',
              path: NETPOLS,
              statusCode: 403,
            }),
          ],
        ]),
      );
      expect(warned).toHaveLength(2);
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringMatching(
          /PeerAuthentication.security.istio.io .*not installed/,
        ),
        expect.objectContaining({ cluster: 'prod', path: PEER_AUTHN }),
      );

      server.setStatus(PODS, undefined);
      server.setCollection(PODS, []);
      await eventually(() =>
        expect(logger.info).toHaveBeenCalledWith(
          'Zero Trust: cluster "prod": Pod synced again',
          expect.objectContaining({ cluster: 'prod', kind: 'Pod' }),
        ),
      );
    } finally {
      await source.stop();
      await server.close();
    }
  });

  it('reports a collector that throws to its caller (the posture service logs it)', () => {
    const onError = jest.fn();
    const results = runCollectors(
      {
        // Not workloads at all: every collector trips over it.
        workloads: [{} as any],
        settings: DEFAULT_COLLECTOR_SETTINGS,
        now: new Date().toISOString(),
      },
      onError,
    );
    const failed = results.filter(r =>
      r.summary.startsWith('Could not evaluate'),
    );
    expect(failed.length).toBeGreaterThan(0);
    expect(onError).toHaveBeenCalledTimes(failed.length);
    expect(onError).toHaveBeenCalledWith(failed[0].control, expect.any(Error));
  });
});
