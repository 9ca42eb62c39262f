import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { http, HttpResponse } from 'msw';

/** A file for {@link FakeGitHub.createRepo} and {@link FakeGitHub.push}: text, bytes, or with a mode. */
export type FakeFile =
  | string
  | Buffer
  | { content: string | Buffer; mode: '100644' | '100755' | '120000' };

/** One request the fake answered, for assertions. */
export interface RecordedRequest {
  method: string;
  /** The full URL, e.g. to check the API host. */
  url: string;
  /** Decoded path below the API base URL, e.g. `/repos/acme/gitops/git/ref/heads/main`. */
  path: string;
  query: Record<string, string>;
  body?: any;
  authorization: string | null;
}

/** A pull request of the fake; kept in memory (GitHub keeps them outside git too). */
export interface FakePullRequest {
  number: number;
  state: 'open' | 'closed';
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  requestedReviewers: string[];
  requestedTeams: string[];
}

interface FakeRepo {
  owner: string;
  name: string;
  gitDir: string;
  canPush: boolean;
  pulls: FakePullRequest[];
}

class GitError extends Error {
  constructor(message: string, readonly code: number | string | undefined) {
    super(message);
  }
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

interface RestCall {
  repo: FakeRepo;
  method: string;
  /** The path below `/repos/{owner}/{repo}`, decoded. */
  subPath: string;
  match: RegExpExecArray;
  query: URLSearchParams;
  body: any;
}

const json = (data: unknown, status = 200) =>
  HttpResponse.json(data as any, { status });

const ZERO_OID = '0000000000000000000000000000000000000000';
const SHA = /^[0-9a-f]{40}$/;
const FILE_MODES = ['100644', '100755', '120000'];

/**
 * GitHub's REST Git Data, Repos, Contents and Pulls endpoints (and the one GraphQL query
 * octokit-plugin-create-pull-request sends) behind msw, stored in real bare git repositories,
 * one per owner/repo in a temporary folder. Blobs, trees, commits and ref updates are made with
 * git plumbing (hash-object, read-tree/update-index/write-tree on a temporary index,
 * commit-tree, update-ref with the old value), so object ids, tree contents, invalid paths and
 * non-fast-forward updates are git's answers, not the fake's. Pull requests are kept in memory.
 *
 * ```ts
 * const github = new FakeGitHub(); // or { apiBaseUrl: 'https://ghe.example.com/api/v3' }
 * await github.createRepo('acme/gitops', { 'README.md': '# gitops\n' });
 * server.use(...github.handlers());
 * // ... run the action ...
 * await github.readFile('acme/gitops', 'my-branch', 'apps/x/kustomization.yaml');
 * github.cleanup();
 * ```
 */
export class FakeGitHub {
  readonly apiBaseUrl: string;
  /** Web host of pull request and repository URLs. */
  readonly host: string;
  readonly requests: RecordedRequest[] = [];
  /**
   * When set, recursive tree listings answer as GitHub does for a repository over its limits:
   * `truncated: true` with only part of the entries.
   */
  truncateRecursiveListings = false;
  private readonly root: string;
  private readonly repos = new Map<string, FakeRepo>();
  private clock = 1_700_000_000;
  private tempCounter = 0;
  private nextPullNumber = 1;

  constructor(options: { apiBaseUrl?: string; host?: string } = {}) {
    this.apiBaseUrl = (options.apiBaseUrl ?? 'https://api.github.com').replace(
      /\/$/,
      '',
    );
    this.host =
      options.host ?? new URL(this.apiBaseUrl).host.replace(/^api\./, '');
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-github-'));
  }

  /** The GraphQL endpoint Octokit derives from the API base URL (GitHub Enterprise: /api/graphql). */
  get graphqlUrl(): string {
    return /\/api\/v3$/.test(this.apiBaseUrl)
      ? this.apiBaseUrl.replace(/\/api\/v3$/, '/api/graphql')
      : `${this.apiBaseUrl}/graphql`;
  }

  /** Removes the repositories from disk. */
  cleanup() {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  // ---------------------------------------------------------------- helpers for tests

  /** Creates `owner/name` with one commit of `files` on the default branch; returns the commit. */
  async createRepo(
    fullName: string,
    files: Record<string, FakeFile>,
    options: { defaultBranch?: string; canPush?: boolean } = {},
  ): Promise<string> {
    const [owner, name, extra] = fullName.split('/');
    if (!owner || !name || extra !== undefined || this.repos.has(fullName)) {
      throw new Error(`Cannot create repository ${fullName}`);
    }
    const gitDir = path.join(this.root, owner, `${name}.git`);
    fs.mkdirSync(gitDir, { recursive: true });
    const branch = options.defaultBranch ?? 'main';
    await this.git(gitDir, [
      'init',
      '--quiet',
      '--bare',
      `--initial-branch=${branch}`,
    ]);
    const repo: FakeRepo = {
      owner,
      name,
      gitDir,
      canPush: options.canPush ?? true,
      pulls: [],
    };
    this.repos.set(fullName, repo);
    return this.push(fullName, branch, files, { message: 'Initial commit' });
  }

  /**
   * Commits `files` on top of `branch` as someone else would push them (a hand edit, a review
   * fix); `null` deletes a file. Creates the branch from `from` (default: the default branch)
   * when it does not exist. Returns the new commit.
   */
  async push(
    fullName: string,
    branch: string,
    files: Record<string, FakeFile | null>,
    options: {
      message?: string;
      author?: { name: string; email: string };
      from?: string;
    } = {},
  ): Promise<string> {
    const repo = this.repo(fullName);
    const ref = `refs/heads/${branch}`;
    const current = await this.resolve(repo, ref);
    let parent = current;
    if (!parent && options.from) {
      parent = await this.resolveCommitish(repo, options.from);
    } else if (!parent) {
      // Undefined only for the first commit of createRepo.
      parent = await this.resolve(
        repo,
        `refs/heads/${await this.defaultBranch(repo)}`,
      );
    }
    const entries = await Promise.all(
      Object.entries(files).map(async ([file, value]) => {
        if (value === null) return { path: file, sha: null };
        const { content, mode } =
          typeof value === 'string' || Buffer.isBuffer(value)
            ? { content: value, mode: '100644' }
            : value;
        return {
          path: file,
          mode,
          sha: await this.writeBlob(repo, Buffer.from(content)),
        };
      }),
    );
    const tree = await this.writeTree(
      repo,
      parent ? await this.treeOf(repo, parent) : undefined,
      entries,
    );
    const author = options.author ?? {
      name: 'Someone Else',
      email: 'someone.else@example.com',
    };
    const commit = await this.commitTree(repo, {
      tree,
      parents: parent ? [parent] : [],
      message: options.message ?? 'Hand edit',
      author,
      committer: author,
    });
    await this.git(repo.gitDir, [
      'update-ref',
      ref,
      commit,
      current ?? ZERO_OID,
    ]);
    return commit;
  }

  /**
   * Merges an open pull request as GitHub's merge button does: a fast-forward when the base has
   * not moved (`fastForward: true`), otherwise a real merge commit with the base and the head as
   * parents (git merge-tree; refuses on conflicts). Closes the pull request; the head branch stays.
   * Returns the new head of the base branch.
   */
  async mergePull(
    fullName: string,
    number: number,
    options: { fastForward?: boolean } = {},
  ): Promise<string> {
    const repo = this.repo(fullName);
    const pr = repo.pulls.find(p => p.number === number && p.state === 'open');
    if (!pr) throw new Error(`No open pull request ${number} in ${fullName}`);
    const baseRef = `refs/heads/${pr.base}`;
    const base = await this.resolveCommitish(repo, baseRef);
    const head = await this.resolveCommitish(repo, `refs/heads/${pr.head}`);
    let merged: string;
    if (options.fastForward) {
      await this.git(repo.gitDir, ['merge-base', '--is-ancestor', base, head]);
      merged = head;
    } else {
      const tree = (
        await this.git(repo.gitDir, ['merge-tree', '--write-tree', base, head])
      )
        .toString('utf8')
        .split('\n')[0]
        .trim();
      merged = await this.commitTree(repo, {
        tree,
        parents: [base, head],
        message: `Merge pull request #${number} from ${repo.owner}/${pr.head}`,
      });
    }
    await this.git(repo.gitDir, ['update-ref', baseRef, merged, base]);
    pr.state = 'closed';
    return merged;
  }

  /** A file's text at a branch, tag or commit; undefined when absent. */
  async readFile(
    fullName: string,
    ref: string,
    file: string,
  ): Promise<string | undefined> {
    const repo = this.repo(fullName);
    const commit = await this.resolveCommitish(repo, ref);
    const spec = `${commit}:${file}`;
    if ((await this.objectType(repo, spec)) !== 'blob') return undefined;
    return (await this.git(repo.gitDir, ['cat-file', 'blob', spec])).toString(
      'utf8',
    );
  }

  /** Every file (blob or link) at a ref, as text by path. */
  async files(fullName: string, ref: string): Promise<Record<string, string>> {
    const repo = this.repo(fullName);
    const result: Record<string, string> = {};
    for (const entry of await this.tree(fullName, ref)) {
      result[entry.path] = (
        await this.git(repo.gitDir, ['cat-file', 'blob', entry.sha])
      ).toString('utf8');
    }
    return result;
  }

  /** `git ls-tree -r` at a ref: files with their modes and blob ids. */
  async tree(
    fullName: string,
    ref: string,
  ): Promise<{ path: string; mode: string; type: string; sha: string }[]> {
    const repo = this.repo(fullName);
    const commit = await this.resolveCommitish(repo, ref);
    return (await this.lsTree(repo, commit, { recursive: true })).map(
      ({ path: p, mode, type, sha }) => ({ path: p, mode, type, sha }),
    );
  }

  /** Every ref, e.g. `{ 'refs/heads/main': '<sha>' }`. */
  async refs(fullName: string): Promise<Record<string, string>> {
    const repo = this.repo(fullName);
    const out = (
      await this.git(repo.gitDir, [
        'for-each-ref',
        '--format=%(refname) %(objectname)',
      ])
    ).toString('utf8');
    return Object.fromEntries(
      out
        .split('\n')
        .filter(Boolean)
        .map(line => line.split(' ') as [string, string]),
    );
  }

  /** The commits reachable from a ref, newest first. */
  async log(
    fullName: string,
    ref: string,
  ): Promise<
    { sha: string; parents: string[]; message: string; author: string }[]
  > {
    const repo = this.repo(fullName);
    const commit = await this.resolveCommitish(repo, ref);
    const shas = (await this.git(repo.gitDir, ['rev-list', commit]))
      .toString('utf8')
      .split('\n')
      .filter(Boolean);
    return Promise.all(
      shas.map(async sha => {
        const c = await this.readCommit(repo, sha);
        return {
          sha,
          parents: c.parents,
          message: c.message,
          author: c.author.name,
        };
      }),
    );
  }

  /**
   * What a commit changed against its first parent (or `from`), as `git diff-tree` says it:
   * `A`dded, `M`odified (content or mode), `D`eleted, `T`ype changed, by path.
   */
  async changes(
    fullName: string,
    commit: string,
    from?: string,
  ): Promise<Record<string, string>> {
    const repo = this.repo(fullName);
    const to = await this.resolveCommitish(repo, commit);
    const base = from
      ? await this.resolveCommitish(repo, from)
      : (await this.readCommit(repo, to)).parents[0];
    const out = (
      await this.git(repo.gitDir, [
        'diff-tree',
        '-r',
        '-z',
        '--no-commit-id',
        '--no-renames',
        '--name-status',
        ...(base ? [base, to] : ['--root', to]),
      ])
    )
      .toString('utf8')
      .split('\0')
      .filter(Boolean);
    const result: Record<string, string> = {};
    for (let i = 0; i + 1 < out.length; i += 2) result[out[i + 1]] = out[i];
    return result;
  }

  /** The repository's pull requests (live objects). */
  pullRequests(fullName: string): FakePullRequest[] {
    return this.repo(fullName).pulls;
  }

  /** Requests as `METHOD /path` lines (decoded, below the API base URL). */
  calls(): string[] {
    return this.requests.map(r => `${r.method} ${r.path}`);
  }

  /** The calls that can change something: everything but GET and HEAD (GraphQL here only reads). */
  writes(): string[] {
    return this.requests
      .filter(r => !['GET', 'HEAD'].includes(r.method) && r.path !== '/graphql')
      .map(r => `${r.method} ${r.path}`);
  }

  // ---------------------------------------------------------------- git plumbing

  private git(
    gitDir: string,
    args: string[],
    options: { input?: Buffer | string; env?: Record<string, string> } = {},
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        args,
        {
          encoding: 'buffer',
          maxBuffer: 64 * 1024 * 1024,
          // Nothing from the developer's git configuration or environment leaks in.
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: this.root,
            LANG: 'C',
            GIT_CONFIG_NOSYSTEM: '1',
            GIT_CONFIG_GLOBAL: '/dev/null',
            GIT_DIR: gitDir,
            GIT_AUTHOR_NAME: 'Fake GitHub',
            GIT_AUTHOR_EMAIL: 'fake-github@example.com',
            GIT_COMMITTER_NAME: 'Fake GitHub',
            GIT_COMMITTER_EMAIL: 'fake-github@example.com',
            ...options.env,
          },
        },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new GitError(
                `git ${args.join(' ')}: ${stderr.toString('utf8').trim()}`,
                (error as { code?: number | string }).code,
              ),
            );
          } else {
            resolve(stdout);
          }
        },
      );
      // A command that does not read its input closes the pipe early; its exit status tells.
      child.stdin?.on('error', () => {});
      child.stdin?.end(options.input);
    });
  }

  private repo(fullName: string): FakeRepo {
    const repo = this.repos.get(fullName);
    if (!repo) throw new Error(`No repository ${fullName} in the fake`);
    return repo;
  }

  private async defaultBranch(repo: FakeRepo): Promise<string> {
    return (await this.git(repo.gitDir, ['symbolic-ref', '--short', 'HEAD']))
      .toString('utf8')
      .trim();
  }

  /** The commit a full ref name points at, or undefined. */
  private async resolve(
    repo: FakeRepo,
    ref: string,
  ): Promise<string | undefined> {
    try {
      await this.git(repo.gitDir, ['check-ref-format', ref]);
      const out = await this.git(repo.gitDir, [
        'rev-parse',
        '--verify',
        '--quiet',
        ref,
      ]);
      return out.toString('utf8').trim();
    } catch {
      return undefined;
    }
  }

  /** A branch name, full ref or commit id to a commit id; throws 404 when none. */
  private async resolveCommitish(repo: FakeRepo, ref: string): Promise<string> {
    if (SHA.test(ref)) {
      if ((await this.objectType(repo, ref)) === 'commit') return ref;
    } else {
      for (const candidate of [`refs/heads/${ref}`, `refs/tags/${ref}`, ref]) {
        const sha = await this.resolve(repo, candidate);
        if (sha) return sha;
      }
    }
    throw new HttpError(404, `No commit found for SHA: ${ref}`);
  }

  private async objectType(
    repo: FakeRepo,
    spec: string,
  ): Promise<string | undefined> {
    if (spec.startsWith('-')) return undefined;
    try {
      return (await this.git(repo.gitDir, ['cat-file', '-t', spec]))
        .toString('utf8')
        .trim();
    } catch {
      return undefined;
    }
  }

  private async writeBlob(repo: FakeRepo, content: Buffer): Promise<string> {
    return (
      await this.git(repo.gitDir, ['hash-object', '-w', '--stdin'], {
        input: content,
      })
    )
      .toString('utf8')
      .trim();
  }

  private async treeOf(repo: FakeRepo, commit: string): Promise<string> {
    return (await this.readCommit(repo, commit)).tree;
  }

  private async readCommit(repo: FakeRepo, sha: string) {
    const raw = (
      await this.git(repo.gitDir, ['cat-file', 'commit', sha])
    ).toString('utf8');
    const split = raw.indexOf('\n\n');
    const headers = raw.slice(0, split).split('\n');
    const person = (line: string) => {
      const m = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(line)!;
      return {
        name: m[1],
        email: m[2],
        date: new Date(Number(m[3]) * 1000).toISOString().replace('.000', ''),
      };
    };
    const value = (key: string) =>
      headers
        .filter(h => h.startsWith(`${key} `))
        .map(h => h.slice(key.length + 1));
    return {
      tree: value('tree')[0],
      parents: value('parent'),
      author: person(value('author')[0]),
      committer: person(value('committer')[0]),
      message: raw.slice(split + 2),
    };
  }

  /** `git ls-tree`: one folder, or recursively its files (and folders with `folders`). */
  private async lsTree(
    repo: FakeRepo,
    treeish: string,
    options: { recursive?: boolean; folders?: boolean } = {},
  ) {
    const out = (
      await this.git(repo.gitDir, [
        'ls-tree',
        '-z',
        '-l',
        ...(options.recursive ? ['-r'] : []),
        ...(options.folders ? ['-t'] : []),
        treeish,
      ])
    ).toString('utf8');
    return out
      .split('\0')
      .filter(Boolean)
      .map(line => {
        const tab = line.indexOf('\t');
        const [mode, type, sha, size] = line.slice(0, tab).split(/ +/);
        return {
          path: line.slice(tab + 1),
          mode,
          type,
          sha,
          size: size === '-' ? undefined : Number(size),
        };
      });
  }

  /**
   * A tree from `base` (or empty) with entries replaced or removed, built in a temporary index:
   * git checks paths (no `..`, `.git`, empty segments) and file/folder clashes.
   */
  private async writeTree(
    repo: FakeRepo,
    base: string | undefined,
    entries: { path: string; mode?: string; sha: string | null }[],
  ): Promise<string> {
    this.tempCounter += 1;
    const index = path.join(this.root, `index-${this.tempCounter}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.git(
        repo.gitDir,
        base ? ['read-tree', base] : ['read-tree', '--empty'],
        { env },
      );
      for (const entry of entries) {
        if (entry.sha === null) {
          const present = (
            await this.git(repo.gitDir, ['ls-files', '-z', '--', entry.path], {
              env,
            })
          )
            .toString('utf8')
            .split('\0')
            .filter(Boolean);
          if (present.length === 0) {
            // GitHub answers a deletion of a missing path with GitRPC::BadObjectState.
            throw new HttpError(422, 'GitRPC::BadObjectState');
          }
          // Mode 0 removes an index entry; --index-info needs no work tree.
          await this.git(repo.gitDir, ['update-index', '-z', '--index-info'], {
            env,
            input: present.map(p => `0 ${ZERO_OID}\t${p}\0`).join(''),
          });
          continue;
        }
        try {
          await this.git(
            repo.gitDir,
            [
              'update-index',
              '--add',
              '--cacheinfo',
              `${entry.mode},${entry.sha},${entry.path}`,
            ],
            { env },
          );
        } catch (e) {
          throw new HttpError(
            422,
            `tree.path ${JSON.stringify(entry.path)} is invalid: ${
              (e as Error).message
            }`,
          );
        }
      }
      return (await this.git(repo.gitDir, ['write-tree'], { env }))
        .toString('utf8')
        .trim();
    } finally {
      fs.rmSync(index, { force: true });
    }
  }

  private async commitTree(
    repo: FakeRepo,
    commit: {
      tree: string;
      parents: string[];
      message: string;
      author?: { name?: string; email?: string; date?: string };
      committer?: { name?: string; email?: string; date?: string };
    },
  ): Promise<string> {
    // Time moves on by a second per commit, so ids are reproducible from run to run.
    this.clock += 1;
    const now = `${this.clock} +0000`;
    const env: Record<string, string> = {
      GIT_AUTHOR_DATE: commit.author?.date ?? now,
      GIT_COMMITTER_DATE: commit.committer?.date ?? now,
    };
    if (commit.author?.name) env.GIT_AUTHOR_NAME = commit.author.name;
    if (commit.author?.email) env.GIT_AUTHOR_EMAIL = commit.author.email;
    if (commit.committer?.name) env.GIT_COMMITTER_NAME = commit.committer.name;
    if (commit.committer?.email) {
      env.GIT_COMMITTER_EMAIL = commit.committer.email;
    }
    return (
      await this.git(
        repo.gitDir,
        ['commit-tree', commit.tree, ...commit.parents.flatMap(p => ['-p', p])],
        { env, input: commit.message },
      )
    )
      .toString('utf8')
      .trim();
  }

  // ---------------------------------------------------------------- REST

  private repoJson(repo: FakeRepo, defaultBranch: string) {
    const fullName = `${repo.owner}/${repo.name}`;
    return {
      id: 1,
      node_id: `R_${fullName}`,
      name: repo.name,
      full_name: fullName,
      owner: { login: repo.owner, type: 'Organization' },
      private: true,
      html_url: `https://${this.host}/${fullName}`,
      url: `${this.apiBaseUrl}/repos/${fullName}`,
      default_branch: defaultBranch,
      permissions: {
        admin: false,
        maintain: false,
        push: repo.canPush,
        triage: true,
        pull: true,
      },
    };
  }

  private refJson(repo: FakeRepo, ref: string, sha: string) {
    const base = `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}`;
    return {
      ref,
      node_id: `REF_${ref}`,
      url: `${base}/git/${ref}`,
      object: { sha, type: 'commit', url: `${base}/git/commits/${sha}` },
    };
  }

  private async commitJson(repo: FakeRepo, sha: string) {
    const c = await this.readCommit(repo, sha);
    const base = `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}`;
    return {
      sha,
      node_id: `C_${sha}`,
      url: `${base}/git/commits/${sha}`,
      html_url: `https://${this.host}/${repo.owner}/${repo.name}/commit/${sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${base}/git/trees/${c.tree}` },
      parents: c.parents.map(p => ({
        sha: p,
        url: `${base}/git/commits/${p}`,
      })),
      verification: { verified: false, reason: 'unsigned' },
    };
  }

  private async pullJson(repo: FakeRepo, pr: FakePullRequest) {
    const fullName = `${repo.owner}/${repo.name}`;
    const sha = async (branch: string) =>
      (await this.resolve(repo, `refs/heads/${branch}`)) ?? null;
    return {
      id: pr.number,
      node_id: `PR_${fullName}_${pr.number}`,
      number: pr.number,
      state: pr.state,
      title: pr.title,
      body: pr.body,
      draft: pr.draft,
      url: `${this.apiBaseUrl}/repos/${fullName}/pulls/${pr.number}`,
      html_url: `https://${this.host}/${fullName}/pull/${pr.number}`,
      head: {
        ref: pr.head,
        label: `${repo.owner}:${pr.head}`,
        sha: await sha(pr.head),
      },
      base: {
        ref: pr.base,
        label: `${repo.owner}:${pr.base}`,
        sha: await sha(pr.base),
      },
      requested_reviewers: pr.requestedReviewers.map(login => ({ login })),
      requested_teams: pr.requestedTeams.map(slug => ({ slug, name: slug })),
    };
  }

  /**
   * The REST endpoints, one entry each: `[method, path below /repos/{owner}/{repo}, handler]`.
   * Handlers get the path's captures, the query and the JSON body; they throw HttpError for
   * GitHub's error answers.
   */
  private readonly routes: [
    string,
    RegExp,
    (call: RestCall) => Promise<Response>,
  ][] = [
    ['GET', /^$/, c => this.getRepo(c)],
    ['GET', /^\/git\/ref\/(.+)$/, c => this.getRef(c)],
    ['POST', /^\/git\/refs$/, c => this.createRef(c)],
    ['PATCH', /^\/git\/refs\/(.+)$/, c => this.updateRef(c)],
    ['DELETE', /^\/git\/refs\/(.+)$/, c => this.deleteRef(c)],
    ['GET', /^\/git\/commits\/(.+)$/, c => this.getCommit(c)],
    ['POST', /^\/git\/commits$/, c => this.createCommit(c)],
    ['GET', /^\/git\/trees\/(.+)$/, c => this.getTree(c)],
    ['POST', /^\/git\/trees$/, c => this.createTree(c)],
    ['GET', /^\/git\/blobs\/(.+)$/, c => this.getBlob(c)],
    ['POST', /^\/git\/blobs$/, c => this.createBlob(c)],
    ['GET', /^\/commits$/, c => this.listCommits(c)],
    ['GET', /^\/compare\/(.+)\.\.\.(.+)$/, c => this.compare(c)],
    ['GET', /^\/contents\/(.+)$/, c => this.getContents(c)],
    ['HEAD', /^\/contents\/(.+)$/, c => this.getContents(c)],
    ['GET', /^\/pulls$/, c => this.listPulls(c)],
    ['POST', /^\/pulls$/, c => this.createPull(c)],
    ['GET', /^\/pulls\/(\d+)$/, c => this.getPull(c)],
    ['PATCH', /^\/pulls\/(\d+)$/, c => this.updatePull(c)],
    [
      'POST',
      /^\/pulls\/(\d+)\/requested_reviewers$/,
      c => this.requestReviewers(c),
    ],
  ];

  private async handleRest(call: Omit<RestCall, 'match'>): Promise<Response> {
    for (const [method, pattern, handle] of this.routes) {
      const match = call.method === method && pattern.exec(call.subPath);
      if (match) return handle({ ...call, match });
    }
    throw new HttpError(
      501,
      `The fake does not implement ${call.method} ${call.subPath}`,
    );
  }

  private async getRepo({ repo }: RestCall) {
    return json(this.repoJson(repo, await this.defaultBranch(repo)));
  }

  private async getRef({ repo, match }: RestCall) {
    const ref = `refs/${match[1]}`;
    const sha = await this.resolve(repo, ref);
    if (!sha) throw new HttpError(404, 'Not Found');
    return json(this.refJson(repo, ref, sha));
  }

  private async createRef({ repo, body }: RestCall) {
    this.requirePush(repo);
    const ref = String(body?.ref ?? '');
    if (!ref.startsWith('refs/') || !(await this.validRef(repo, ref))) {
      throw new HttpError(422, `${ref} is not a valid ref name.`);
    }
    if ((await this.objectType(repo, String(body.sha))) !== 'commit') {
      throw new HttpError(422, 'Object does not exist');
    }
    try {
      // The zero id as the old value: git refuses when the ref exists.
      await this.git(repo.gitDir, ['update-ref', ref, body.sha, ZERO_OID]);
    } catch {
      throw new HttpError(422, 'Reference already exists');
    }
    return json(this.refJson(repo, ref, body.sha), 201);
  }

  private async updateRef({ repo, match, body }: RestCall) {
    this.requirePush(repo);
    const ref = `refs/${match[1]}`;
    const current = await this.resolve(repo, ref);
    if (!current) throw new HttpError(422, 'Reference does not exist');
    const sha = String(body?.sha ?? '');
    if ((await this.objectType(repo, sha)) !== 'commit') {
      throw new HttpError(422, 'Object does not exist');
    }
    if (!body.force) {
      try {
        await this.git(repo.gitDir, [
          'merge-base',
          '--is-ancestor',
          current,
          sha,
        ]);
      } catch {
        throw new HttpError(422, 'Update is not a fast forward');
      }
    }
    try {
      // With the old value: a ref moved meanwhile makes git refuse, as GitHub would.
      await this.git(repo.gitDir, ['update-ref', ref, sha, current]);
    } catch {
      throw new HttpError(422, 'Reference cannot be updated');
    }
    return json(this.refJson(repo, ref, sha));
  }

  private async deleteRef({ repo, match }: RestCall) {
    this.requirePush(repo);
    const ref = `refs/${match[1]}`;
    const current = await this.resolve(repo, ref);
    if (!current) throw new HttpError(422, 'Reference does not exist');
    await this.git(repo.gitDir, ['update-ref', '-d', ref, current]);
    return new HttpResponse(null, { status: 204 });
  }

  private async getCommit({ repo, match }: RestCall) {
    const sha = match[1];
    if (!SHA.test(sha) || (await this.objectType(repo, sha)) !== 'commit') {
      throw new HttpError(404, 'Not Found');
    }
    return json(await this.commitJson(repo, sha));
  }

  private async createCommit({ repo, body }: RestCall) {
    this.requirePush(repo);
    const tree = String(body?.tree ?? '');
    if (!SHA.test(tree) || (await this.objectType(repo, tree)) !== 'tree') {
      throw new HttpError(422, 'Tree SHA does not exist');
    }
    const parents: string[] = (body.parents ?? []).map(String);
    for (const parent of parents) {
      if (
        !SHA.test(parent) ||
        (await this.objectType(repo, parent)) !== 'commit'
      ) {
        throw new HttpError(
          422,
          'Parent SHA does not exist or is not a commit object',
        );
      }
    }
    const sha = await this.commitTree(repo, {
      tree,
      parents,
      message: String(body.message ?? ''),
      author: body.author,
      committer: body.committer,
    });
    return json(await this.commitJson(repo, sha), 201);
  }

  private async getTree({ repo, match, query }: RestCall) {
    const treeish = match[1];
    const type = SHA.test(treeish)
      ? await this.objectType(repo, treeish)
      : undefined;
    if (type !== 'tree' && type !== 'commit') {
      throw new HttpError(404, 'Not Found');
    }
    const sha = (
      await this.git(repo.gitDir, ['rev-parse', `${treeish}^{tree}`])
    )
      .toString('utf8')
      .trim();
    const base = `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}`;
    // GitHub's recursive listing includes the folders.
    const recursive = query.has('recursive');
    const entries = await this.lsTree(repo, sha, {
      recursive,
      folders: recursive,
    });
    const truncated = recursive && this.truncateRecursiveListings;
    return json({
      sha,
      url: `${base}/git/trees/${sha}`,
      truncated,
      tree: (truncated
        ? entries.slice(0, Math.floor(entries.length / 2))
        : entries
      ).map(e => ({
        path: e.path,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        ...(e.size === undefined ? {} : { size: e.size }),
        url: `${base}/git/${e.type}s/${e.sha}`,
      })),
    });
  }

  private async createTree({ repo, body }: RestCall) {
    this.requirePush(repo);
    let base: string | undefined;
    if (body?.base_tree !== undefined) {
      base = String(body.base_tree);
      if (!SHA.test(base) || (await this.objectType(repo, base)) !== 'tree') {
        throw new HttpError(422, 'base_tree is not a valid tree oid');
      }
    }
    const entries = [];
    for (const e of (body?.tree ?? []) as any[]) {
      const entryPath = String(e.path);
      const mode = String(e.mode);
      if (e.sha === null) {
        entries.push({ path: entryPath, sha: null });
        continue;
      }
      if (!FILE_MODES.includes(mode)) {
        // Folders (040000) and submodules (160000) are not needed by the code under test.
        throw new HttpError(501, `The fake takes file modes only, not ${mode}`);
      }
      if (e.content !== undefined) {
        const sha = await this.writeBlob(
          repo,
          Buffer.from(String(e.content), 'utf8'),
        );
        entries.push({ path: entryPath, mode, sha });
        continue;
      }
      const sha = String(e.sha);
      if (!SHA.test(sha) || (await this.objectType(repo, sha)) !== 'blob') {
        throw new HttpError(422, `tree.sha ${sha} is not a valid blob`);
      }
      entries.push({ path: entryPath, mode, sha });
    }
    const sha = await this.writeTree(repo, base, entries);
    return json(
      {
        sha,
        url: `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}/git/trees/${sha}`,
        truncated: false,
        tree: await this.lsTree(repo, sha),
      },
      201,
    );
  }

  private async getBlob({ repo, match }: RestCall) {
    const sha = match[1];
    if (!SHA.test(sha) || (await this.objectType(repo, sha)) !== 'blob') {
      throw new HttpError(404, 'Not Found');
    }
    const content = await this.git(repo.gitDir, ['cat-file', 'blob', sha]);
    return json({
      sha,
      size: content.length,
      encoding: 'base64',
      content: content.toString('base64'),
    });
  }

  private async createBlob({ repo, body }: RestCall) {
    this.requirePush(repo);
    const encoding = body?.encoding ?? 'utf-8';
    if (!['utf-8', 'utf8', 'base64'].includes(encoding)) {
      throw new HttpError(422, `encoding ${encoding} is not supported`);
    }
    const sha = await this.writeBlob(
      repo,
      Buffer.from(
        String(body?.content ?? ''),
        encoding === 'base64' ? 'base64' : 'utf8',
      ),
    );
    return json(
      {
        sha,
        url: `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`,
      },
      201,
    );
  }

  private async listCommits({ repo, query }: RestCall) {
    const start = await this.resolveCommitish(
      repo,
      query.get('sha') ?? (await this.defaultBranch(repo)),
    );
    const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
    const shas = (
      await this.git(repo.gitDir, ['rev-list', `--max-count=${perPage}`, start])
    )
      .toString('utf8')
      .split('\n')
      .filter(Boolean);
    const commits = await Promise.all(
      shas.map(async sha => {
        const c = await this.commitJson(repo, sha);
        return {
          sha,
          node_id: c.node_id,
          url: `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
          html_url: c.html_url,
          commit: {
            tree: c.tree,
            message: c.message,
            author: c.author,
            committer: c.committer,
          },
          parents: c.parents,
        };
      }),
    );
    return json(commits);
  }

  private async getContents({ repo, method, match, query }: RestCall) {
    const file = match[1].replace(/\/$/, '');
    const commit = await this.resolveCommitish(
      repo,
      query.get('ref') ?? (await this.defaultBranch(repo)),
    );
    const spec = `${commit}:${file}`;
    const type = await this.objectType(repo, spec);
    if (type !== 'blob' && type !== 'tree') {
      throw new HttpError(404, 'Not Found');
    }
    if (method === 'HEAD') return new HttpResponse(null, { status: 200 });
    if (type === 'tree') {
      const entries = await this.lsTree(repo, spec);
      return json(
        entries.map(e => ({
          type: e.type === 'tree' ? 'dir' : 'file',
          name: e.path,
          path: `${file}/${e.path}`,
          sha: e.sha,
          size: e.size ?? 0,
        })),
      );
    }
    const content = await this.git(repo.gitDir, ['cat-file', 'blob', spec]);
    const sha = (await this.git(repo.gitDir, ['rev-parse', spec]))
      .toString('utf8')
      .trim();
    return json({
      type: 'file',
      encoding: 'base64',
      size: content.length,
      name: path.posix.basename(file),
      path: file,
      content: content.toString('base64'),
      sha,
    });
  }

  /** `compare/{base}...{head}`: how head relates to base, from git's own ancestry. */
  private async compare({ repo, match }: RestCall) {
    const base = await this.resolveCommitish(repo, match[1]);
    const head = await this.resolveCommitish(repo, match[2]);
    const count = async (range: string) =>
      Number(
        (await this.git(repo.gitDir, ['rev-list', '--count', range]))
          .toString('utf8')
          .trim(),
      );
    const ahead = await count(`${base}..${head}`);
    const behind = await count(`${head}..${base}`);
    const mergeBase = (await this.git(repo.gitDir, ['merge-base', base, head]))
      .toString('utf8')
      .trim();
    let status: string;
    if (ahead === 0 && behind === 0) status = 'identical';
    else if (ahead === 0) status = 'behind';
    else if (behind === 0) status = 'ahead';
    else status = 'diverged';
    return json({
      status,
      ahead_by: ahead,
      behind_by: behind,
      total_commits: ahead,
      base_commit: await this.commitJson(repo, base),
      merge_base_commit: await this.commitJson(repo, mergeBase),
      commits: [],
      files: [],
    });
  }

  private async listPulls({ repo, query }: RestCall) {
    const state = query.get('state') ?? 'open';
    const head = query.get('head');
    const base = query.get('base');
    const pulls = repo.pulls.filter(
      p =>
        (state === 'all' || p.state === state) &&
        (!head || head === `${repo.owner}:${p.head}`) &&
        (!base || base === p.base),
    );
    return json(await Promise.all(pulls.map(p => this.pullJson(repo, p))));
  }

  private async createPull({ repo, body }: RestCall) {
    const head = String(body?.head ?? '').replace(`${repo.owner}:`, '');
    const base = String(body?.base ?? '');
    const headSha = await this.resolve(repo, `refs/heads/${head}`);
    const baseSha = await this.resolve(repo, `refs/heads/${base}`);
    if (!headSha) throw new HttpError(422, 'Validation Failed: head invalid');
    if (!baseSha) throw new HttpError(422, 'Validation Failed: base invalid');
    if (
      repo.pulls.some(
        p => p.state === 'open' && p.head === head && p.base === base,
      )
    ) {
      throw new HttpError(
        422,
        `A pull request already exists for ${repo.owner}:${head}.`,
      );
    }
    const ahead = (
      await this.git(repo.gitDir, [
        'rev-list',
        '--count',
        `${baseSha}..${headSha}`,
      ])
    )
      .toString('utf8')
      .trim();
    if (ahead === '0') {
      throw new HttpError(422, `No commits between ${base} and ${head}`);
    }
    const pr: FakePullRequest = {
      number: this.nextPullNumber++,
      state: 'open',
      head,
      base,
      title: String(body.title ?? ''),
      body: String(body.body ?? ''),
      draft: Boolean(body.draft),
      requestedReviewers: [],
      requestedTeams: [],
    };
    repo.pulls.push(pr);
    return json(await this.pullJson(repo, pr), 201);
  }

  private pull(repo: FakeRepo, number: string): FakePullRequest {
    const pr = repo.pulls.find(p => p.number === Number(number));
    if (!pr) throw new HttpError(404, 'Not Found');
    return pr;
  }

  private async getPull({ repo, match }: RestCall) {
    return json(await this.pullJson(repo, this.pull(repo, match[1])));
  }

  private async updatePull({ repo, match, body }: RestCall) {
    const pr = this.pull(repo, match[1]);
    if (body?.title !== undefined) pr.title = String(body.title);
    if (body?.body !== undefined) pr.body = String(body.body);
    if (body?.base !== undefined) pr.base = String(body.base);
    if (body?.state === 'open' || body?.state === 'closed') {
      pr.state = body.state;
    }
    return json(await this.pullJson(repo, pr));
  }

  private async requestReviewers({ repo, match, body }: RestCall) {
    const pr = this.pull(repo, match[1]);
    const add = (list: string[], more: unknown) => {
      for (const item of (more as string[] | undefined) ?? []) {
        if (!list.includes(item)) list.push(item);
      }
    };
    add(pr.requestedReviewers, body?.reviewers);
    add(pr.requestedTeams, body?.team_reviewers);
    return json(await this.pullJson(repo, pr), 201);
  }

  private async validRef(repo: FakeRepo, ref: string) {
    try {
      await this.git(repo.gitDir, ['check-ref-format', ref]);
      return true;
    } catch {
      return false;
    }
  }

  private requirePush(repo: FakeRepo) {
    if (!repo.canPush)
      throw new HttpError(403, 'Resource not accessible by integration');
  }

  /** The query octokit-plugin-create-pull-request sends: does the branch exist, and its open PR. */
  private async handleGraphql(body: any): Promise<Response> {
    const query = String(body?.query ?? '');
    const { owner, repo: name, head } = body?.variables ?? {};
    if (
      !/associatedPullRequests/.test(query) ||
      !/ref\(qualifiedName/.test(query)
    ) {
      return HttpResponse.json({
        errors: [{ message: 'The fake does not implement this GraphQL query' }],
      });
    }
    const repo = this.repos.get(`${owner}/${name}`);
    if (!repo) {
      return HttpResponse.json({
        data: { repository: null },
        errors: [
          {
            type: 'NOT_FOUND',
            message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          },
        ],
      });
    }
    const branch = String(head).replace(/^refs\/heads\//, '');
    const exists = await this.resolve(repo, `refs/heads/${branch}`);
    const open = repo.pulls.filter(
      p => p.state === 'open' && p.head === branch,
    );
    return HttpResponse.json({
      data: {
        repository: {
          ref: exists
            ? {
                associatedPullRequests: {
                  edges: open.slice(0, 1).map(p => ({
                    node: {
                      id: `PR_${owner}/${name}_${p.number}`,
                      number: p.number,
                      url: `https://${this.host}/${owner}/${name}/pull/${p.number}`,
                    },
                  })),
                },
              }
            : null,
        },
      },
    });
  }

  private async record(request: Request, relativePath: string) {
    const url = new URL(request.url);
    let body: any;
    const text = await request.clone().text();
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const entry: RecordedRequest = {
      method: request.method,
      url: request.url,
      path: relativePath,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: request.headers.get('authorization'),
    };
    this.requests.push(entry);
    return entry;
  }

  /** msw handlers for every repository of the fake, at `apiBaseUrl` and its GraphQL endpoint. */
  handlers() {
    const errorResponse = (e: unknown) => {
      if (e instanceof HttpError) {
        return HttpResponse.json(
          { message: e.message, status: String(e.status) },
          { status: e.status },
        );
      }
      return HttpResponse.json({ message: String(e) }, { status: 500 });
    };
    return [
      http.post(this.graphqlUrl, async ({ request }) => {
        const { body } = await this.record(request, '/graphql');
        try {
          return await this.handleGraphql(body);
        } catch (e) {
          return errorResponse(e);
        }
      }),
      http.all(`${this.apiBaseUrl}/*`, async ({ request }) => {
        const url = new URL(request.url);
        const apiPath = new URL(this.apiBaseUrl).pathname.replace(/\/$/, '');
        const relative = decodeURIComponent(url.pathname.slice(apiPath.length));
        const { body } = await this.record(request, relative);
        try {
          const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(relative);
          const repo = m && this.repos.get(`${m[1]}/${m[2]}`);
          if (!repo) throw new HttpError(404, 'Not Found');
          return await this.handleRest({
            repo,
            method: request.method,
            subPath: m[3] ?? '',
            query: url.searchParams,
            body,
          });
        } catch (e) {
          return errorResponse(e);
        }
      }),
    ];
  }
}
