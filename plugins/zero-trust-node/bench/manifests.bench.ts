/*
 * Benchmark (not a test): generate + validate all 11 Online Boutique services, as the
 * zerotrust:manifests:generate and zerotrust:manifests:validate actions do, against a baseline
 * measured in the same run: the same generated trees rendered by the real `kustomize build`
 * instead of our in-process renderer. Then the baseline upgrade of 100 generated services beside
 * the time to generate them (upgrade.bench.ts).
 *
 *   yarn workspace @zero-trust-k8s/plugin-zero-trust-node bench [rounds]
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { performance } from 'perf_hooks';
import YAML from 'yaml';
import { generateManifests } from '../src/manifests';
import { runUpgradeBench } from './upgrade.bench';
import { checkManifests, renderManifestFolder } from '../src/policy';
import {
  ONLINE_BOUTIQUE_SERVICES,
  boutiqueSpec,
} from '../src/manifests/__fixtures__/onlineBoutique';

const rounds = Number(process.argv[2] ?? 5);
const repoRoot = path.resolve(__dirname, '../../..');
const goBin = execFileSync(path.join(repoRoot, 'scripts/go-tools.sh'), {
  env: { ...process.env, ZT_GO_TOOLS: 'kustomize' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
}).trim();
const kustomize = path.join(goBin, 'kustomize');

function writeTree(dir: string, files: Record<string, string>) {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
}

/** Generate, write, render every overlay, check: returns the violation count. */
function ours(name: string, dir: string): number {
  writeTree(dir, generateManifests(boutiqueSpec(name)).files);
  return renderManifestFolder(dir).reduce(
    (n, build) => n + checkManifests(build.objects).length,
    0,
  );
}

function baseline(name: string, dir: string): number {
  writeTree(dir, generateManifests(boutiqueSpec(name)).files);
  let violations = 0;
  for (const env of ['dev', 'stage', 'prod']) {
    const out = execFileSync(
      kustomize,
      ['build', path.join(dir, 'overlays', env)],
      {
        encoding: 'utf8',
        maxBuffer: 16 << 20,
      },
    );
    const objects = YAML.parseAllDocuments(out).map(d => d.toJS());
    violations += checkManifests(objects).length;
  }
  return violations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn: (name: string, dir: string) => number, name: string) {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-bench-'));
    const start = performance.now();
    const violations = fn(name, dir);
    samples.push(performance.now() - start);
    fs.rmSync(dir, { recursive: true, force: true });
    if (violations !== 0) {
      throw new Error(`${name}: ${violations} violations`);
    }
  }
  return median(samples);
}

// Warm up the module caches and the file system once.
time(ours, 'cartservice');

const rows = ONLINE_BOUTIQUE_SERVICES.map(name => ({
  name,
  ours: time(ours, name),
  kustomize: time(baseline, name),
}));
const total = (key: 'ours' | 'kustomize') =>
  rows.reduce((n, r) => n + r[key], 0);

const fmt = (ms: number) => `${ms.toFixed(1)} ms`.padStart(10);
console.log(
  `generate + validate, 3 overlays per service, median of ${rounds} rounds (kustomize ${execFileSync(
    kustomize,
    ['version'],
    { encoding: 'utf8' },
  ).trim()}, node ${process.version})\n`,
);
console.log(
  `${'service'.padEnd(24)}${'in-process'.padStart(10)}${'kustomize'.padStart(
    10,
  )}   ratio`,
);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(24)}${fmt(r.ours)}${fmt(r.kustomize)}   ${(
      r.kustomize / r.ours
    ).toFixed(1)}x`,
  );
}
console.log(
  `${'total (11 services)'.padEnd(24)}${fmt(total('ours'))}${fmt(
    total('kustomize'),
  )}   ${(total('kustomize') / total('ours')).toFixed(1)}x`,
);

runUpgradeBench(rounds).catch(e => {
  console.error(e);
  process.exitCode = 1;
});
