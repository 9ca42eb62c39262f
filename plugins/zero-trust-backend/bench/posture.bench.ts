/*
 * Benchmark (not a test): one component's Zero Trust posture against Backstage's kubernetes
 * backend for the same entity, and against the raw entity-scoped LISTs a minimal client needs,
 * on a simulated fleet of Online Boutique shops in real kube-apiservers (the test cluster).
 *
 * Every side goes through HTTP with the same real Backstage user token (guest provider, signed by
 * the auth backend), the permission check (permission backend, allow-all policy) and the catalog
 * lookup, in a real backend of its own process; the raw LISTs go to the API server with the
 * backend's ServiceAccount token. See the README ("Benchmark") for the method and figures.
 *
 *   yarn workspace @zero-trust-k8s/plugin-zero-trust-backend bench [--quick] [--sizes 1k,5k,20k,50k]
 *     [--servers 5] [--views 200]
 */
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { TestCluster } from '@zero-trust-k8s/test-cluster';
import YAML from 'yaml';
import { ApiServer, CacheFootprint, entityScopedLists } from './apiServer';
import {
  FleetTemplate,
  componentsOf,
  fleetTemplate,
  sharedObjects,
  shopCatalog,
  shopName,
  shopObjects,
} from './fleet';
import { freePort } from '../src/__testUtils__/freePort';
import { KubeObject } from '../src/sources/types';

// eslint-disable-next-line no-restricted-syntax
const REPO = path.resolve(__dirname, '../../..');

/** Pods per Deployment pod template, as a production service would run them. */
const REPLICAS = 10;
/** Shops whose catalog is registered and whose components are viewed, per size. */
const VIEWED_SHOPS = 6;
const GIB = 2 ** 30;
const MIB = 2 ** 20;

interface Size {
  name: string;
  pods: number;
  clusters: number;
}

const FULL_SIZES: Size[] = [
  { name: '1k', pods: 1_000, clusters: 1 },
  { name: '5k', pods: 5_000, clusters: 5 },
  { name: '20k', pods: 20_000, clusters: 20 },
  { name: '50k', pods: 50_000, clusters: 20 },
];
const QUICK_SIZE: Size = { name: 'quick', pods: 200, clusters: 2 };

function options() {
  const argv = process.argv.slice(2);
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const names = value('--sizes')?.split(',');
  const sizes = quick
    ? [QUICK_SIZE]
    : FULL_SIZES.filter(s => !names || names.includes(s.name));
  return {
    quick,
    sizes,
    maxServers: Number(value('--servers') ?? (quick ? 1 : 5)),
    views: Number(value('--views') ?? (quick ? 30 : 200)),
  };
}

// ---------------------------------------------------------------------------------------------
// The API servers and the fleet they hold

interface Server {
  cluster: TestCluster;
  api: ApiServer;
  shops: number;
  objects: number;
  token: string;
  /** Heap of the informer caches of one cluster entry on this server. */
  footprint: CacheFootprint;
  caData?: string;
  caFile?: string;
}

/** ClusterRole for what Backstage's kubernetes backend reads beyond our kinds (its docs' list). */
const kubernetesPluginReader: KubeObject[] = [
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'backstage-kubernetes-plugin-reader' },
    rules: [
      {
        apiGroups: ['', 'apps', 'autoscaling', 'batch', 'networking.k8s.io'],
        resources: [
          'configmaps',
          'limitranges',
          'resourcequotas',
          'horizontalpodautoscalers',
          'jobs',
          'cronjobs',
          'ingresses',
        ],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'backstage-kubernetes-plugin-reader' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'backstage-kubernetes-plugin-reader',
    },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: 'zero-trust-backstage',
        namespace: 'backstage',
      },
    ],
  } as KubeObject,
];

async function startServer(template: FleetTemplate): Promise<Server> {
  const cluster = await TestCluster.start({
    apply: [path.join(REPO, 'examples/rbac')],
  });
  try {
    const kc = cluster.kubeConfig();
    const api = await ApiServer.connect(kc);
    const objects = await api.load([
      ...sharedObjects(template),
      ...kubernetesPluginReader,
    ]);
    const current = kc.getCurrentCluster()!;
    return {
      cluster,
      api,
      shops: 0,
      objects,
      token: await cluster.tokenFor('backstage', 'zero-trust-backstage'),
      footprint: { whole: 0, transformed: 0, kinds: [] },
      caData: current.caData,
      caFile: current.caFile,
    };
  } catch (e) {
    // Not yet in the list main() disposes of.
    await cluster.dispose();
    throw e;
  }
}

async function growServer(
  server: Server,
  template: FleetTemplate,
  shops: number,
) {
  const objects: KubeObject[] = [];
  for (let s = server.shops; s < shops; s++) {
    objects.push(...shopObjects(template, shopName(s)));
  }
  await server.api.load(objects);
  server.objects += objects.length;
  server.shops = Math.max(server.shops, shops);
  server.footprint = await server.api.cacheFootprint();
}

// ---------------------------------------------------------------------------------------------
// The backend under test

interface MemorySample {
  type: string;
  time: number;
  rss: number;
  heapUsed: number;
}

class BackendProcess {
  readonly samples: MemorySample[] = [];
  private child?: ChildProcess;
  private readonly waiters: Array<(m: MemorySample) => void> = [];
  readonly baseUrl: string;
  readonly logFile: string;
  readonly spawnedAt = performance.now();
  startedAt?: number;

  constructor(readonly port: number, configFile: string, name: string) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.logFile = path.join(os.tmpdir(), `zt-bench-${name}.log`);
    const log = fs.openSync(this.logFile, 'w');
    this.child = fork(
      path.join(__dirname, 'backend.ts'),
      ['--config', configFile],
      {
        cwd: path.resolve(__dirname, '..'),
        execArgv: [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          '--expose-gc',
        ],
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', log, log, 'ipc'],
      },
    );
    fs.closeSync(log);
    this.child.on('message', (m: MemorySample) => {
      this.samples.push(m);
      if (m.type === 'started') this.startedAt = performance.now();
      if (m.type !== 'memory') this.waiters.splice(0).forEach(w => w(m));
    });
  }

  private next(type: string, timeoutMs: number): Promise<MemorySample> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `backend: no "${type}" within ${timeoutMs} ms, see ${this.logFile}`,
            ),
          ),
        timeoutMs,
      );
      const wait = (m: MemorySample) => {
        if (m.type === type) {
          clearTimeout(timer);
          resolve(m);
        } else this.waiters.push(wait);
      };
      this.waiters.push(wait);
      this.child!.once('exit', code => {
        clearTimeout(timer);
        reject(new Error(`backend exited with ${code}, see ${this.logFile}`));
      });
    });
  }

  async started() {
    if (this.startedAt === undefined) await this.next('started', 180_000);
  }

  /** process.memoryUsage() after two full GCs. */
  gc(): Promise<MemorySample> {
    const reply = this.next('gc', 60_000);
    this.child!.send('gc');
    return reply;
  }

  peak(since = 0) {
    const s = this.samples.filter(m => m.time >= since);
    return {
      rss: Math.max(...s.map(m => m.rss)),
      heapUsed: Math.max(...s.map(m => m.heapUsed)),
    };
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.removeAllListeners('exit');
    await new Promise<void>(resolve => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

async function userToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in: ${res.status}`);
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

// ---------------------------------------------------------------------------------------------
// Measuring

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  requestsPerView: number;
}

async function measure(
  servers: Server[],
  views: number,
  view: (i: number) => Promise<void>,
): Promise<Latency> {
  for (let i = 0; i < 5; i++) await view(i); // warm-up, not counted
  const count = async () =>
    (await Promise.all(servers.map(s => s.api.requestCount()))).reduce(
      (n, c) => n + c.requests,
      0,
    );
  const before = await count();
  const samples: number[] = [];
  for (let i = 0; i < views; i++) {
    const start = performance.now();
    await view(i);
    samples.push(performance.now() - start);
  }
  const requests = (await count()) - before;
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    requestsPerView: requests / views,
  };
}

async function expectOk(res: Response, what: string) {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

interface SizeResult {
  size: Size;
  pods: number;
  objects: number;
  services: number;
  servers: number;
  ours: Latency;
  theirs: Latency;
  raw: Latency;
  floor: Latency;
  health: Latency;
  rawLists: number;
  boot: number;
  coldSync: number;
  /** Lists that failed during the cold sync and were retried with backoff. */
  retries: number;
  peakRss: number;
  peakHeap: number;
  steadyRss: number;
  steadyHeap: number;
  /** One cluster's cached objects by kind (the first API server's). */
  cacheKinds: CacheFootprint['kinds'];
  /** Heap of the informer caches' objects, whole and after the transform. */
  cache: { whole: number; transformed: number };
}

/** The app-config of the backend under test. */
function writeBackendConfig(
  configFile: string,
  port: number,
  catalogFile: string,
  clusters: Array<{ name: string; server: Server }>,
) {
  fs.writeFileSync(
    configFile,
    YAML.stringify({
      app: { baseUrl: 'http://127.0.0.1:3000' },
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      auth: {
        environment: 'development',
        providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
      },
      permission: { enabled: true },
      catalog: {
        rules: [{ allow: ['Component', 'API', 'System', 'Group', 'Resource'] }],
        locations: [{ type: 'file', target: catalogFile }],
      },
      kubernetes: {
        // The entity's backstage.io/kubernetes-cluster annotation picks its cluster, for both.
        serviceLocatorMethod: { type: 'singleTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: clusters.map(c => ({
              name: c.name,
              url: c.server.api.server,
              authProvider: 'serviceAccount',
              serviceAccountToken: c.server.token,
              ...(c.server.caData
                ? { caData: c.server.caData }
                : { caFile: c.server.caFile }),
            })),
          },
        ],
        customResources: [
          { group: 'argoproj.io', apiVersion: 'v1alpha1', plural: 'rollouts' },
        ],
      },
    }),
  );
}

/** The same backend without clusters or catalog: what the process takes before any fleet. */
async function baselineMemory(): Promise<MemorySample> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-bench-baseline-'));
  const catalogFile = path.join(dir, 'catalog.yaml');
  fs.writeFileSync(catalogFile, '');
  const port = await freePort();
  const configFile = path.join(dir, 'app-config.yaml');
  writeBackendConfig(configFile, port, catalogFile, []);
  const backend = new BackendProcess(port, configFile, 'baseline');
  try {
    await backend.started();
    await userToken(backend.baseUrl);
    await new Promise(r => setTimeout(r, 5_000));
    return await backend.gc();
  } finally {
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runSize(
  size: Size,
  template: FleetTemplate,
  servers: Server[],
  views: number,
): Promise<SizeResult> {
  const clusters = Array.from({ length: size.clusters }, (_, i) => ({
    name: `cluster-${i}`,
    server: servers[i % servers.length],
  }));
  // Shops whose catalog is registered and whose components are viewed, spread over the clusters.
  const shopsPerCluster = servers[0].shops;
  const viewed = Array.from(
    { length: Math.min(VIEWED_SHOPS, size.clusters * shopsPerCluster) },
    (_, j) => ({
      cluster:
        clusters[
          Math.floor((j * size.clusters) / VIEWED_SHOPS) % size.clusters
        ],
      shop: shopName((j * 7) % shopsPerCluster),
    }),
  );
  const catalog = viewed.flatMap(v => shopCatalog(v.shop, v.cluster.name));
  const components = componentsOf(catalog);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zt-bench-${size.name}-`));
  const catalogFile = path.join(dir, 'catalog.yaml');
  fs.writeFileSync(
    catalogFile,
    catalog.map(e => YAML.stringify(e)).join('---\n'),
  );

  const run = async () => {
    const port = await freePort();
    const configFile = path.join(dir, `app-config-${port}.yaml`);
    writeBackendConfig(configFile, port, catalogFile, clusters);
    const backend = new BackendProcess(port, configFile, size.name);
    try {
      await backend.started();
      const token = await until('a user token', 60_000, () =>
        userToken(backend.baseUrl),
      );
      const auth = { authorization: `Bearer ${token}` };
      await until('every kind of every cluster synced', 900_000, async () => {
        const res = await fetch(
          `${backend.baseUrl}/api/zero-trust/v1/clusters`,
          {
            headers: auth,
          },
        );
        const { items } = (await res.json()) as {
          items: Array<{ kinds?: Array<{ state: string }> }>;
        };
        return items.length === size.clusters &&
          // A kind whose list failed is retried with backoff: synced means listed, not attempted.
          items.every(c =>
            c.kinds?.every(
              k => k.state === 'synced' || k.state === 'not-installed',
            ),
          )
          ? true
          : undefined;
      });
      const coldSync = (performance.now() - backend.spawnedAt) / 1000;
      // Lists that failed (timed out) during the cold sync and were retried, from the backend's log.
      const retries = (
        fs.readFileSync(backend.logFile, 'utf8').match(/list\/watch failed/g) ??
        []
      ).length;
      const health = (await (
        await fetch(`${backend.baseUrl}/api/zero-trust/v1/clusters`, {
          headers: auth,
        })
      ).json()) as {
        items: Array<{ kinds?: Array<{ state: string; count?: number }> }>;
      };
      const states = new Map<string, number>();
      let cached = 0;
      for (const k of health.items.flatMap(c => c.kinds ?? [])) {
        states.set(k.state, (states.get(k.state) ?? 0) + 1);
        cached += k.count ?? 0;
      }
      console.log(
        `${size.name}: synced in ${coldSync.toFixed(
          1,
        )} s, ${cached} objects cached; kinds: ${[...states]
          .map(([state, n]) => `${n} ${state}`)
          .join(', ')}; ${retries} failed lists retried`,
      );
      const boot = (backend.startedAt! - backend.spawnedAt) / 1000;
      return { backend, token, auth, coldSync, boot, cached, retries };
    } catch (e) {
      await backend.stop();
      throw e;
    }
  };

  const { backend, auth, coldSync, boot, cached, retries } = await run();
  try {
    const entities = await until('the catalog', 300_000, async () => {
      const found = await Promise.all(
        components.map(async c => {
          const res = await fetch(
            `${backend.baseUrl}/api/catalog/entities/by-name/component/${c.namespace}/${c.name}`,
            { headers: auth },
          );
          return res.ok ? ((await res.json()) as any) : undefined;
        }),
      );
      // Relations are stitched after ingestion: wait for the callers the controls read.
      const stitched = found.every(
        e =>
          e &&
          (e.metadata.name !== 'productcatalogservice' ||
            e.relations?.some(
              (r: { type: string }) => r.type === 'dependencyOf',
            )),
      );
      return stitched ? found : undefined;
    });
    const serversOf = [...new Set(clusters.map(c => c.server))];
    const ours = await measure(serversOf, views, async i => {
      const c = components[i % components.length];
      await expectOk(
        await fetch(
          `${backend.baseUrl}/api/zero-trust/v1/entities/component/${c.namespace}/${c.name}/posture`,
          { headers: auth },
        ),
        'posture',
      );
    });
    const theirs = await measure(serversOf, views, async i => {
      const c = components[i % components.length];
      await expectOk(
        await fetch(
          `${backend.baseUrl}/api/kubernetes/services/${c.kubernetesId}`,
          {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ entity: entities[i % components.length] }),
          },
        ),
        'kubernetes backend',
      );
    });
    // Backstage's own cost of one authenticated request with a catalog lookup, for reference.
    const floor = await measure(serversOf, views, async i => {
      const c = components[i % components.length];
      await expectOk(
        await fetch(
          `${backend.baseUrl}/api/catalog/entities/by-name/component/${c.namespace}/${c.name}`,
          { headers: auth },
        ),
        'catalog',
      );
    });
    // The clusters' health, which every posture response carries.
    const health = await measure(serversOf, views, async () => {
      await expectOk(
        await fetch(`${backend.baseUrl}/api/zero-trust/v1/clusters`, {
          headers: auth,
        }),
        'clusters',
      );
    });
    const serverOf = new Map(clusters.map(c => [c.name, c.server]));
    const lists = entityScopedLists('x', 'x').length;
    const raw = await measure(serversOf, views, async i => {
      const c = components[i % components.length];
      const server = serverOf.get(c.cluster)!;
      await Promise.all(
        entityScopedLists(c.kubernetesNamespace, c.kubernetesId).map(
          async p => {
            const res = await server.api.request(
              'GET',
              p,
              undefined,
              server.token,
            );
            if (res.status !== 200) throw new Error(`LIST ${p}: ${res.status}`);
            JSON.parse(res.text);
          },
        ),
      );
    });
    const steady = await backend.gc();
    const peak = backend.peak();
    const distinct = serversOf;
    const podsPerServer = (s: Server) => s.shops * template.podsPerShop;
    return {
      size,
      pods: clusters.reduce((n, c) => n + podsPerServer(c.server), 0),
      objects: cached,
      services: clusters.reduce(
        (n, c) => n + c.server.shops * template.servicesPerShop,
        0,
      ),
      servers: distinct.length,
      ours,
      theirs,
      raw,
      floor,
      health,
      rawLists: lists,
      boot,
      coldSync,
      retries,
      peakRss: peak.rss,
      peakHeap: peak.heapUsed,
      steadyRss: steady.rss,
      steadyHeap: steady.heapUsed,
      cacheKinds: clusters[0].server.footprint.kinds,
      cache: {
        whole: clusters.reduce((n, c) => n + c.server.footprint.whole, 0),
        transformed: clusters.reduce(
          (n, c) => n + c.server.footprint.transformed,
          0,
        ),
      },
    };
  } finally {
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const ms = (v: number) => `${v.toFixed(1)} ms`;
const mib = (v: number) =>
  v < 10 * MIB ? `${(v / MIB).toFixed(1)} MiB` : `${Math.round(v / MIB)} MiB`;
const x = (a: number, b: number) => `×${(a / b).toFixed(2)}`;
const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(r => `| ${r.join(' | ')} |`),
  ].join('\n');

function report(
  results: SizeResult[],
  baseline: MemorySample,
  seconds: number,
  quick: boolean,
) {
  const label = (r: SizeResult) =>
    `${r.size.name}: ${r.pods.toLocaleString('en')} pods, ${
      r.size.clusters
    } cluster${r.size.clusters > 1 ? 's' : ''} on ${r.servers} API server${
      r.servers > 1 ? 's' : ''
    }`;
  const out: string[] = [];
  out.push(
    '\n### Latency per page view (HTTP, same user token, permission check and catalog lookup)\n',
  );
  out.push(
    table(
      ['size', 'side', 'p50', 'p95', 'p99', 'API requests / view'],
      results.flatMap(r =>
        (
          [
            ['zero-trust `/posture`', r.ours],
            ['kubernetes backend `/services/{entity}`', r.theirs],
            [`raw entity-scoped LISTs (${r.rawLists} in parallel)`, r.raw],
            [
              'for reference: catalog `/entities/by-name` (same token)',
              r.floor,
            ],
            [
              'for reference: zero-trust `/v1/clusters` (the health each posture carries)',
              r.health,
            ],
          ] as const
        ).map(([side, t], i) => [
          i === 0 ? label(r) : '',
          side,
          ms(t.p50),
          ms(t.p95),
          ms(t.p99),
          t.requestsPerView.toFixed(1),
        ]),
      ),
    ),
  );
  out.push('\n### Memory and cold sync of the backend process\n');
  out.push(
    table(
      [
        'size',
        'objects watched',
        'boot',
        'cold sync',
        'lists retried',
        'RSS peak',
        'RSS steady',
        'heap peak',
        'heap steady',
        'cached objects: whole → after transform',
      ],
      results.map(r => [
        label(r),
        r.objects.toLocaleString('en'),
        `${r.boot.toFixed(1)} s`,
        `${r.coldSync.toFixed(1)} s`,
        String(r.retries),
        mib(r.peakRss),
        mib(r.steadyRss),
        mib(r.peakHeap),
        mib(r.steadyHeap),
        `${mib(r.cache.whole)} → ${mib(r.cache.transformed)} (−${Math.round(
          (100 * (r.cache.whole - r.cache.transformed)) / r.cache.whole,
        )} %)`,
      ]),
    ),
  );
  out.push(
    `\nThe same backend without clusters or catalog entities: RSS ${mib(
      baseline.rss,
    )}, heap ${mib(baseline.heapUsed)} (after GC).`,
  );
  const last = results[results.length - 1];
  const perCluster = last.pods / last.size.clusters;
  out.push(
    `\n### What one cluster's cache holds (${last.size.name}: ${Math.round(
      perCluster,
    ).toLocaleString('en')} pods per cluster), largest kinds\n`,
  );
  const kinds = [...last.cacheKinds].sort((a, b) => b.whole - a.whole);
  out.push(
    table(
      [
        'kind',
        'objects',
        'heap, whole',
        'heap after transform',
        'per object after',
      ],
      kinds
        .slice(0, 8)
        .map(k => [
          k.kind,
          k.count.toLocaleString('en'),
          mib(k.whole),
          mib(k.transformed),
          `${(k.transformed / Math.max(1, k.count) / 1024).toFixed(1)} KiB`,
        ]),
    ),
  );
  if (results.length > 1) {
    out.push('\n### Growth from one size to the next\n');
    out.push(
      table(
        [
          'from → to',
          'pods',
          'posture p95',
          'kubernetes p95',
          'raw p95',
          'RSS steady',
          'heap steady',
          'cold sync',
        ],
        results.slice(1).map((r, i) => {
          const p = results[i];
          return [
            `${p.size.name} → ${r.size.name}`,
            x(r.pods, p.pods),
            x(r.ours.p95, p.ours.p95),
            x(r.theirs.p95, p.theirs.p95),
            x(r.raw.p95, p.raw.p95),
            x(r.steadyRss, p.steadyRss),
            x(r.steadyHeap, p.steadyHeap),
            x(r.coldSync, p.coldSync),
          ];
        }),
      ),
    );
  }
  out.push('\n### Goals\n');
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const rows: string[][] = [];
  for (const r of results) {
    rows.push(
      [
        label(r),
        'posture p95 ≤ 0.25 × kubernetes backend p95',
        `${ms(r.ours.p95)} vs ${ms(0.25 * r.theirs.p95)}`,
        verdict(r.ours.p95 <= 0.25 * r.theirs.p95),
      ],
      [
        '',
        'posture p95 ≤ raw entity-scoped LISTs p95',
        `${ms(r.ours.p95)} vs ${ms(r.raw.p95)}`,
        verdict(r.ours.p95 <= r.raw.p95),
      ],
      [
        '',
        '0 API-server requests per posture view',
        r.ours.requestsPerView.toFixed(2),
        verdict(r.ours.requestsPerView === 0),
      ],
    );
  }
  const big = results.find(r => r.size.pods >= 50_000 && r.size.clusters >= 20);
  rows.push([
    big ? label(big) : '50k pods in 20 clusters',
    'RSS ≤ 1 GiB (peak)',
    big ? mib(big.peakRss) : 'not run',
    big ? verdict(big.peakRss <= GIB) : '—',
  ]);
  out.push(table(['size', 'goal', 'measured', ''], rows));
  out.push(
    `\n${quick ? 'Quick run' : 'Run'} took ${(seconds / 60).toFixed(
      1,
    )} minutes on ${os.cpus().length} cores, ${(os.totalmem() / GIB).toFixed(
      0,
    )} GiB.`,
  );
  console.log(out.join('\n'));
}

async function main() {
  const opts = options();
  const started = performance.now();
  const template = fleetTemplate(REPLICAS);
  console.log(
    `fleet: shops of ${template.podsPerShop} pods and ${template.servicesPerShop} services (${template.shop.length} objects each)`,
  );
  const servers: Server[] = [];
  const results: SizeResult[] = [];
  const baseline = await baselineMemory();
  console.log(
    `backend without clusters: RSS ${mib(baseline.rss)}, heap ${mib(
      baseline.heapUsed,
    )} after GC`,
  );
  try {
    for (const size of opts.sizes) {
      const serverCount = Math.min(size.clusters, opts.maxServers);
      const shops = Math.max(
        1,
        Math.round(size.pods / size.clusters / template.podsPerShop),
      );
      let t = performance.now();
      while (servers.length < serverCount) {
        servers.push(await startServer(template));
      }
      for (const server of servers.slice(0, serverCount)) {
        await growServer(server, template, shops);
      }
      console.log(
        `${size.name}: ${serverCount} API server(s) hold ${shops} shops each (${
          shops * template.podsPerShop
        } pods), loaded in ${((performance.now() - t) / 1000).toFixed(0)} s`,
      );
      t = performance.now();
      const result = await runSize(
        size,
        template,
        servers.slice(0, serverCount),
        opts.views,
      );
      results.push(result);
      console.log(
        `${size.name}: measured in ${((performance.now() - t) / 1000).toFixed(
          0,
        )} s (posture p95 ${ms(result.ours.p95)}, kubernetes p95 ${ms(
          result.theirs.p95,
        )}, raw p95 ${ms(result.raw.p95)}, cold sync ${result.coldSync.toFixed(
          1,
        )} s, RSS peak ${mib(result.peakRss)})`,
      );
    }
    report(results, baseline, (performance.now() - started) / 1000, opts.quick);
  } finally {
    for (const s of servers) {
      s.api.close();
      await s.cluster.dispose();
    }
  }
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
