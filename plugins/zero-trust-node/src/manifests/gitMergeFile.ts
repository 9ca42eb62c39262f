import { execFile } from 'child_process';
import fs from 'fs/promises';
import os from 'os';
import path from 'path';

/** A file's content with the name git shows for it in conflict markers and diffs. */
export interface LabelledText {
  label: string;
  text: string;
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

// git's own config must not change what it prints (a user's diff drivers, colour, renames), and
// no GIT_* variable of the backend's environment (GIT_DIR, GIT_CONFIG_PARAMETERS...) may reach it.
const GIT_ENV = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')),
  ),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
  LC_ALL: 'C',
};

function git(args: string[], cwd: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, env: GIT_ENV, maxBuffer: 64 << 20, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') {
          // Not an exit status: git is missing or could not start.
          reject(
            new Error(
              `git ${args[0]} failed to run (the baseline upgrade merges hand edits with git: install git on the backend's host): ${error?.message}`,
            ),
          );
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `fn` with the texts written to files of a fresh temporary folder, then removes it. */
async function withFiles<T>(
  texts: string[],
  fn: (dir: string, names: string[]) => Promise<T>,
): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-merge-'));
  try {
    const names = texts.map((_, i) => `file-${i}`);
    await Promise.all(
      texts.map((text, i) => fs.writeFile(path.join(dir, names[i]), text)),
    );
    return await fn(dir, names);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Three-way merges `ours` and `theirs` from their common `base` with `git merge-file`, the merge
 * git itself applies to a file changed on two branches.
 */
export async function gitMergeFile({
  base,
  ours,
  theirs,
}: {
  base: LabelledText;
  ours: LabelledText;
  theirs: LabelledText;
}): Promise<{ text: string; conflicts: number }> {
  return withFiles([ours.text, base.text, theirs.text], async (dir, names) => {
    const result = await git(
      [
        'merge-file',
        '-p',
        '-L',
        ours.label,
        '-L',
        base.label,
        '-L',
        theirs.label,
        ...names,
      ],
      dir,
    );
    // The exit status is the number of conflicts (capped at 127); anything above is an error.
    if (result.code < 0 || result.code > 127) {
      throw new Error(`git merge-file failed: ${result.stderr.trim()}`);
    }
    return { text: result.stdout, conflicts: result.code };
  });
}

/**
 * The unified diff from `before` to `after` as `git diff` prints it, headed with their labels;
 * empty when the texts are equal.
 */
export async function gitDiff(
  before: LabelledText,
  after: LabelledText,
): Promise<string> {
  return withFiles([before.text, after.text], async (dir, names) => {
    const result = await git(
      [
        'diff',
        '--no-index',
        '--no-color',
        '--no-ext-diff',
        '--unified=3',
        ...names,
      ],
      dir,
    );
    // --no-index exits 1 when the files differ, 0 when they do not.
    if (result.code > 1) {
      throw new Error(`git diff failed: ${result.stderr.trim()}`);
    }
    const hunks = result.stdout.slice(
      Math.max(0, result.stdout.indexOf('\n@@') + 1),
    );
    return result.code === 0
      ? ''
      : `--- ${before.label}\n+++ ${after.label}\n${hunks}`;
  });
}
