import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { WATCHED_KINDS } from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeConfig } from '@kubernetes/client-node';
import { FakeApiServer, eventually } from '../__testUtils__/FakeApiServer';
import { CollectorRegistry } from '../collectors/registry';
import { DEFAULT_COLLECTOR_SETTINGS } from '../collectors/types';
import {
  DEMO_SNAPSHOT,
  boutiqueEntities,
} from '../__testUtils__/boutiqueCatalog';
import { ClusterRegistry } from '../service/ClusterRegistry';
import { PostureService } from '../service/PostureService';
import { SnapshotClusterSource } from './SnapshotClusterSource';
import { ClusterSource } from './types';
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
    const results = CollectorRegistry.withBuiltIns().run(
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
  it('logs an unreachable API server per kind with cluster, kind, path and server', async () => {
    // A port nothing listens on: connection refused, no HTTP status at all.
    const server = await FakeApiServer.start();
    const url = server.url;
    await server.close();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    const logger = mockServices.logger.mock();
    const source = new LiveClusterSource(
      'gone',
      kc,
      {
        ...DEFAULT_LIVE_CLUSTER_OPTIONS,
        initialBackoffMs: 20,
        maxBackoffMs: 40,
        logger,
      },
      WATCHED_KINDS.filter(k => k.kind === 'Pod'),
    );
    await source.start();
    try {
      await eventually(() => expect(logger.warn).toHaveBeenCalled());
      const [message, meta] = logger.warn.mock.calls[0];
      expect(message).toMatch(
        /^Zero Trust: cluster "gone", Pod \(\/api\/v1\/pods\): list\/watch failed, retrying with backoff: .*ECONNREFUSED/,
      );
      expect(meta).toEqual({
        cluster: 'gone',
        kind: 'Pod',
        path: PODS,
        server: url,
      });
      // The health route says the same.
      expect(source.health().errors[0]).toMatch(/ECONNREFUSED/);
    } finally {
      await source.stop();
    }
  });

  it('logs unreadable snapshot files and documents with cluster and path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-snapshot-'));
    try {
      fs.writeFileSync(path.join(dir, 'broken.yaml'), 'a: [1,\n');
      fs.writeFileSync(path.join(dir, 'notk8s.yaml'), 'hello: world\n');
      const logger = mockServices.logger.mock();
      const source = SnapshotClusterSource.fromDirectory('offline', dir, {
        logger,
      });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Zero Trust: snapshot cluster "offline", .*broken\.yaml: /,
        ),
        { cluster: 'offline', path: path.join(dir, 'broken.yaml') },
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(/notk8s\.yaml: a document without apiVersion/),
        { cluster: 'offline', path: path.join(dir, 'notk8s.yaml') },
      );
      expect(logger.warn).toHaveBeenCalledTimes(2);
      expect(source.health().errors).toHaveLength(2);

      const missing = path.join(dir, 'missing');
      SnapshotClusterSource.fromDirectory('nowhere', missing, { logger });
      expect(logger.warn).toHaveBeenLastCalledWith(
        expect.stringMatching(/snapshot cluster "nowhere", .*cannot read/),
        { cluster: 'nowhere', path: missing },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs a collector that throws with the entity, control and cluster (the posture service)', async () => {
    const demo = SnapshotClusterSource.fromDirectory('demo', DEMO_SNAPSHOT);
    // A cluster whose PeerAuthentication cache breaks: the mTLS collector throws on it.
    const broken: ClusterSource = Object.assign(Object.create(demo), {
      objects: (group: string, kind: string, namespace?: string) => {
        if (kind === 'PeerAuthentication') throw new Error('index corrupted');
        return demo.objects(group, kind, namespace);
      },
    });
    const logger = mockServices.logger.mock();
    const entities = boutiqueEntities();
    const posture = new PostureService(
      new ClusterRegistry([broken]),
      catalogServiceMock({ entities }),
      DEFAULT_COLLECTOR_SETTINGS,
      logger,
    );
    const adservice = entities.find(e => e.metadata.name === 'adservice')!;
    const result = await posture.postureOf(adservice, mockCredentials.user());
    const mtls = result.controls.find(c => c.control === 'mtls')!;
    expect(mtls.summary).toMatch(/^Could not evaluate/);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'Zero Trust: the mtls collector failed for component:default/adservice (cluster "demo"): index corrupted',
      expect.objectContaining({
        entity: 'component:default/adservice',
        control: 'mtls',
        cluster: 'demo',
        stack: expect.stringContaining('index corrupted'),
      }),
    );
  });
});
