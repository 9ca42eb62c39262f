import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import { createHash } from 'crypto';
import {
  composeCreatePullRequest,
  DELETE_FILE,
} from 'octokit-plugin-create-pull-request';
import path from 'path';
import { BRANCH, OWNER, REPO } from './githubNames';
import { GitHubTreeReader } from './gitopsTree';

/** Git file modes a proposed file can have: regular, executable, symbolic link. @public */
export type ProposedFileMode = '100644' | '100755' | '120000';

/** What to propose where. @public */
export interface ProposedChange {
  owner: string;
  repo: string;
  /** Files by path relative to `targetPath`; for a symbolic link (mode 120000), the link's target. */
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
  /** Modes by the same paths as `files`; a file without one is a regular file (100644). */
  modes?: Record<string, ProposedFileMode>;
  /** Users asked to review a pull request this call opens or updates. */
  reviewers?: string[];
  /** Team slugs asked to review a pull request this call opens or updates. */
  teamReviewers?: string[];
  /** Paths relative to `targetPath` to delete; absent files are ignored. */
  deletedFiles?: string[];
}

/** @public */
export interface ProposedChangeResult {
  /** The branch the pull request merges into. */
  baseBranch: string;
  /** Head of `branchName` after the call; undefined when the base branch already had everything. */
  commitSha?: string;
  /** Repository paths this call committed (written or deleted); empty when nothing differed. */
  changedFiles: string[];
  /** The open pull request; undefined when nothing differs from the base branch. */
  pullRequest?: { url: string; number: number; created: boolean };
}

/** The object id git gives a file's content: how we tell an unchanged file without downloading it. */
export function gitBlobSha(content: Buffer): string {
  return createHash('sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

type TreeEntries = Map<string, { mode: string; sha: string }>;

interface FileChange {
  path: string;
  mode: ProposedFileMode;
  content?: Buffer;
  deleted?: boolean;
}

const isNotFound = (e: unknown) => (e as { status?: number }).status === 404;

/** GitHub's answers when a branch moved or appeared between our read and our update. */
function isRefRace(e: unknown): boolean {
  const err = e as {
    status?: number;
    message?: string;
    response?: { data?: { message?: string } };
  };
  if (err.status !== 422) return false;
  const message = `${err.response?.data?.message ?? ''} ${err.message ?? ''}`;
  return /Update is not a fast forward|Reference already exists/i.test(message);
}

/** A repository-relative path: `/`-separated, no empty, `.`, `..` or `.git` segment. */
function checkRelativePath(value: string, what: string) {
  const segments = value.split('/');
  const bad = segments.some(
    s => s === '' || s === '.' || s === '..' || s.toLowerCase() === '.git',
  );
  if (bad || /[\0\\]/.test(value)) {
    throw new InputError(
      `${what} ${JSON.stringify(
        value,
      )} must be a relative path without empty, ., .. or .git segments`,
    );
  }
}

/** The names of a change, checked as the actions check them: proposeChange is exported. */
function checkNames(change: ProposedChange) {
  if (!OWNER.test(change.owner) || !REPO.test(change.repo)) {
    throw new InputError(
      `${JSON.stringify(change.owner)}/${JSON.stringify(
        change.repo,
      )} is not a GitHub owner and repository`,
    );
  }
  for (const [what, value] of [
    ['branchName', change.branchName],
    ['baseBranch', change.baseBranch],
  ] as const) {
    if (value !== undefined && !BRANCH.test(value)) {
      throw new InputError(
        `${what} ${JSON.stringify(value)} is not a valid branch name`,
      );
    }
  }
}

/**
 * A symbolic link's target must stay in the target folder: an absolute target, or one that
 * climbs out with .., would point at another team's files (or outside the checkout).
 */
function checkLinkTarget(file: string, target: string) {
  const resolved = path.posix.normalize(
    path.posix.join(path.posix.dirname(file), target),
  );
  if (
    target === '' ||
    /[\0\\]/.test(target) ||
    path.posix.isAbsolute(target) ||
    resolved === '..' ||
    resolved.startsWith('../')
  ) {
    throw new InputError(
      `File ${file} is a symbolic link to ${JSON.stringify(
        target,
      )}, outside the target folder; only links within it can be proposed`,
    );
  }
}

async function branchHead(
  octokit: Octokit,
  owner: string,
  repo: string,
  branch: string,
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getRef({
      owner,
      repo,
      ref: `heads/${branch}`,
    });
    return data.object.sha;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/**
 * The files of `targetPath` at a commit by repository path. The folder is reached one tree at a
 * time (GitHubTreeReader), never by listing the whole repository; a truncated listing throws,
 * since treating every file as changed would write on every rerun.
 */
async function readTree(
  reader: GitHubTreeReader,
  commitSha: string,
  targetPath: string,
): Promise<TreeEntries> {
  const files = await reader.filesAtCommit(commitSha, targetPath);
  return new Map(
    (files ?? []).map(f => [
      path.posix.join(targetPath, f.path),
      { mode: f.mode, sha: f.sha },
    ]),
  );
}

/** What differs between the wanted files and a tree. */
function diff(
  wanted: FileChange[],
  deleted: string[],
  tree: TreeEntries,
): FileChange[] {
  const changed = wanted.filter(f => {
    const existing = tree.get(f.path);
    return (
      !existing ||
      existing.mode !== f.mode ||
      existing.sha !== gitBlobSha(f.content!)
    );
  });
  const removed = deleted
    .filter(p => tree.has(p))
    .map(p => ({ path: p, mode: '100644' as const, deleted: true }));
  return [...changed, ...removed];
}

/**
 * The Octokit the pull-request plugin gets. The plugin's `update` mode takes its parent commit
 * from the head of the *base* branch and then force-pushes the branch: a commit someone else
 * pushed to the branch (a review fix) would be dropped, and so would our own earlier commits,
 * since we only hand it the files that changed. So the parent is pinned to the commit we compared
 * against (the branch head when the branch exists) and the branch update is not forced: if the
 * branch moves while we work, GitHub refuses the update instead of losing the other push.
 */
function pinnedOctokit(octokit: Octokit, parentSha: string) {
  const committed: string[] = [];
  const request = async (route: string, params: Record<string, unknown>) => {
    const send = octokit.request as unknown as (
      r: string,
      p: Record<string, unknown>,
    ) => Promise<any>;
    if (route === 'GET /repos/{owner}/{repo}/commits') {
      return send(route, { ...params, sha: parentSha });
    }
    if (
      route === 'PATCH /repos/{owner}/{repo}/git/refs/{ref}' ||
      route === 'POST /repos/{owner}/{repo}/git/refs'
    ) {
      try {
        return await send(
          route,
          route.startsWith('PATCH') ? { ...params, force: false } : params,
        );
      } catch (e) {
        // Only a lost race is "run again"; any other 422 (a protected branch, a rule) is
        // GitHub's own answer and passes through.
        if (isRefRace(e)) {
          throw new ConflictError(
            `Branch ${String(params.ref).replace(/^(refs\/)?heads\//, '')} of ${
              params.owner
            }/${
              params.repo
            } changed while the change was being proposed; run again to build on it`,
            e,
          );
        }
        throw e;
      }
    }
    const response = await send(route, params);
    if (route === 'POST /repos/{owner}/{repo}/git/commits') {
      committed.push(response.data.sha);
    }
    return response;
  };
  return {
    client: { request, graphql: octokit.graphql, log: octokit.log },
    committed,
  };
}

async function findOpenPullRequest(
  octokit: Octokit,
  change: ProposedChange,
  baseBranch: string,
) {
  const { data } = await octokit.rest.pulls.list({
    owner: change.owner,
    repo: change.repo,
    head: `${change.owner}:${change.branchName}`,
    base: baseBranch,
    state: 'open',
  });
  return data[0];
}

/** Asks for reviews as publish:github:pull-request does: a refused reviewer is logged, not fatal. */
async function requestReviewers(
  octokit: Octokit,
  change: ProposedChange,
  pullNumber: number,
  logger?: LoggerService,
) {
  if (!change.reviewers?.length && !change.teamReviewers?.length) return;
  try {
    await octokit.rest.pulls.requestReviewers({
      owner: change.owner,
      repo: change.repo,
      pull_number: pullNumber,
      reviewers: change.reviewers,
      team_reviewers: change.teamReviewers
        ? [...new Set(change.teamReviewers)]
        : undefined,
    });
    logger?.info(
      `Requested reviews on pull request ${pullNumber} from [${[
        ...(change.reviewers ?? []),
        ...(change.teamReviewers ?? []).map(t => `team ${t}`),
      ].join(', ')}]`,
    );
  } catch (e) {
    logger?.error(
      `Failure when requesting reviewers on pull request ${pullNumber}: ${e}`,
    );
  }
}

/**
 * Proposes files to a folder of a GitHub repository as a pull request, with
 * octokit-plugin-create-pull-request doing the commit and the pull request as in
 * `publish:github:pull-request`. On top of it:
 *
 * - Idempotent: only files whose content or mode differs are committed, and nothing is written
 *   when nothing differs, so the same change twice makes one commit and one pull request. When
 *   the base branch already has every file, there is nothing to propose: no branch, no PR.
 * - Builds on the branch: a rerun adds a commit on top of the branch head, including commits
 *   others pushed there, and never force-pushes (see `pinnedOctokit`).
 * - Files of the target folder that are not in `files` are kept: they may be hand-written.
 *   Only `deletedFiles` are removed.
 * - A retried call after a partial failure (branch pushed, PR not opened) opens the PR.
 *
 * @public
 */
export async function proposeChange(
  octokit: Octokit,
  change: ProposedChange,
  options?: { logger?: LoggerService },
): Promise<ProposedChangeResult> {
  const { owner, repo, branchName } = change;
  const logger = options?.logger;
  checkNames(change);
  checkRelativePath(change.targetPath, 'targetPath');
  const wanted: FileChange[] = Object.entries(change.files).map(
    ([file, content]) => {
      checkRelativePath(file, 'File');
      const mode = change.modes?.[file] ?? '100644';
      if (!['100644', '100755', '120000'].includes(mode)) {
        throw new InputError(`File ${file} has an unknown mode ${mode}`);
      }
      if (mode === '120000') checkLinkTarget(file, content.toString('utf8'));
      return {
        path: path.posix.join(change.targetPath, file),
        mode,
        content,
      };
    },
  );
  const deleted = (change.deletedFiles ?? []).map(file => {
    checkRelativePath(file, 'Deleted file');
    if (file in change.files) {
      throw new InputError(`File ${file} is both written and deleted`);
    }
    return path.posix.join(change.targetPath, file);
  });

  const { data: repository } = await octokit.rest.repos.get({ owner, repo });
  if (repository.permissions && !repository.permissions.push) {
    // The plugin would fork the repository for a user token without push access.
    throw new NotAllowedError(
      `The GitHub credentials cannot push to ${owner}/${repo}`,
    );
  }
  const baseBranch = change.baseBranch ?? repository.default_branch;
  if (baseBranch === branchName) {
    throw new InputError(
      `branchName ${branchName} must differ from the base branch`,
    );
  }
  const baseHead = await branchHead(octokit, owner, repo, baseBranch);
  if (!baseHead) {
    throw new InputError(`${owner}/${repo} has no branch ${baseBranch}`);
  }
  const head = await branchHead(octokit, owner, repo, branchName);

  const reader = new GitHubTreeReader(octokit, owner, repo);
  const baseTree = await readTree(reader, baseHead, change.targetPath);
  if (diff(wanted, deleted, baseTree).length === 0) {
    logger?.info(
      `${owner}/${repo} already has every file on ${baseBranch}; nothing to propose`,
    );
    return { baseBranch, changedFiles: [] };
  }
  let parent = head ?? baseHead;
  let headTree: TreeEntries | undefined;
  if (head) {
    // The plugin's update mode finds the open pull request of the branch whatever its base and
    // moves it to ours: a branch already proposed into another base is someone else's change.
    const { data: open } = await octokit.rest.pulls.list({
      owner,
      repo,
      head: `${owner}:${branchName}`,
      state: 'open',
    });
    const elsewhere = open.find(p => p.base.ref !== baseBranch);
    if (elsewhere) {
      throw new ConflictError(
        `Branch ${branchName} of ${owner}/${repo} already has pull request ${elsewhere.html_url} into ${elsewhere.base.ref}, not ${baseBranch}; choose another branchName for ${baseBranch}`,
      );
    }
    if (open.length === 0 && head !== baseHead) {
      // No open pull request: a branch left over from a merged one is built on afresh from the
      // base (a fast-forward of the branch); a branch with its own commits is someone's work,
      // unless it already holds exactly this change (a run that pushed but did not open the PR).
      const { data: comparison } = await octokit.rest.repos.compareCommits({
        owner,
        repo,
        base: baseHead,
        head,
      });
      if (comparison.status === 'behind' || comparison.status === 'identical') {
        logger?.info(
          `Branch ${branchName} of ${owner}/${repo} is already in ${baseBranch} (a merged pull request); building on ${baseBranch}`,
        );
        parent = baseHead;
      } else {
        headTree = await readTree(reader, head, change.targetPath);
        if (diff(wanted, deleted, headTree).length > 0) {
          throw new ConflictError(
            `Branch ${branchName} of ${owner}/${repo} has commits that are not in ${baseBranch} and no open pull request (a closed or squash-merged one?); delete the branch or choose another branchName`,
          );
        }
      }
    }
  }
  const changes =
    parent !== baseHead
      ? diff(
          wanted,
          deleted,
          headTree ?? (await readTree(reader, parent, change.targetPath)),
        )
      : diff(wanted, deleted, baseTree);

  if (changes.length > 0) {
    const pinned = pinnedOctokit(octokit, parent);
    const files = Object.fromEntries(
      changes.map(c => {
        if (c.deleted) return [c.path, DELETE_FILE];
        // As upstream: links as text (their target), everything else as base64 blobs.
        const encoding = c.mode === '120000' ? 'utf-8' : 'base64';
        return [
          c.path,
          { content: c.content!.toString(encoding), encoding, mode: c.mode },
        ];
      }),
    );
    const response = await composeCreatePullRequest(
      pinned.client as unknown as Parameters<
        typeof composeCreatePullRequest
      >[0],
      {
        owner,
        repo,
        title: change.title,
        body: change.body,
        head: branchName,
        base: baseBranch,
        draft: change.draft,
        update: true,
        createWhenEmpty: false,
        changes: [{ files, commit: change.commitMessage, emptyCommit: false }],
      },
    );
    // null: git found the new tree equal to the parent's (not expected: we send only changes).
    if (response) {
      const changedFiles = changes.map(c => c.path).sort();
      const created = response.status === 201;
      logger?.info(
        `${created ? 'Opened' : 'Updated'} pull request ${
          response.data.html_url
        } (${changedFiles.length} files changed)`,
      );
      await requestReviewers(octokit, change, response.data.number, logger);
      return {
        baseBranch,
        commitSha: pinned.committed[pinned.committed.length - 1] ?? parent,
        changedFiles,
        pullRequest: {
          url: response.data.html_url,
          number: response.data.number,
          created,
        },
      };
    }
  }

  // The branch already holds the change: find its pull request, or open it (a retried run whose
  // first attempt pushed the branch but did not get to open it, or a closed pull request).
  const open = await findOpenPullRequest(octokit, change, baseBranch);
  if (open) {
    return {
      baseBranch,
      commitSha: parent,
      changedFiles: [],
      pullRequest: { url: open.html_url, number: open.number, created: false },
    };
  }
  if (!head) {
    // Not expected (the diff said the base lacks something): git found nothing to commit.
    return { baseBranch, changedFiles: [] };
  }
  const { data: created } = await octokit.rest.pulls.create({
    owner,
    repo,
    head: branchName,
    base: baseBranch,
    title: change.title,
    body: change.body,
    draft: change.draft,
  });
  logger?.info(`Opened pull request ${created.html_url}`);
  await requestReviewers(octokit, change, created.number, logger);
  return {
    baseBranch,
    commitSha: head,
    changedFiles: [],
    pullRequest: {
      url: created.html_url,
      number: created.number,
      created: true,
    },
  };
}
