import { InputError } from '@backstage/errors';
import YAML from 'yaml';
import { BASELINE_CHANGELOG, BASELINE_VERSION } from './baselineVersion';
import { generateManifests } from './generateManifests';
import {
  TREE_RECORD_FILE,
  gitBlobSha,
  parseTreeRecord,
  writeTreeRecord,
} from './treeRecord';
import {
  UpgradePlan,
  describeUpgradePlan,
  inMemoryTree,
  isUpToDate,
  planUpgrade,
  upgradePullRequest,
} from './upgrade';
import { boutiqueSpec } from './__fixtures__/onlineBoutique';
import { baseline1Tree } from './__fixtures__/olderBaseline';

const SPEC = boutiqueSpec('cartservice');
const PATH = 'apps/cartservice';
const DEPLOYMENT = 'base/deployment-cartservice.yaml';
const today = generateManifests(SPEC).files;
const old = baseline1Tree(SPEC);

type Files = Record<string, string>;

const plan = (files: Files, history: string[] = []) =>
  planUpgrade({
    record: files[TREE_RECORD_FILE],
    path: PATH,
    tree: inMemoryTree(files, history),
  });

/** The tree after the plan's commit. */
function apply(files: Files, p: UpgradePlan): Files {
  const out = { ...files, ...p.write };
  for (const file of p.delete) delete out[file];
  return out;
}

/** Replaces exactly one occurrence, so a fixture change cannot silently edit nothing. */
function edit(text: string, find: string, replace: string): string {
  expect(text.split(find)).toHaveLength(2);
  return text.replace(find, replace);
}

const recordOf = (p: UpgradePlan) => parseTreeRecord(p.write[TREE_RECORD_FILE]);

// A hand edit far from anything the baseline changes, and one on the lines baseline 2 adds to.
const PAGER_FIND = '    secret.reloader.stakater.com/reload: redis-password\n';
const PAGER_EDIT = `${PAGER_FIND}    team.example.com/pager: cart-oncall\n`;
const PRIORITY_FIND = '            secretName: redis-password\n';
const PRIORITY_EDIT = `${PRIORITY_FIND}      priorityClassName: business-critical\n`;

describe('planUpgrade', () => {
  it('gives an up-to-date tree an empty plan', async () => {
    const p = await plan(today);
    expect(p).toMatchObject({
      path: PATH,
      from: BASELINE_VERSION,
      to: BASELINE_VERSION,
      changes: [],
      files: [],
      write: {},
      delete: [],
      mergeBases: {},
    });
    expect(isUpToDate(p)).toBe(true);
    expect(describeUpgradePlan(p)).toBe(
      `${PATH}: up to date (baseline ${BASELINE_VERSION})`,
    );
  });

  it('upgrades an untouched baseline 1 tree to exactly what the current baseline generates', async () => {
    const p = await plan(old);
    expect(p.from).toBe(1);
    expect(p.to).toBe(BASELINE_VERSION);
    expect(p.changes.map(c => c.version)).toEqual(
      BASELINE_CHANGELOG.map(c => c.version).filter(v => v > 1),
    );
    expect(p.files).toEqual([
      { path: DEPLOYMENT, status: 'updated' },
      { path: 'overlays/prod/kustomization.yaml', status: 'updated' },
      {
        path: 'overlays/prod/poddisruptionbudget-cartservice.yaml',
        status: 'added',
      },
      { path: 'overlays/stage/kustomization.yaml', status: 'updated' },
      {
        path: 'overlays/stage/poddisruptionbudget-cartservice.yaml',
        status: 'added',
      },
      { path: TREE_RECORD_FILE, status: 'updated' },
    ]);
    expect(p.delete).toEqual([]);
    expect(apply(old, p)).toEqual(today);
    expect(describeUpgradePlan(p)).toBe(
      `${PATH}: baseline 1 → ${BASELINE_VERSION}, 4 updated, 2 added`,
    );
    // Applied, the tree is up to date: a second upgrade plans nothing.
    const again = await plan(apply(old, p));
    expect(again.files).toEqual([]);
    expect(isUpToDate(again)).toBe(true);
  });

  it('keeps a hand edit that merges cleanly with git merge-file', async () => {
    const edited = {
      ...old,
      [DEPLOYMENT]: edit(old[DEPLOYMENT], PAGER_FIND, PAGER_EDIT),
    };
    // The generated content the edit was made from is in the repository's history.
    const p = await plan(edited, [old[DEPLOYMENT]]);
    expect(p.files).toContainEqual({
      path: DEPLOYMENT,
      status: 'merged',
      detail: 'edited by hand; the edit is kept',
    });
    // The baseline's changes with the edit on top: exactly today's output plus the edit.
    expect(p.write[DEPLOYMENT]).toBe(
      edit(today[DEPLOYMENT], PAGER_FIND, PAGER_EDIT),
    );
    // The record points at the new generated content (so the file still reads as edited), and
    // the plan hands that content over to be stored for the next merge.
    expect(recordOf(p).files[DEPLOYMENT]).toBe(gitBlobSha(today[DEPLOYMENT]));
    expect(p.mergeBases).toEqual({
      [gitBlobSha(today[DEPLOYMENT])]: today[DEPLOYMENT],
    });
    expect(apply(edited, p)).toEqual({
      ...today,
      [DEPLOYMENT]: p.write[DEPLOYMENT],
      [TREE_RECORD_FILE]: today[TREE_RECORD_FILE],
    });

    const again = await plan(apply(edited, p), [
      old[DEPLOYMENT],
      today[DEPLOYMENT],
    ]);
    expect(again.files).toEqual([]);
    expect(isUpToDate(again)).toBe(true);
  });

  it('keeps the generated content for the next merge when the hand edit already holds the baseline change', async () => {
    // Someone applied the new baseline by hand, with an edit of their own on top.
    const edited = {
      ...old,
      [DEPLOYMENT]: edit(today[DEPLOYMENT], PAGER_FIND, PAGER_EDIT),
    };
    const p = await plan(edited, [old[DEPLOYMENT]]);
    expect(Object.keys(p.write)).not.toContain(DEPLOYMENT);
    expect(recordOf(p).files[DEPLOYMENT]).toBe(gitBlobSha(today[DEPLOYMENT]));
    // Without it, the next upgrade would find no merge base for the recorded sha.
    expect(p.mergeBases).toEqual({
      [gitBlobSha(today[DEPLOYMENT])]: today[DEPLOYMENT],
    });
  });

  it('leaves a conflicting hand edit alone, says so and shows what the baseline would change', async () => {
    const edited = {
      ...old,
      [DEPLOYMENT]: edit(old[DEPLOYMENT], PRIORITY_FIND, PRIORITY_EDIT),
    };
    const p = await plan(edited, [old[DEPLOYMENT]]);
    const conflict = p.files.find(f => f.path === DEPLOYMENT);
    expect(conflict).toMatchObject({
      status: 'conflict',
      detail: expect.stringMatching(
        /^edited by hand, and baseline \d+ changes the same lines \(1 conflict\): kept as it is$/,
      ),
    });
    expect(conflict!.baselineDiff).toMatch(
      new RegExp(
        `^--- generated: ${DEPLOYMENT}\\n\\+\\+\\+ baseline ${BASELINE_VERSION}: ${DEPLOYMENT}\\n@@`,
      ),
    );
    expect(conflict!.baselineDiff).toContain(
      '+      topologySpreadConstraints:\n',
    );
    expect(conflict!.baselineDiff).toContain(
      '-          imagePullPolicy: IfNotPresent\n+          imagePullPolicy: Always\n',
    );
    // Nothing with conflict markers is written; the other files are upgraded.
    expect(Object.keys(p.write)).not.toContain(DEPLOYMENT);
    for (const text of Object.values(p.write)) {
      expect(text).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    }
    expect(p.files.filter(f => f.status !== 'conflict')).toHaveLength(5);
    expect(describeUpgradePlan(p)).toBe(
      `${PATH}: baseline 1 → ${BASELINE_VERSION}, 3 updated, 2 added, 1 conflict`,
    );
    // The record keeps the generated content the edit was made from, so the next upgrade
    // merges from the same base instead of taking the edit as the new baseline.
    expect(recordOf(p).files[DEPLOYMENT]).toBe(gitBlobSha(old[DEPLOYMENT]));

    // A second run reports the conflict again and writes nothing.
    const upgraded = apply(edited, p);
    const again = await plan(upgraded, [old[DEPLOYMENT]]);
    expect(again.files).toEqual([conflict]);
    expect(isUpToDate(again)).toBe(true);

    // Resolved by hand (the baseline's change taken, the edit moved): the merge is clean and
    // only the record changes.
    const resolved = edit(
      today[DEPLOYMENT],
      '      automountServiceAccountToken: false\n',
      '      automountServiceAccountToken: false\n      priorityClassName: business-critical\n',
    );
    const afterResolution = await plan(
      { ...upgraded, [DEPLOYMENT]: resolved },
      [old[DEPLOYMENT]],
    );
    expect(afterResolution.files).toEqual([
      { path: TREE_RECORD_FILE, status: 'updated' },
    ]);
    expect(recordOf(afterResolution).files[DEPLOYMENT]).toBe(
      gitBlobSha(today[DEPLOYMENT]),
    );
  });

  it('cannot merge when the generated content an edit was made from is gone', async () => {
    const edited = {
      ...old,
      [DEPLOYMENT]: edit(old[DEPLOYMENT], PAGER_FIND, PAGER_EDIT),
    };
    const p = await plan(edited, []);
    expect(p.files.find(f => f.path === DEPLOYMENT)).toMatchObject({
      status: 'conflict',
      detail: expect.stringContaining(
        `(blob ${gitBlobSha(old[DEPLOYMENT])}) is no longer in the repository`,
      ),
      baselineDiff: expect.stringContaining(`--- yours: ${DEPLOYMENT}`),
    });
    expect(p.write[DEPLOYMENT]).toBeUndefined();
  });

  it('treats a clean text merge that is not valid YAML as a conflict', async () => {
    const edited = {
      ...old,
      [DEPLOYMENT]: edit(old[DEPLOYMENT], 'kind: Deployment\n', 'kind: [\n'),
    };
    const p = await plan(edited, [old[DEPLOYMENT]]);
    expect(p.files.find(f => f.path === DEPLOYMENT)).toMatchObject({
      status: 'conflict',
      detail: expect.stringContaining('the result is not valid YAML'),
    });
    expect(p.write[DEPLOYMENT]).toBeUndefined();
  });

  it('leaves files deleted by hand deleted, and says so when the baseline changes them', async () => {
    const {
      [DEPLOYMENT]: _d,
      'argocd/cartservice-dev.yaml': _a,
      ...rest
    } = old;
    const p = await plan(rest as Files, [old[DEPLOYMENT]]);
    expect(p.files.map(f => f.path)).not.toContain(
      'argocd/cartservice-dev.yaml',
    );
    expect(p.files.find(f => f.path === DEPLOYMENT)).toMatchObject({
      status: 'conflict',
      detail: `deleted by hand, and baseline ${BASELINE_VERSION} changes it: left deleted`,
      baselineDiff: expect.stringContaining('topologySpreadConstraints'),
    });
    expect(Object.keys(p.write)).not.toContain(DEPLOYMENT);
    expect(Object.keys(p.write)).not.toContain('argocd/cartservice-dev.yaml');
    expect(recordOf(p).files['argocd/cartservice-dev.yaml']).toBe(
      gitBlobSha(old['argocd/cartservice-dev.yaml']),
    );
  });

  /** A baseline 1 tree that also had a file today's baseline no longer writes. */
  function withLegacyFile(legacy: string, current?: string): Files {
    const record = parseTreeRecord(old[TREE_RECORD_FILE]);
    return {
      ...old,
      'base/legacy.yaml': current ?? legacy,
      [TREE_RECORD_FILE]: writeTreeRecord({
        ...record,
        files: { ...record.files, 'base/legacy.yaml': gitBlobSha(legacy) },
      }),
    };
  }

  it('removes a file the baseline no longer generates, unless it was edited by hand', async () => {
    const legacy = 'apiVersion: v1\nkind: ConfigMap\n';
    const removed = await plan(withLegacyFile(legacy));
    expect(removed.files).toContainEqual({
      path: 'base/legacy.yaml',
      status: 'removed',
    });
    expect(removed.delete).toEqual(['base/legacy.yaml']);
    expect(apply(withLegacyFile(legacy), removed)).toEqual(today);

    const kept = await plan(
      withLegacyFile(legacy, `${legacy}data:\n  mine: 'yes'\n`),
    );
    expect(kept.files).toContainEqual({
      path: 'base/legacy.yaml',
      status: 'conflict',
      detail: expect.stringContaining('no longer generates it: kept'),
    });
    expect(kept.delete).toEqual([]);
    expect(recordOf(kept).files['base/legacy.yaml']).toBe(gitBlobSha(legacy));
  });

  it('does not overwrite a file of the name a new baseline adds', async () => {
    const pdb = 'overlays/prod/poddisruptionbudget-cartservice.yaml';
    const mine = 'apiVersion: policy/v1\nkind: PodDisruptionBudget\n';
    const p = await plan({ ...old, [pdb]: mine });
    expect(p.files).toContainEqual({
      path: pdb,
      status: 'conflict',
      detail: expect.stringContaining('one of that name exists already'),
      baselineDiff: expect.stringContaining(`+++ baseline ${BASELINE_VERSION}`),
    });
    expect(p.write[pdb]).toBeUndefined();
    expect(recordOf(p).files[pdb]).toBeUndefined();
  });

  it('ignores files in the folder the baseline never wrote', async () => {
    const p = await plan({ ...today, 'README.md': '# cartservice\n' });
    expect(isUpToDate(p)).toBe(true);
    expect(p.files).toEqual([]);
  });

  it('refuses a record that does not describe the folder it is in', async () => {
    await expect(
      planUpgrade({
        record: today[TREE_RECORD_FILE],
        path: 'apps/checkoutservice',
        tree: inMemoryTree(today),
      }),
    ).rejects.toThrow(
      new InputError(
        'zero-trust.yaml: spec.gitops.path is "apps/cartservice", but the record is in "apps/checkoutservice"; it does not describe this folder',
      ),
    );
  });
});

describe('upgradePullRequest', () => {
  it('summarizes per service what changed and why, the files and each conflict', async () => {
    const conflicted = await plan(
      {
        ...old,
        [DEPLOYMENT]: edit(old[DEPLOYMENT], PRIORITY_FIND, PRIORITY_EDIT),
      },
      [old[DEPLOYMENT]],
    );
    const otherSpec = boutiqueSpec('adservice');
    const other = await planUpgrade({
      record: baseline1Tree(otherSpec)[TREE_RECORD_FILE],
      path: 'apps/adservice',
      tree: inMemoryTree(baseline1Tree(otherSpec)),
    });
    const pr = upgradePullRequest([
      { title: 'component:default/cartservice', plan: conflicted },
      { title: 'component:default/adservice', plan: other },
    ]);
    expect(pr.title).toBe(
      `Zero Trust baseline ${BASELINE_VERSION} for 2 services`,
    );
    const sections = pr.body.split(/^## /m);
    expect(sections).toHaveLength(3);
    expect(sections[1]).toMatch(
      new RegExp(
        `^component:default/cartservice \\(\`apps/cartservice\`\\): baseline 1 → ${BASELINE_VERSION}\\n`,
      ),
    );
    expect(sections[2]).toMatch(/^component:default\/adservice /);
    for (const section of sections.slice(1)) {
      for (const change of BASELINE_CHANGELOG) {
        expect(section.includes(change.summary)).toBe(change.version > 1);
        expect(section.includes(change.why)).toBe(change.version > 1);
      }
    }
    expect(sections[1]).toContain(
      '| `overlays/prod/poddisruptionbudget-cartservice.yaml` | added |',
    );
    expect(sections[1]).toContain(
      `| \`${DEPLOYMENT}\` | **conflict**, left as it is |`,
    );
    expect(sections[1]).toContain('**1 file conflicts.**');
    expect(sections[1]).toContain(
      '```diff\n--- generated: base/deployment-cartservice.yaml\n',
    );
    expect(sections[2]).not.toContain('conflict');
    expect(pr.body).not.toMatch(/^(<<<<<<<|>>>>>>>)/m);
  });

  it('stays within the size GitHub accepts', async () => {
    const p = await plan(old);
    const many = Array.from({ length: 200 }, (_, i) => ({
      title: `component:default/service-${i}`,
      plan: p,
    }));
    const { body } = upgradePullRequest(many);
    expect(body.length).toBeLessThanOrEqual(65536);
    expect(body).toMatch(/… and \d+ more service\(s\), left out/);
  });
});

describe('the generated record', () => {
  it('parses back to what the tree was generated from', () => {
    const record = parseTreeRecord(today[TREE_RECORD_FILE]);
    expect(record.baseline).toBe(BASELINE_VERSION);
    expect(record.spec).toEqual(generateManifests(SPEC).spec);
    expect(YAML.parse(today[TREE_RECORD_FILE]).spec.gitops.path).toBe(PATH);
  });
});
