/*
 * Benchmark (not a test), run by manifests.bench.ts: the baseline upgrade of a fleet of 100
 * generated services, in process and without GitHub — planning (regenerate, validate, compare,
 * `git merge-file` for hand-edited files) plus the pull request content (files and body, one
 * pull request per GitOps repository) — beside the time to generate the same 100 services, both
 * measured in the same run.
 *
 * The fleet: the 11 Online Boutique services, renamed into 100, in 4 GitOps repositories, on a
 * simulated baseline 1 (see __fixtures__/olderBaseline.ts); every 10th has a hand edit that merges
 * cleanly and every 25th one that conflicts.
 */
import { performance } from 'perf_hooks';
import {
  TREE_RECORD_FILE,
  generateManifests,
  inMemoryTree,
  isUpToDate,
  planUpgrade,
  upgradePullRequest,
  UpgradePlan,
} from '../src/manifests';
import {
  ONLINE_BOUTIQUE_SERVICES,
  boutiqueSpec,
} from '../src/manifests/__fixtures__/onlineBoutique';
import { baseline1Tree } from '../src/manifests/__fixtures__/olderBaseline';

const FLEET = 100;
const REPOSITORIES = 4;

interface FleetService {
  path: string;
  repository: number;
  spec: ReturnType<typeof boutiqueSpec>;
  files: Record<string, string>;
  history: string[];
}

/** A hand edit: a line added after `after` in the workload, which must occur exactly once. */
function editWorkload(
  files: Record<string, string>,
  after: RegExp,
  line: string,
): Record<string, string> {
  const workload = Object.keys(files).find(f =>
    /^base\/(deployment|rollout)-/.test(f),
  )!;
  const matches = files[workload].match(new RegExp(after, 'gm')) ?? [];
  if (matches.length !== 1) {
    throw new Error(`${workload}: ${after} matches ${matches.length} times`);
  }
  return {
    ...files,
    [workload]: files[workload].replace(
      new RegExp(after, 'm'),
      m => `${m}\n${line}`,
    ),
  };
}

function fleet(): FleetService[] {
  return Array.from({ length: FLEET }, (_, i) => {
    const base = ONLINE_BOUTIQUE_SERVICES[i % ONLINE_BOUTIQUE_SERVICES.length];
    const name = `${base}-${i}`;
    const path = `apps/${name}`;
    const spec = boutiqueSpec(base, {
      name,
      gitops: {
        repoURL: `https://git.example.com/boutique/gitops-${
          i % REPOSITORIES
        }.git`,
        path,
      },
    });
    const old = baseline1Tree(spec);
    let files = old;
    if (i % 25 === 0) {
      // Next to the volumes, where baseline 2 adds the topology spread: a conflict.
      files = editWorkload(
        old,
        /^ {12}sizeLimit: 64Mi$/,
        '      priorityClassName: business-critical',
      );
    } else if (i % 10 === 0) {
      // In the object's own labels, far from anything the baseline changes: merges cleanly.
      files = editWorkload(
        old,
        /^ {4}app\.kubernetes\.io\/managed-by: zero-trust-backstage$/,
        '    team.example.com/pager: on-call',
      );
    }
    // The repository's history holds the generated content hand edits were made from.
    return {
      path,
      repository: i % REPOSITORIES,
      spec,
      files,
      history: Object.values(old),
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

/** Plans every service and builds one pull request (files and body) per repository. */
async function upgradeFleet(services: FleetService[]) {
  const plans: { service: FleetService; plan: UpgradePlan }[] = [];
  for (const service of services) {
    const plan = await planUpgrade({
      record: service.files[TREE_RECORD_FILE],
      path: service.path,
      tree: inMemoryTree(service.files, service.history),
    });
    plans.push({ service, plan });
  }
  const pullRequests = [];
  for (let r = 0; r < REPOSITORIES; r++) {
    const upgrades = plans.filter(
      p => p.service.repository === r && !isUpToDate(p.plan),
    );
    if (upgrades.length === 0) continue;
    const { title, body } = upgradePullRequest(
      upgrades.map(u => ({ title: u.service.path, plan: u.plan })),
    );
    const files = Object.fromEntries(
      upgrades.flatMap(u =>
        Object.entries(u.plan.write).map(([f, text]) => [
          `${u.plan.path}/${f}`,
          Buffer.from(text),
        ]),
      ),
    );
    pullRequests.push({ title, body, files });
  }
  return { plans, pullRequests };
}

/** Applies the plans, as merging the pull requests would. */
function upgraded(
  services: FleetService[],
  plans: UpgradePlan[],
): FleetService[] {
  return services.map((s, i) => {
    const files = { ...s.files, ...plans[i].write };
    for (const f of plans[i].delete) delete files[f];
    return {
      ...s,
      files,
      history: [...s.history, ...Object.values(plans[i].mergeBases)],
    };
  });
}

export async function runUpgradeBench(rounds: number) {
  const services = fleet();
  const generate: number[] = [];
  const upgrade: number[] = [];
  const again: number[] = [];
  let summary = '';
  // One untimed round first to warm up the module caches.
  for (let round = 0; round <= rounds; round++) {
    const [g] = await timed(() =>
      services.forEach(s => generateManifests(s.spec)),
    );
    const [u, result] = await timed(() => upgradeFleet(services));
    const after = upgraded(
      services,
      result.plans.map(p => p.plan),
    );
    const [a, second] = await timed(() => upgradeFleet(after));
    if (second.pullRequests.length !== 0) {
      throw new Error('the upgraded fleet is not up to date');
    }
    if (round === 0) {
      const count = (status: string) =>
        result.plans.reduce(
          (n, p) => n + p.plan.files.filter(f => f.status === status).length,
          0,
        );
      summary = `${result.pullRequests.length} pull requests, ${Object.values(
        result.pullRequests,
      ).reduce((n, pr) => n + Object.keys(pr.files).length, 0)} files (${count(
        'updated',
      )} updated, ${count('added')} added, ${count('merged')} merged, ${count(
        'conflict',
      )} conflicts), bodies ${result.pullRequests
        .map(pr => pr.body.length)
        .join('/')} characters`;
      continue;
    }
    generate.push(g);
    upgrade.push(u);
    again.push(a);
  }
  const fmt = (ms: number) => `${ms.toFixed(0)} ms`.padStart(9);
  console.log(
    `\nbaseline upgrade of ${FLEET} generated services in ${REPOSITORIES} GitOps repositories, in process, median of ${rounds} rounds:\n`,
  );
  console.log(`${'generate 100 services'.padEnd(46)}${fmt(median(generate))}`);
  console.log(
    `${'upgrade 100 services (plan + PR content)'.padEnd(46)}${fmt(
      median(upgrade),
    )}   ${(median(upgrade) / median(generate)).toFixed(1)}x generate`,
  );
  console.log(
    `${'rerun on the upgraded fleet (all up to date)'.padEnd(46)}${fmt(
      median(again),
    )}   ${(median(again) / median(generate)).toFixed(1)}x generate`,
  );
  console.log(`  ${summary}`);
}
