import { Octokit } from '@octokit/rest';
import { createHash } from 'crypto';
import path from 'path';

/** What to propose where. @public */
export interface ProposedChange {
  owner: string;
  repo: string;
  /** Files by path relative to `targetPath`. */
  files: Record<string, Buffer>;
  /** Folder of the repository the files go to. */
  targetPath: string;
  branchName: string;
  /** Defaults to the repository's default branch. */
  baseBranch?: string;
  commitMessage: string;
  title: string;
  body: string;
  draft: boolean;
}

/** @public */
export interface ProposedChangeResult {
  baseBranch: string;
  commitSha: string;
  /** Files whose content differed from the branch (or base) and were committed. */
  changedFiles: string[];
  /** False when the base branch already had every file: there is nothing to propose. */
  branchExists: boolean;
}

/** The object id git gives a file's content: how we tell an unchanged file without downloading it. */
export function gitBlobSha(content: Buffer): string {
  return createHash('sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

const isNotFound = (e: unknown) => (e as { status?: number }).status === 404;

/**
 * Commits the files to `branchName` through the Git Data API: on top of the branch when it
 * exists (a rerun updates it), else on top of the base branch. Only files whose content differs
 * are committed, and no commit is made when nothing differs, so the same input twice changes
 * nothing. Files of the target folder that are not in `files` are kept: they may be hand-written.
 */
export async function commitToBranch(
  octokit: Octokit,
  change: ProposedChange,
): Promise<ProposedChangeResult> {
  const { owner, repo, branchName } = change;
  const baseBranch =
    change.baseBranch ??
    (await octokit.rest.repos.get({ owner, repo })).data.default_branch;

  const branchHead = await octokit.rest.git
    .getRef({ owner, repo, ref: `heads/${branchName}` })
    .then(r => r.data.object.sha)
    .catch(e => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
  const parentSha =
    branchHead ??
    (await octokit.rest.git.getRef({ owner, repo, ref: `heads/${baseBranch}` }))
      .data.object.sha;
  const parent = await octokit.rest.git.getCommit({
    owner,
    repo,
    commit_sha: parentSha,
  });
  const { data: tree } = await octokit.rest.git.getTree({
    owner,
    repo,
    tree_sha: parent.data.tree.sha,
    recursive: 'true',
  });
  const existing = new Map(
    tree.truncated
      ? []
      : tree.tree.filter(e => e.type === 'blob').map(e => [e.path, e.sha]),
  );

  const changed = Object.entries(change.files)
    .map(([file, content]) => ({
      path: path.posix.join(change.targetPath, file),
      content,
    }))
    .filter(f => existing.get(f.path) !== gitBlobSha(f.content));

  if (changed.length === 0) {
    return {
      baseBranch,
      commitSha: parentSha,
      changedFiles: [],
      branchExists: branchHead !== undefined,
    };
  }

  const entries = [];
  for (const file of changed) {
    const blob = await octokit.rest.git.createBlob({
      owner,
      repo,
      content: file.content.toString('base64'),
      encoding: 'base64',
    });
    entries.push({
      path: file.path,
      mode: '100644' as const,
      type: 'blob' as const,
      sha: blob.data.sha,
    });
  }
  const newTree = await octokit.rest.git.createTree({
    owner,
    repo,
    base_tree: parent.data.tree.sha,
    tree: entries,
  });
  const commit = await octokit.rest.git.createCommit({
    owner,
    repo,
    message: change.commitMessage,
    tree: newTree.data.sha,
    parents: [parentSha],
  });
  if (branchHead) {
    // Not forced: if someone pushed to the branch meanwhile, this fails instead of dropping it.
    await octokit.rest.git.updateRef({
      owner,
      repo,
      ref: `heads/${branchName}`,
      sha: commit.data.sha,
      force: false,
    });
  } else {
    await octokit.rest.git.createRef({
      owner,
      repo,
      ref: `refs/heads/${branchName}`,
      sha: commit.data.sha,
    });
  }
  return {
    baseBranch,
    commitSha: commit.data.sha,
    changedFiles: changed.map(f => f.path),
    branchExists: true,
  };
}

/** The open pull request from the branch, or a new one. */
export async function ensurePullRequest(
  octokit: Octokit,
  change: ProposedChange,
  baseBranch: string,
): Promise<{ url: string; number: number; created: boolean }> {
  const { owner, repo } = change;
  const open = await octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${change.branchName}`,
    base: baseBranch,
    state: 'open',
  });
  if (open.data.length > 0) {
    return {
      url: open.data[0].html_url,
      number: open.data[0].number,
      created: false,
    };
  }
  const created = await octokit.rest.pulls.create({
    owner,
    repo,
    head: change.branchName,
    base: baseBranch,
    title: change.title,
    body: change.body,
    draft: change.draft,
  });
  return {
    url: created.data.html_url,
    number: created.data.number,
    created: true,
  };
}
