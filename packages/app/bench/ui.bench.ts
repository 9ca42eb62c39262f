/*
 * The UI benchmark (not a test): the production build of the app, served by the repo's backend
 * (packages/backend, @backstage/plugin-app-backend) on 127.0.0.1:7107, measured in Chromium.
 *
 *   yarn workspace app bench:ui [--quick] [--rounds N]
 *
 * For each side — frontend with the demo's 15-component SBOM, productcatalogservice with the same
 * recorded SBOM scaled to 10,000 components (bench/data.ts) — every round opens the component's
 * Zero Trust tab by a full navigation and types a search into the SBOM viewer. Times are taken in
 * the page (performance.now(), resource timing): navigation → "Needs attention" shown, navigation →
 * the SBOM's first page shown, the search's /sbom request → its rows shown (the filter, without the
 * debounce), last key → that request (the debounce) and each key → the next frame. One warm-up
 * round is not counted. It prints p50/p95 and never fails on a time, only when something breaks.
 */
/* eslint-disable no-console -- a benchmark prints its figures */
import { Browser, LaunchOptions, Page, chromium } from '@playwright/test';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CACHE, ROOT, ensureBuild } from './build';
import { Side, writeBenchCluster } from './data';

const PORT = 7107;
const BASE = `http://127.0.0.1:${PORT}`;
const BACKEND_LOG = path.join(CACHE, 'backend.log');
const log = (line: string) => console.log(`[ui-bench] ${line}`);

function parseArgs(argv: string[]) {
  const i = argv.indexOf('--rounds');
  const byDefault = argv.includes('--quick') ? 3 : 20;
  const rounds = i >= 0 ? Number(argv[i + 1]) : byDefault;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds needs a positive integer, got ${argv[i + 1]}`);
  return { rounds };
}

// ---------------------------------------------------------------------------------------------
// The backend

function portInUse(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const logTail = () =>
  fs.existsSync(BACKEND_LOG)
    ? fs.readFileSync(BACKEND_LOG, 'utf8').split('\n').slice(-30).join('\n')
    : '';

class Backend {
  private readonly child: ChildProcess;
  private exited = false;

  constructor() {
    const out = fs.openSync(BACKEND_LOG, 'w');
    // packages/backend as deployed (NODE_ENV=production), from its TypeScript sources through the
    // CLI's transform; its own process group, so stopping it stops everything it started.
    this.child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        'src/index.ts',
        '--config',
        '../../app-config.yaml',
        '--config',
        '../app/bench/app-config.ui-bench.yaml',
      ],
      {
        cwd: path.join(ROOT, 'packages/backend'),
        env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
        stdio: ['ignore', out, out],
        detached: true,
      },
    );
    fs.closeSync(out);
    this.child.once('exit', () => {
      this.exited = true;
    });
  }

  /** Ready when the health check answers and the catalog holds the benchmark's components. */
  async ready(entities: string[], timeoutMs = 300_000) {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      // A plugin that fails to start leaves the process up, waiting for the others: fail at once.
      if (this.exited || /BackendStartupError|startup failed/.test(logTail()))
        throw new Error(
          `the backend did not start, ${BACKEND_LOG}:\n${logTail()}`,
        );
      try {
        last = await this.missing(entities);
        if (!last) return;
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise(r => setTimeout(r, 1000));
    }
    throw new Error(
      `the backend was not ready in ${
        timeoutMs / 1000
      } s (${last}), ${BACKEND_LOG}:\n${logTail()}`,
    );
  }

  /** What is not ready yet, or '' when all is. */
  private async missing(entities: string[]): Promise<string> {
    const health = await fetch(`${BASE}/.backstage/health/v1/readiness`);
    if (!health.ok) return `readiness ${health.status}`;
    // The guest's token, as the app gets it at sign-in.
    const refresh = await fetch(`${BASE}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    if (!refresh.ok) return `guest sign-in ${refresh.status}`;
    const token = (await refresh.json()).backstageIdentity.token;
    for (const name of entities) {
      const res = await fetch(
        `${BASE}/api/catalog/entities/by-name/component/default/${name}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (!res.ok) return `component:default/${name} ${res.status}`;
    }
    return '';
  }

  async stop() {
    if (this.exited || this.child.pid === undefined) return;
    const gone = new Promise(r => this.child.once('exit', r));
    process.kill(-this.child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (!this.exited) process.kill(-this.child.pid!, 'SIGKILL');
    }, 15_000);
    await gone;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// In the page

interface Marks {
  /** performance.now() (from navigation start) when each was first painted. */
  attention?: number;
  firstPage?: number;
  filtered?: number;
  /** The search to wait for; set before typing. */
  search?: string;
  lastInput?: number;
  keys: number[];
}

declare global {
  interface Window {
    uiBench: Marks;
  }
}

/**
 * Runs in every document before the app (serialized into the page: no imports, no syntax the
 * transform would turn into helpers, such as optional chaining): watches the DOM for the moments measured. A moment
 * counts once its DOM is committed and the next frame has run (requestAnimationFrame, then a task).
 */
function probe() {
  const marks: Marks = { keys: [] };
  window.uiBench = marks;
  performance.setResourceTimingBufferSize(100_000);
  const afterFrame = (done: (t: number) => void) =>
    requestAnimationFrame(() => setTimeout(() => done(performance.now())));
  const pending = new Set<string>();
  const mark = (key: 'attention' | 'firstPage' | 'filtered') => {
    if (marks[key] !== undefined || pending.has(key)) return;
    pending.add(key);
    afterFrame(t => {
      marks[key] = t;
    });
  };
  const check = () => {
    if (document.querySelector('section[aria-label="Needs attention"]'))
      mark('attention');
    const rows = document.querySelectorAll(
      'table[aria-label="SBOM components"] tbody tr',
    );
    if (rows.length > 0) mark('firstPage');
    if (
      marks.search &&
      rows.length === 1 &&
      (rows[0].textContent || '').includes(marks.search)
    )
      mark('filtered');
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
  });
  const isSearch = (e: Event) =>
    e.target instanceof Element &&
    e.target.getAttribute('aria-label') === 'Search components';
  let keyAt = 0;
  document.addEventListener(
    'keydown',
    e => {
      if (isSearch(e)) keyAt = e.timeStamp;
    },
    true,
  );
  document.addEventListener(
    'input',
    e => {
      if (!isSearch(e)) return;
      marks.lastInput = performance.now();
      const from = keyAt;
      afterFrame(t => marks.keys.push(t - from));
    },
    true,
  );
}

interface Sample {
  attention: number;
  firstPage: number;
  filter: number;
  request: number;
  debounce: number;
  keys: number[];
}

async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('heading', { name: 'Zero Trust demo Catalog' })
    .waitFor({ timeout: 60_000 });
}

async function measure(page: Page, side: Side): Promise<Sample> {
  const timeout = 120_000;
  await page.goto(`/catalog/default/component/${side.entity}/zero-trust`);
  await page.waitForFunction(
    () =>
      window.uiBench.attention !== undefined &&
      window.uiBench.firstPage !== undefined,
    undefined,
    { timeout },
  );
  // The SBOM shown is the side's: breaks the run if the data did not come through.
  await page
    .getByText(`${side.components} component(s) in 1 image(s)`)
    .waitFor({ timeout });
  await page.evaluate(search => {
    window.uiBench.search = search;
  }, side.search);
  // Faster than the 250 ms debounce, as a person types.
  await page
    .getByLabel('Search components')
    .pressSequentially(side.search, { delay: 60 });
  await page.waitForFunction(
    () => window.uiBench.filtered !== undefined,
    undefined,
    { timeout },
  );
  return page.evaluate(search => {
    const m = window.uiBench;
    const requests = performance
      .getEntriesByType('resource')
      .filter(e =>
        e.name.includes(`/sbom?name=${encodeURIComponent(search)}&`),
      );
    const r = requests[requests.length - 1] as
      | PerformanceResourceTiming
      | undefined;
    if (!r) throw new Error(`no /sbom request for "${search}"`);
    return {
      attention: m.attention!,
      firstPage: m.firstPage!,
      filter: m.filtered! - r.startTime,
      request: r.responseEnd - r.startTime,
      debounce: r.startTime - m.lastInput!,
      keys: m.keys,
    };
  }, side.search);
}

// ---------------------------------------------------------------------------------------------
// The table

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
};

function report(sides: Side[], samples: Sample[][], rounds: number) {
  const rows: [string, (s: Sample) => number[]][] = [
    ['Needs attention shown (from navigation)', s => [s.attention]],
    ['SBOM first page shown (from navigation)', s => [s.firstPage]],
    ['SBOM filter, without the debounce', s => [s.filter]],
    ['  of which the /sbom request', s => [s.request]],
    ['SBOM search debounce (last key → request)', s => [s.debounce]],
    ['keystroke in the search → next frame', s => s.keys],
  ];
  const cell = (xs: number[]) =>
    `${Math.round(percentile(xs, 0.5))} / ${Math.round(
      percentile(xs, 0.95),
    )} ms`;
  const headers = sides.map(
    s => `${s.entity}, ${s.components.toLocaleString('en')} components`,
  );
  const width = 44;
  const col = Math.max(...headers.map(h => h.length)) + 3;
  console.log(
    `\nUI benchmark: production build served by packages/backend, Chromium 1440×900, ${rounds} round(s) after 1 warm-up, p50 / p95\n`,
  );
  console.log(
    `${'page'.padEnd(width)}${headers.map(h => h.padStart(col)).join('')}`,
  );
  for (const [name, values] of rows) {
    console.log(
      `${name.padEnd(width)}${samples
        .map(side => cell(side.flatMap(values)).padStart(col))
        .join('')}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const { rounds } = parseArgs(process.argv.slice(2));
  // Chromium and its flags as the end-to-end tests launch it (the root playwright.config.ts, which
  // is no package, so it is loaded by path).
  const { default: e2eConfig } = require(path.join(ROOT, 'playwright.config'));
  const launchOptions: LaunchOptions = e2eConfig.use?.launchOptions ?? {};
  if (
    launchOptions.executablePath &&
    !fs.existsSync(launchOptions.executablePath)
  )
    throw new Error(
      `no Chromium at ${launchOptions.executablePath}: run scripts/setup.sh --browser (or set CHROMIUM_PATH)`,
    );
  if (await portInUse(PORT))
    throw new Error(`port ${PORT} is in use: is another bench:ui running?`);

  const build = await ensureBuild(log);
  log(
    build.reused
      ? 'the app build is up to date (node_modules/.cache/ui-bench/build.stamp)'
      : `built the app in ${Math.round(build.seconds)} s`,
  );
  const sides = writeBenchCluster();

  const started = Date.now();
  const backend = new Backend();
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await backend.stop();
  };
  process.once('SIGINT', () => stop().then(() => process.exit(130)));
  try {
    await backend.ready(sides.map(s => s.entity));
    log(
      `backend ready in ${Math.round(
        (Date.now() - started) / 1000,
      )} s (log: ${BACKEND_LOG})`,
    );
    browser = await chromium.launch(launchOptions);
    const context = await browser.newContext({
      baseURL: BASE,
      viewport: { width: 1440, height: 900 },
    });
    await context.addInitScript(probe);
    const page = await context.newPage();
    await signIn(page);
    const samples: Sample[][] = sides.map(() => []);
    for (let round = 0; round <= rounds; round++) {
      for (const [i, side] of sides.entries()) {
        const sample = await measure(page, side);
        if (round > 0) samples[i].push(sample);
      }
      log(round === 0 ? 'warm-up done' : `round ${round}/${rounds}`);
    }
    report(sides, samples, rounds);
  } finally {
    await stop();
  }
}

main().catch(e => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
