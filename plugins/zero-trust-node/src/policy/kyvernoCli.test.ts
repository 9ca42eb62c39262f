import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import YAML from 'yaml';
import { requireGoTool } from '../__testUtils__/goTools';
import { BASELINE_POLICIES, EXCLUDED_NAMESPACES } from './baseline';
import {
  checkManifests,
  kyvernoRuleName,
  kyvernoRuleNameFor,
} from './checkManifests';
import { zeroTrustKyvernoPolicies } from './kyvernoPolicies';
import { isObject, namespaceOf, podTemplateOf } from './podTemplates';
import { CORPUS, expectedCases, readCorpusDocs } from './__fixtures__/corpus';

/*
 * Differential test: the real Kyverno CLI (built by scripts/go-tools.sh from tools/kyverno)
 * runs the ClusterPolicies of zeroTrustKyvernoPolicies() over the policy corpus, and must fail
 * exactly the (rule, resource) pairs that expected.yaml lists and that checkManifests reports.
 *
 * Each case runs in its own `kyverno apply`: the set-level policies list NetworkPolicies,
 * PeerAuthentications and AuthorizationPolicies through `apiCall` context entries, which the CLI
 * answers from the objects given with --resource (context.yaml and the case file). In one
 * invocation for all cases, a mesh-wide PeerAuthentication in istio-system of one case would
 * apply to every other case.
 */

const SET_LEVEL_POLICIES = [
  'require-default-deny-networkpolicy',
  'require-mtls-strict',
  'require-authorization-policy',
];

/** One result of Kyverno's policy report (openreports.io/v1alpha1). */
interface ReportResult {
  policy: string;
  rule: string;
  result: 'pass' | 'fail' | 'warn' | 'error' | 'skip';
  message?: string;
  resources?: { kind: string; namespace?: string; name: string }[];
}

interface KyvernoRun {
  stdout: string;
  results: ReportResult[];
}

/** `<policy> <kyvernoRule> <Kind>/<namespace>/<name>`, the unit the test compares. */
const failureKey = (
  policy: string,
  rule: string,
  r: { kind: string; namespace?: string; name: string },
) => `${policy} ${rule} ${r.kind}/${r.namespace ?? ''}/${r.name}`;

const sorted = (keys: Iterable<string>) => [...new Set(keys)].sort();

/** Runs `kyverno apply`; it exits 1 when a resource fails, so stdout is read either way. */
function kyvernoApply(binary: string, args: string[]): Promise<KyvernoRun> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const describe = () =>
          `kyverno ${args.join(' ')}\n${stdout}\n${stderr}`.trim();
        if (error && error.code !== 1) {
          reject(new Error(`${error.message}\n${describe()}`));
          return;
        }
        if (/^(Invalid Policies|Policies Skipped):/m.test(stdout)) {
          reject(
            new Error(`Kyverno did not load every policy:\n${describe()}`),
          );
          return;
        }
        // Deprecation warnings go to stdout too; the reports are the JSON lines.
        const reports = stdout
          .split('\n')
          .filter(line => line.startsWith('{'))
          .map(line => JSON.parse(line) as { results?: ReportResult[] });
        // Without any result (every resource excluded) Kyverno prints no report, and exits 0.
        if (reports.length === 0 && error) {
          reject(new Error(`Kyverno printed no policy report:\n${describe()}`));
          return;
        }
        resolve({ stdout, results: reports.flatMap(r => r.results ?? []) });
      },
    );
  });
}

/** Runs `work` over `items`, at most `limit` at a time (the machines have few cores). */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** The rule names Kyverno must evaluate for a workload: every baseline rule, once. */
function kyvernoRulesFor(object: Record<string, unknown>): string[] {
  const holder = podTemplateOf(object)!.holder;
  return Object.entries(BASELINE_POLICIES).flatMap(([policy, { rules }]) =>
    Object.keys(rules).map(rule =>
      SET_LEVEL_POLICIES.includes(policy)
        ? `${policy} ${rule}`
        : `${policy} ${kyvernoRuleNameFor(rule, holder)}`,
    ),
  );
}

describe('Kyverno CLI against the policy corpus', () => {
  let dir: string;
  const runs = new Map<string, KyvernoRun | Error>();

  beforeAll(async () => {
    // Fails (never skips) every test below when the pinned CLI is not built.
    const kyverno = await requireGoTool('kyverno');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-kyverno-cli-'));
    const policies = path.join(dir, 'policies.yaml');
    fs.writeFileSync(
      policies,
      zeroTrustKyvernoPolicies()
        .map(p => YAML.stringify(p))
        .join('---\n'),
    );
    const results = await mapLimit(expectedCases, 2, c =>
      kyvernoApply(kyverno, [
        'apply',
        policies,
        '--resource',
        path.join(CORPUS, 'context.yaml'),
        '--resource',
        path.join(CORPUS, c.file),
        '--policy-report',
        '--output-format',
        'json',
        '--remove-color',
      ]).catch((e: Error) => e),
    );
    expectedCases.forEach((c, i) => runs.set(c.file, results[i]));
  }, 300_000);

  afterAll(() => {
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(expectedCases.map(c => [c.file, c.violations] as const))(
    '%s',
    (file, violations) => {
      const run = runs.get(file)!;
      if (run instanceof Error) {
        throw run;
      }
      const context = readCorpusDocs('context.yaml');
      const objects = readCorpusDocs(file);

      // No rule may error: an error is neither a pass nor a fail, and would hide a difference.
      const broken = run.results.filter(
        r => r.result === 'error' || r.result === 'warn',
      );
      expect(broken).toEqual([]);

      const kyvernoFailures = run.results
        .filter(r => r.result === 'fail')
        .flatMap(r =>
          (r.resources ?? []).map(res => failureKey(r.policy, r.rule, res)),
        );
      const expectedFailures = violations.map(v =>
        failureKey(v.policy, v.kyvernoRule, v.resource),
      );
      const baselineFailures = checkManifests([...context, ...objects]).map(v =>
        failureKey(v.policy, kyvernoRuleName(v), v.resource),
      );
      expect(sorted(kyvernoFailures)).toEqual(sorted(expectedFailures));
      expect(sorted(kyvernoFailures)).toEqual(sorted(baselineFailures));

      // Kyverno reports our message for each failure.
      for (const r of run.results.filter(x => x.result === 'fail')) {
        const baseline = BASELINE_POLICIES[
          r.policy as keyof typeof BASELINE_POLICIES
        ].rules as Record<string, string>;
        const ourRule = violations.find(
          v => v.policy === r.policy && v.kyvernoRule === r.rule,
        )!.rule;
        expect(r.message).toContain(baseline[ourRule]);
      }

      // Every workload outside the excluded namespaces was judged by every rule, under the rule
      // name checkManifests/kyvernoRuleName predicts (autogen, Rollout twins, set-level).
      for (const object of objects.filter(isObject)) {
        if (
          !podTemplateOf(object) ||
          (EXCLUDED_NAMESPACES as readonly string[]).includes(
            namespaceOf(object),
          )
        ) {
          continue;
        }
        const meta = object.metadata as { name: string; namespace: string };
        const judged = run.results
          .filter(r =>
            (r.resources ?? []).some(
              res =>
                res.kind === object.kind &&
                res.namespace === meta.namespace &&
                res.name === meta.name,
            ),
          )
          .map(r => `${r.policy} ${r.rule}`);
        expect([`${object.kind}/${meta.name}`, sorted(judged)]).toEqual([
          `${object.kind}/${meta.name}`,
          sorted(kyvernoRulesFor(object)),
        ]);
        expect(judged).toHaveLength(new Set(judged).size);
      }
    },
  );
});
