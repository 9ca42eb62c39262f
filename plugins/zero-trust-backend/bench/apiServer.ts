/*
 * HTTP to the test cluster's API servers for the benchmark: loading the fleet (many creates in
 * parallel, uids of recorded objects mapped to the new ones, status written through the status
 * subresource as controllers would), the raw entity-scoped LISTs, and the API server's own
 * request counter.
 */
import { KubeConfig } from '@kubernetes/client-node';
import {
  WATCHED_KINDS,
  collectionPath,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import https from 'node:https';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  DEFAULT_INGEST_LIMITS,
  prepareForCache,
} from '../src/sources/prepareForCache';
import { KubeObject, groupOf } from '../src/sources/types';

v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');

const UID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Resources a page view may read: ours and those of Backstage's kubernetes backend. */
const VIEWABLE = new Set([
  ...WATCHED_KINDS.map(k => k.plural),
  'configmaps',
  'limitranges',
  'resourcequotas',
  'horizontalpodautoscalers',
  'jobs',
  'cronjobs',
  'ingresses',
]);

/** One API server, reached as cluster-admin (loading, metrics) or with a bearer token. */
export class ApiServer {
  private readonly agent: https.Agent;
  readonly server: string;
  private readonly uids = new Map<string, string>();

  static async connect(kc: KubeConfig): Promise<ApiServer> {
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    return new ApiServer(kc.getCurrentCluster()!.server, opts);
  }

  private constructor(
    server: string,
    private readonly tls: https.RequestOptions,
  ) {
    this.server = server;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 32 });
  }

  request(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(path, this.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      ...(token ? {} : (this.tls.headers as Record<string, string>)),
      accept: 'application/json',
    };
    if (payload) headers['content-type'] = 'application/json';
    const options: https.RequestOptions = token
      ? { ca: this.tls.ca, agent: this.agent }
      : { ...this.tls, headers: undefined, agent: this.agent };
    if (token) headers.authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const req = https.request(url, { ...options, method, headers }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /**
   * Creates objects in dependency order (owners before what refers to their uid), `parallel` at a
   * time. Recorded uids in later objects are replaced by the ones the API server assigned.
   */
  async load(objects: KubeObject[], parallel = 24): Promise<number> {
    const phases = new Map<number, KubeObject[]>();
    for (const o of objects) {
      const p = loadOrder(o);
      if (!phases.has(p)) phases.set(p, []);
      phases.get(p)!.push(o);
    }
    let requests = 0;
    for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
      requests += await this.loadPhase(phases.get(phase)!, parallel);
    }
    return requests;
  }

  /** Creates objects that do not refer to each other, `parallel` at a time. */
  private async loadPhase(queue: KubeObject[], parallel: number) {
    let next = 0;
    const counts = await Promise.all(
      Array.from({ length: parallel }, async () => {
        let requests = 0;
        while (next < queue.length) {
          requests += await this.create(queue[next++]);
        }
        return requests;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  private async create(original: KubeObject): Promise<number> {
    const recordedUid = original.metadata.uid;
    const obj: KubeObject = JSON.parse(
      JSON.stringify(original).replace(UID, u => this.uids.get(u) ?? u),
    );
    const meta = obj.metadata as Record<string, unknown>;
    for (const field of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'generation',
      'managedFields',
      'selfLink',
    ]) {
      delete meta[field];
    }
    const spec = obj.spec as Record<string, unknown> | undefined;
    if (obj.kind === 'Service' && spec && spec.clusterIP !== 'None') {
      // Recorded addresses: the API server allocates each copy its own.
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    const collection = collectionOf(obj);
    const created = await this.request('POST', collection, obj);
    if (created.status === 409) return 1; // shared objects of a later batch
    if (created.status >= 300) {
      throw new Error(
        `create ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}: ${created.status} ${created.text}`,
      );
    }
    const result = JSON.parse(created.text) as KubeObject;
    if (recordedUid) this.uids.set(recordedUid, result.metadata.uid!);
    if (
      obj.status !== undefined &&
      JSON.stringify(result.status) !== JSON.stringify(obj.status)
    ) {
      const updated = await this.request(
        'PUT',
        `${collection}/${obj.metadata.name}/status`,
        { ...result, status: obj.status },
      );
      if (updated.status >= 300) {
        throw new Error(
          `status of ${obj.kind} ${obj.metadata.name}: ${updated.status} ${updated.text}`,
        );
      }
      return 2;
    }
    return 1;
  }

  /**
   * Reads the API server counted (`apiserver_request_total`): GET and LIST of the kinds a view can
   * read (ours and the kubernetes backend's). WATCH is long-running and counted when a watch ends;
   * the API server's own background writes (leases, endpoints) are not reads of these kinds.
   */
  async requestCount(): Promise<{ requests: number; watches: number }> {
    const { text } = await this.request('GET', '/metrics');
    let requests = 0;
    let watches = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith('apiserver_request_total{')) continue;
      const labels = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'));
      const resource = /(?:^|,)resource="([^"]*)"/.exec(labels)?.[1];
      const verb = /(?:^|,)verb="([^"]*)"/.exec(labels)?.[1];
      if (!resource || !VIEWABLE.has(resource)) continue;
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (verb === 'WATCH') watches += value;
      else if (verb === 'LIST' || verb === 'GET') requests += value;
    }
    return { requests, watches };
  }

  /**
   * The heap one cluster's informer caches take, kind by kind: each watched kind listed as an
   * informer lists it, held as parsed objects, then after prepareForCache (the transform before
   * caching).
   */
  async cacheFootprint(): Promise<CacheFootprint> {
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const kinds: CacheFootprint['kinds'] = [];
    for (const kind of WATCHED_KINDS) {
      let text: string | undefined = (
        await this.request('GET', collectionPath(kind))
      ).text;
      const base = heap();
      let objects: KubeObject[] | undefined =
        (JSON.parse(text) as { items?: KubeObject[] }).items ?? [];
      text = undefined;
      const whole = Math.max(0, heap() - base);
      for (const o of objects) prepareForCache(o, DEFAULT_INGEST_LIMITS);
      const transformed = Math.max(0, heap() - base);
      kinds.push({
        kind: kind.kind,
        count: objects.length,
        whole,
        transformed,
      });
      objects = undefined;
    }
    return {
      whole: kinds.reduce((n, k) => n + k.whole, 0),
      transformed: kinds.reduce((n, k) => n + k.transformed, 0),
      kinds,
    };
  }

  close() {
    this.agent.destroy();
  }
}

/** Heap of one cluster's cached objects, whole and after the transform, in bytes. */
export interface CacheFootprint {
  whole: number;
  transformed: number;
  kinds: Array<{
    kind: string;
    count: number;
    whole: number;
    transformed: number;
  }>;
}

function collectionOf(obj: KubeObject): string {
  const group = groupOf(obj.apiVersion);
  const kind = WATCHED_KINDS.find(
    k => k.group === group && k.kind === obj.kind,
  );
  const known: Record<string, { plural: string; namespaced: boolean }> = {
    ClusterRole: { plural: 'clusterroles', namespaced: false },
  };
  const resource = kind ?? known[obj.kind];
  if (!resource)
    throw new Error(`no collection for ${obj.apiVersion} ${obj.kind}`);
  const prefix = group ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
  return resource.namespaced
    ? `${prefix}/namespaces/${obj.metadata.namespace ?? 'default'}/${
        resource.plural
      }`
    : `${prefix}/${resource.plural}`;
}

function loadOrder(o: KubeObject): number {
  if (o.kind === 'Namespace') return 0;
  if (['ServiceAccount', 'ClusterRole', 'Role'].includes(o.kind)) return 1;
  if (['RoleBinding', 'ClusterRoleBinding'].includes(o.kind)) return 2;
  if (o.kind === 'ReplicaSet') return 4;
  if (o.kind === 'Pod') return 5;
  if (o.kind.endsWith('Report') || o.kind === 'AnalysisRun') return 6;
  return 3;
}

/**
 * What a minimal client needs for one entity's eleven controls, in its namespace: one LIST per
 * namespaced kind the controls read, label-selected where the kind carries the entity's label
 * (workloads and Services); policies, RBAC bindings and reports carry none, so their whole
 * namespace. Cluster-scoped kinds (Namespaces, ClusterRoles, cluster-wide policies and reports)
 * are left out: a lower bound.
 */
export function entityScopedLists(
  namespace: string,
  kubernetesId: string,
): string[] {
  const labelled = new Set([
    'Pod',
    'Service',
    'Deployment',
    'ReplicaSet',
    'StatefulSet',
    'DaemonSet',
    'Rollout',
  ]);
  return WATCHED_KINDS.filter(k => k.namespaced).map(k => {
    const path = collectionPath(k).replace(
      /\/([^/]+)$/,
      `/namespaces/${namespace}/$1`,
    );
    return labelled.has(k.kind)
      ? `${path}?labelSelector=${encodeURIComponent(
          `backstage.io/kubernetes-id=${kubernetesId}`,
        )}`
      : path;
  });
}
