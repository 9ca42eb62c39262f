import { InputError } from '@backstage/errors';
import YAML from 'yaml';
import { checkManifests } from '../policy/checkManifests';
import {
  BASELINE_VERSION,
  BaselineChange,
  baselineChangesSince,
} from './baselineVersion';
import { generateManifests } from './generateManifests';
import { gitDiff, gitMergeFile } from './gitMergeFile';
import { ENVIRONMENTS, ServiceSpec } from './ServiceSpec';
import {
  TREE_RECORD_FILE,
  gitBlobSha,
  parseTreeRecord,
  writeTreeRecord,
} from './treeRecord';

/**
 * A generated tree as it is in its repository now.
 *
 * @public
 */
export interface GitOpsTree {
  /** The git blob sha of every file under the tree's folder, by path relative to it. */
  files: Record<string, string>;
  /**
   * The content of a blob of the repository by its sha, or undefined when the repository has no
   * such blob. Asked for hand-edited files and the generated content they were made from.
   */
  readBlob(sha: string): Promise<Buffer | undefined>;
}

/**
 * What an upgrade does to one file:
 * - `updated`, `added`, `removed`: the baseline changed a file nobody edited;
 * - `merged`: the file was edited by hand and the baseline's change merged cleanly (git
 *   merge-file), keeping the edit;
 * - `conflict`: the file was edited by hand and the baseline's change does not merge; the file is
 *   left as it is and `baselineDiff` shows what the baseline would change.
 *
 * @public
 */
export type UpgradeFileStatus =
  | 'updated'
  | 'added'
  | 'removed'
  | 'merged'
  | 'conflict';

/** @public */
export interface UpgradeFileChange {
  /** Relative to the tree. */
  path: string;
  status: UpgradeFileStatus;
  /** For `merged` and `conflict`: what happened, in words. */
  detail?: string;
  /** For `conflict`: the change the baseline would make, as a unified diff. */
  baselineDiff?: string;
}

/**
 * The upgrade of one generated tree to the current baseline. Nothing to write and nothing to
 * delete means the tree is up to date (conflicts left from an earlier upgrade are still listed).
 *
 * @public
 */
export interface UpgradePlan {
  /** The tree's folder in its repository. */
  path: string;
  /** The service's spec, as the current schema reads the record. */
  spec: ServiceSpec;
  /** The recorded baseline version. */
  from: number;
  /** The current baseline version. */
  to: number;
  /** The changelog entries after `from`, oldest first. */
  changes: BaselineChange[];
  /** Every file that changes or conflicts, the record included, sorted by path. */
  files: UpgradeFileChange[];
  /** New content by path relative to the tree. */
  write: Record<string, string>;
  /** Paths relative to the tree to delete. */
  delete: string[];
  /**
   * Generated content the new record refers to but the commit does not hold, by blob sha: the
   * output for files whose hand edits were merged in. The next upgrade merges from it, so it must
   * be stored in the repository as a blob (content-addressed; a blob already there is kept).
   */
  mergeBases: Record<string, string>;
}

/** True when the plan writes or deletes nothing. @public */
export function isUpToDate(plan: UpgradePlan): boolean {
  return Object.keys(plan.write).length === 0 && plan.delete.length === 0;
}

/** What one file becomes: its plan entry (if it changes or conflicts) and its new record sha. */
interface FileOutcome {
  change?: UpgradeFileChange;
  write?: string;
  remove?: boolean;
  /** The sha the new record keeps for the file; undefined drops it from the record. */
  recordSha?: string;
  /** Generated content the record refers to that the commit does not hold. */
  mergeBase?: string;
}

/** Plans one file; `recorded`, `current` are blob shas, `next` the newly generated content. */
async function planFile(
  file: string,
  recorded: string | undefined,
  current: string | undefined,
  next: string | undefined,
  context: { tree: GitOpsTree; to: number },
): Promise<FileOutcome> {
  const { tree, to } = context;
  const nextSha = next === undefined ? undefined : gitBlobSha(next);
  const read = async (sha: string) =>
    (await tree.readBlob(sha))?.toString('utf8');
  const conflict = (
    detail: string,
    baselineDiff?: string,
    recordSha = recorded,
  ): FileOutcome => ({
    change: { path: file, status: 'conflict', detail, baselineDiff },
    recordSha,
  });
  // The base is the content last generated for the file: by the recorded baseline, or an older
  // one for a file whose conflict an earlier upgrade left.
  const labels = {
    base: `generated: ${file}`,
    ours: `yours: ${file}`,
    theirs: `baseline ${to}: ${file}`,
  };

  if (next === undefined) {
    // The baseline no longer writes this file.
    if (current === undefined) {
      return {};
    }
    if (current === recorded) {
      return { change: { path: file, status: 'removed' }, remove: true };
    }
    return conflict(
      `edited by hand, and baseline ${to} no longer generates it: kept; delete it once nothing refers to it`,
    );
  }
  if (recorded === undefined) {
    // A file the baseline adds.
    if (current === undefined) {
      return {
        change: { path: file, status: 'added' },
        write: next,
        recordSha: nextSha,
      };
    }
    if (current === nextSha) {
      return { recordSha: nextSha };
    }
    const existing = await read(current);
    return conflict(
      `baseline ${to} adds this file, but one of that name exists already: kept`,
      existing === undefined
        ? undefined
        : await gitDiff(
            { label: labels.ours, text: existing },
            { label: labels.theirs, text: next },
          ),
      undefined,
    );
  }
  if (current === recorded) {
    // Untouched since it was generated.
    return current === nextSha
      ? { recordSha: nextSha }
      : {
          change: { path: file, status: 'updated' },
          write: next,
          recordSha: nextSha,
        };
  }
  if (nextSha === recorded || nextSha === current) {
    // Edited by hand (or deleted), and the baseline changes nothing the edit does not have.
    return { recordSha: nextSha };
  }
  const base = await read(recorded);
  const baselineDiff =
    base === undefined
      ? undefined
      : await gitDiff(
          { label: labels.base, text: base },
          { label: labels.theirs, text: next },
        );
  if (current === undefined) {
    return conflict(
      `deleted by hand, and baseline ${to} changes it: left deleted`,
      baselineDiff,
    );
  }
  const ours = await read(current);
  if (ours === undefined) {
    throw new Error(`${file}: the repository has no blob ${current}`);
  }
  if (base === undefined) {
    return conflict(
      `edited by hand, and the generated content it was made from (blob ${recorded}) is no longer in the repository, so the edit cannot be merged: kept`,
      await gitDiff(
        { label: labels.ours, text: ours },
        { label: labels.theirs, text: next },
      ),
    );
  }
  const merged = await gitMergeFile({
    base: { label: labels.base, text: base },
    ours: { label: labels.ours, text: ours },
    theirs: { label: labels.theirs, text: next },
  });
  if (merged.conflicts > 0) {
    return conflict(
      `edited by hand, and baseline ${to} changes the same lines (${
        merged.conflicts
      } conflict${merged.conflicts === 1 ? '' : 's'}): kept as it is`,
      baselineDiff,
    );
  }
  if (YAML.parseAllDocuments(merged.text).some(d => d.errors.length > 0)) {
    return conflict(
      `edited by hand; the baseline's change merges as text but the result is not valid YAML: kept as it is`,
      baselineDiff,
    );
  }
  // The next upgrade merges from `next`, so it is kept even when the file itself is unchanged.
  return gitBlobSha(merged.text) === current
    ? { recordSha: nextSha, mergeBase: next }
    : {
        change: {
          path: file,
          status: 'merged',
          detail: 'edited by hand; the edit is kept',
        },
        write: merged.text,
        recordSha: nextSha,
        mergeBase: next,
      };
}

/**
 * Plans the upgrade of a generated tree to the current baseline: reads its record, regenerates
 * the tree from the recorded spec, checks the result against the policy baseline and decides per
 * file. A file nobody edited (its sha is the recorded one) is updated, added or removed; a
 * hand-edited file is three-way merged with `git merge-file` from the recorded generated content,
 * keeping the edit when it merges cleanly and reporting a conflict (leaving the file alone)
 * otherwise. A tree that is up to date gets a plan that writes nothing.
 *
 * Throws an InputError when the record is not one this baseline can upgrade or does not describe
 * the tree at `path`.
 *
 * @public
 */
export async function planUpgrade(options: {
  /** The text of the tree's `zero-trust.yaml`. */
  record: string;
  /** The tree's folder in its repository; the recorded spec's `gitops.path` must name it. */
  path: string;
  tree: GitOpsTree;
}): Promise<UpgradePlan> {
  const { path, tree } = options;
  const record = parseTreeRecord(options.record);
  if (record.spec.gitops.path !== path) {
    throw new InputError(
      `${TREE_RECORD_FILE}: spec.gitops.path is ${JSON.stringify(
        record.spec.gitops.path,
      )}, but the record is in ${JSON.stringify(
        path,
      )}; it does not describe this folder`,
    );
  }
  const generated = generateManifests(record.spec);
  for (const env of ENVIRONMENTS) {
    const violations = checkManifests(generated.rendered[env]);
    if (violations.length > 0) {
      throw new Error(
        `baseline ${BASELINE_VERSION} generates overlays/${env} with ${violations.length} policy violation(s), first: ${violations[0].message}`,
      );
    }
  }
  const { [TREE_RECORD_FILE]: _record, ...next } = generated.files;
  const context = { tree, to: BASELINE_VERSION };

  const plan: UpgradePlan = {
    path,
    spec: generated.spec,
    from: record.baseline,
    to: BASELINE_VERSION,
    changes: baselineChangesSince(record.baseline),
    files: [],
    write: {},
    delete: [],
    mergeBases: {},
  };
  const recordShas: Record<string, string> = {};
  const paths = [
    ...new Set([...Object.keys(record.files), ...Object.keys(next)]),
  ].sort();
  for (const file of paths) {
    const outcome = await planFile(
      file,
      record.files[file],
      tree.files[file],
      next[file],
      context,
    );
    if (outcome.change) plan.files.push(outcome.change);
    if (outcome.write !== undefined) plan.write[file] = outcome.write;
    if (outcome.remove) plan.delete.push(file);
    if (outcome.recordSha) recordShas[file] = outcome.recordSha;
    if (outcome.mergeBase !== undefined) {
      plan.mergeBases[gitBlobSha(outcome.mergeBase)] = outcome.mergeBase;
    }
  }

  const recordText = writeTreeRecord({
    baseline: BASELINE_VERSION,
    spec: generated.spec,
    files: recordShas,
  });
  if (gitBlobSha(recordText) !== tree.files[TREE_RECORD_FILE]) {
    plan.write[TREE_RECORD_FILE] = recordText;
    plan.files.push({ path: TREE_RECORD_FILE, status: 'updated' });
    plan.files.sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  return plan;
}

/**
 * One line per plan for a log: `apps/cartservice: baseline 1 → 3, 2 updated, 1 conflict`.
 *
 * @public
 */
export function describeUpgradePlan(plan: UpgradePlan): string {
  if (isUpToDate(plan) && plan.files.length === 0) {
    return `${plan.path}: up to date (baseline ${plan.to})`;
  }
  const order: UpgradeFileStatus[] = [
    'updated',
    'added',
    'removed',
    'merged',
    'conflict',
  ];
  const parts = order.flatMap(status => {
    const n = plan.files.filter(f => f.status === status).length;
    if (n === 0) return [];
    return [`${n} ${status}${status === 'conflict' && n > 1 ? 's' : ''}`];
  });
  const versions =
    plan.from === plan.to
      ? `baseline ${plan.to}`
      : `baseline ${plan.from} → ${plan.to}`;
  return `${plan.path}: ${versions}, ${parts.join(', ')}${
    isUpToDate(plan) ? ' (nothing to write)' : ''
  }`;
}

// GitHub refuses pull request bodies over 65536 characters.
const MAX_BODY = 60000;
const MAX_DIFF = 4000;

const STATUS_TEXT: Record<UpgradeFileStatus, string> = {
  updated: 'updated',
  added: 'added',
  removed: 'removed',
  merged: 'merged, your edit kept',
  conflict: '**conflict**, left as it is',
};

function fenced(diff: string): string {
  const text =
    diff.length > MAX_DIFF
      ? `${diff.slice(0, MAX_DIFF)}\n… (${
          diff.length - MAX_DIFF
        } more characters)`
      : diff;
  // A fence longer than any backtick run inside, so a diff cannot close it.
  const longest = Math.max(
    2,
    ...[...text.matchAll(/`+/g)].map(m => m[0].length),
  );
  const fence = '`'.repeat(longest + 1);
  return `${fence}diff\n${text.replace(/\n$/, '')}\n${fence}`;
}

function componentSection(plan: UpgradePlan, title: string): string {
  const lines = [
    `## ${title} (\`${plan.path}\`): ${
      plan.from === plan.to
        ? `baseline ${plan.to}`
        : `baseline ${plan.from} → ${plan.to}`
    }`,
    '',
  ];
  if (plan.changes.length > 0) {
    lines.push('What changed and why:', '');
    for (const c of plan.changes) {
      lines.push(`- **Baseline ${c.version}.** ${c.summary} _Why:_ ${c.why}`);
    }
  } else {
    lines.push(
      `Regenerated with the same baseline version; no changelog entry applies.`,
    );
  }
  lines.push('', '| File | Change |', '| --- | --- |');
  for (const f of plan.files) {
    lines.push(`| \`${f.path}\` | ${STATUS_TEXT[f.status]} |`);
  }
  const conflicts = plan.files.filter(f => f.status === 'conflict');
  if (conflicts.length > 0) {
    lines.push(
      '',
      `**${conflicts.length} file${conflicts.length === 1 ? '' : 's'} conflict${
        conflicts.length === 1 ? 's' : ''
      }.** This pull request leaves ${
        conflicts.length === 1 ? 'it' : 'them'
      } as ${
        conflicts.length === 1 ? 'it is' : 'they are'
      }; apply the baseline's change by hand where it fits your edit. The next upgrade merges from the same base again.`,
    );
    for (const f of conflicts) {
      lines.push('', `\`${f.path}\`: ${f.detail}.`);
      if (f.baselineDiff) {
        lines.push(
          '',
          'What the baseline would change:',
          '',
          fenced(f.baselineDiff),
        );
      }
    }
  }
  return lines.join('\n');
}

/**
 * The pull request that upgrades some trees of one repository: a title, and a body with, per
 * service, the changelog entries it had not seen (what changed and why), its files, and each
 * conflict with the change the baseline would make.
 *
 * @public
 */
export function upgradePullRequest(
  components: { title: string; plan: UpgradePlan }[],
): { title: string; body: string } {
  const n = components.length;
  const title = `Zero Trust baseline ${BASELINE_VERSION} for ${n} service${
    n === 1 ? '' : 's'
  }`;
  const intro = [
    `Regenerates ${n} service${n === 1 ? '' : 's'} from ${
      n === 1 ? 'its' : 'their'
    } recorded ServiceSpec with baseline ${BASELINE_VERSION} of the Zero Trust service template (\`zerotrust:baseline:upgrade\`). The regenerated manifests pass the policy baseline. Files edited by hand are three-way merged with \`git merge-file\`; edits that merge cleanly are kept, and conflicts are listed below and left as they are.`,
  ].join('\n');
  let body = intro;
  for (const [i, c] of components.entries()) {
    const section = `\n\n${componentSection(c.plan, c.title)}`;
    if (body.length + section.length > MAX_BODY) {
      body += `\n\n… and ${
        n - i
      } more service(s), left out to keep this description within GitHub's limit: ${components
        .slice(i)
        .map(r => `\`${r.plan.path}\``)
        .join(', ')}`.slice(0, MAX_BODY - body.length);
      break;
    }
    body += section;
  }
  return { title, body: `${body}\n` };
}

/**
 * A tree held in memory, for planning without a repository: the current files, plus earlier
 * contents (e.g. what an older baseline generated) that `readBlob` can find by sha.
 *
 * @public
 */
export function inMemoryTree(
  files: Record<string, string | Buffer>,
  history: (string | Buffer)[] = [],
): GitOpsTree {
  const blobs = new Map<string, Buffer>();
  const store = (content: string | Buffer) => {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const sha = gitBlobSha(bytes);
    blobs.set(sha, bytes);
    return sha;
  };
  history.forEach(store);
  return {
    files: Object.fromEntries(
      Object.entries(files).map(([path, content]) => [path, store(content)]),
    ),
    readBlob: async sha => blobs.get(sha),
  };
}
