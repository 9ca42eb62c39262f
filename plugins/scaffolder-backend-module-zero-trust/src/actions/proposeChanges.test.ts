import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { FakeGitHub } from './__testUtils__/fakeGitHub';
import { proposeChange, ProposedChange } from './proposeChanges';

const server = setupServer();
registerMswTestHooks(server);

const REPO = 'acme/gitops';
const BRANCH = 'zero-trust/upgrade-cartservice';
const API = 'https://api.github.com/repos/acme/gitops';

// The fake GitHub runs git for every request; on a loaded 2-core machine a test takes seconds.
jest.setTimeout(60_000);

describe('proposeChange', () => {
  let github: FakeGitHub;
  // Failed requests are expected here (404 for a new branch, 422 on purpose): no console noise.
  const octokit = new Octokit({
    auth: 'ghs_test',
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });

  const change = (over: Partial<ProposedChange> = {}): ProposedChange => ({
    owner: 'acme',
    repo: 'gitops',
    files: { 'base/deployment.yaml': Buffer.from('kind: Deployment\n') },
    targetPath: 'apps/cartservice',
    branchName: BRANCH,
    commitMessage: 'Upgrade the cartservice baseline',
    title: 'Upgrade cartservice',
    body: 'Baseline v2',
    draft: false,
    ...over,
  });

  beforeEach(async () => {
    github = new FakeGitHub();
    await github.createRepo(REPO, {
      'apps/cartservice/base/deployment.yaml': 'kind: Deployment # v1\n',
      'apps/cartservice/base/old-policy.yaml': 'kind: NetworkPolicy\n',
      'apps/cartservice/NOTES.md': 'hand-written\n',
    });
    server.use(...github.handlers());
  });

  afterEach(() => github.cleanup());

  it('deletes deletedFiles that exist, ignores those that do not, and keeps the rest', async () => {
    const result = await proposeChange(
      octokit,
      change({ deletedFiles: ['base/old-policy.yaml', 'base/never-was.yaml'] }),
    );
    expect(result).toEqual({
      baseBranch: 'main',
      commitSha: (await github.refs(REPO))[`refs/heads/${BRANCH}`],
      changedFiles: [
        'apps/cartservice/base/deployment.yaml',
        'apps/cartservice/base/old-policy.yaml',
      ],
      pullRequest: {
        url: 'https://github.com/acme/gitops/pull/1',
        number: 1,
        created: true,
      },
    });
    expect(await github.changes(REPO, BRANCH)).toEqual({
      'apps/cartservice/base/deployment.yaml': 'M',
      'apps/cartservice/base/old-policy.yaml': 'D',
    });
    expect(await github.files(REPO, BRANCH)).toEqual({
      'apps/cartservice/base/deployment.yaml': 'kind: Deployment\n',
      'apps/cartservice/NOTES.md': 'hand-written\n',
    });
    // The plugin checks a deletion exists before asking for it; we only hand it existing ones.
    expect(github.calls()).toContain(
      'HEAD /repos/acme/gitops/contents/apps/cartservice/base/old-policy.yaml',
    );
    expect(github.calls().join('\n')).not.toContain('never-was');

    // Deleting again is no change at all.
    const before = github.requests.length;
    const again = await proposeChange(
      octokit,
      change({ deletedFiles: ['base/old-policy.yaml'] }),
    );
    expect(again.changedFiles).toEqual([]);
    expect(again.pullRequest).toEqual(
      expect.objectContaining({ number: 1, created: false }),
    );
    expect(
      github.requests.slice(before).filter(r => r.method !== 'GET'),
    ).toEqual([]);
  });

  it('commits the modes it is given', async () => {
    await proposeChange(
      octokit,
      change({
        files: {
          'bin/check.sh': Buffer.from('#!/bin/sh\n'),
          'current.yaml': Buffer.from('base/deployment.yaml'),
        },
        modes: { 'bin/check.sh': '100755', 'current.yaml': '120000' },
      }),
    );
    const tree = await github.tree(REPO, BRANCH);
    expect(tree).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'apps/cartservice/bin/check.sh',
          mode: '100755',
        }),
        expect.objectContaining({
          path: 'apps/cartservice/current.yaml',
          mode: '120000',
        }),
      ]),
    );
  });

  it('finishes a run that pushed the branch but failed to open the pull request', async () => {
    server.use(
      http.post(
        `${API}/pulls`,
        () => HttpResponse.json({ message: 'Bad Gateway' }, { status: 502 }),
        { once: true },
      ),
    );
    await expect(proposeChange(octokit, change())).rejects.toThrow();
    const head = (await github.refs(REPO))[`refs/heads/${BRANCH}`];
    expect(head).toBeDefined();
    expect(github.pullRequests(REPO)).toEqual([]);

    const before = github.requests.length;
    const result = await proposeChange(octokit, change());
    expect(github.writes().slice(-1)).toEqual([
      'POST /repos/acme/gitops/pulls',
    ]);
    expect(
      github.requests
        .slice(before)
        .filter(r => r.method !== 'GET' && r.path !== '/graphql'),
    ).toHaveLength(1);
    expect(result).toEqual({
      baseBranch: 'main',
      commitSha: head,
      changedFiles: [],
      pullRequest: {
        url: 'https://github.com/acme/gitops/pull/1',
        number: 1,
        created: true,
      },
    });
    expect((await github.refs(REPO))[`refs/heads/${BRANCH}`]).toBe(head);
  });

  it('refuses to overwrite a push that lands while it works', async () => {
    await proposeChange(octokit, change());
    let theirs: string | undefined;
    server.use(
      // Someone pushes between our read of the branch and our update of it.
      http.post(
        `${API}/git/commits`,
        async () => {
          theirs = await github.push(REPO, BRANCH, {
            'apps/cartservice/review-fix.yaml': 'fix: true\n',
          });
          return undefined;
        },
        { once: true },
      ),
    );
    await expect(
      proposeChange(
        octokit,
        change({ files: { 'base/deployment.yaml': Buffer.from('v3\n') } }),
      ),
    ).rejects.toThrow(ConflictError);
    expect(theirs).toBeDefined();
    expect((await github.refs(REPO))[`refs/heads/${BRANCH}`]).toBe(theirs);

    // The next run builds on their commit.
    await proposeChange(
      octokit,
      change({ files: { 'base/deployment.yaml': Buffer.from('v3\n') } }),
    );
    const [ours] = await github.log(REPO, BRANCH);
    expect(ours.parents).toEqual([theirs]);
    expect(
      await github.readFile(REPO, BRANCH, 'apps/cartservice/review-fix.yaml'),
    ).toBe('fix: true\n');
  });

  it("passes GitHub's other refusals of a branch update through instead of asking to run again", async () => {
    await proposeChange(octokit, change());
    const message =
      'Protected branch update failed for refs/heads/zero-trust/upgrade-cartservice.';
    server.use(
      http.patch(
        `${API}/git/refs/*`,
        () => HttpResponse.json({ message }, { status: 422 }),
        { once: true },
      ),
    );
    const attempt = proposeChange(
      octokit,
      change({ files: { 'base/deployment.yaml': Buffer.from('v3\n') } }),
    );
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.not.toThrow(ConflictError);
    await expect(attempt).rejects.not.toThrow(/run again/);
  });

  it('proposes nothing when the base branch has every file, even if the branch exists', async () => {
    await github.push(REPO, BRANCH, { 'x.txt': 'x\n' }, { from: 'main' });
    await github.push(REPO, 'main', {
      'apps/cartservice/base/deployment.yaml': 'kind: Deployment\n',
    });
    const refs = await github.refs(REPO);
    const result = await proposeChange(octokit, change());
    expect(result).toEqual({ baseBranch: 'main', changedFiles: [] });
    expect(github.writes()).toEqual([]);
    expect(await github.refs(REPO)).toEqual(refs);
  });

  it('logs a refused reviewer and keeps the pull request', async () => {
    const logger = mockServices.logger.mock();
    server.use(
      http.post(`${API}/pulls/:number/requested_reviewers`, () =>
        HttpResponse.json(
          {
            message:
              'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the acme/gitops repository.',
          },
          { status: 422 },
        ),
      ),
    );
    const result = await proposeChange(
      octokit,
      change({ reviewers: ['stranger'] }),
      { logger },
    );
    expect(result.pullRequest).toEqual(
      expect.objectContaining({ number: 1, created: true }),
    );
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(
        'Failure when requesting reviewers on pull request 1',
      ),
    );
  });

  it('refuses credentials that cannot push instead of forking', async () => {
    await github.createRepo(
      'other/gitops',
      { 'README.md': '#\n' },
      { canPush: false },
    );
    await expect(
      proposeChange(octokit, change({ owner: 'other' })),
    ).rejects.toThrow(NotAllowedError);
    expect(github.writes()).toEqual([]);
  });

  it.each([
    [
      'a file climbing out',
      { files: { '../x.yaml': Buffer.from('x') } },
      /File "..\/x.yaml" must be a relative path/,
    ],
    [
      'a file in .git',
      { files: { '.git/config': Buffer.from('x') } },
      /File ".git\/config"/,
    ],
    [
      'an absolute file',
      { files: { '/etc/x': Buffer.from('x') } },
      /File "\/etc\/x"/,
    ],
    [
      'a deletion climbing out',
      { deletedFiles: ['../../README.md'] },
      /Deleted file "..\/..\/README.md"/,
    ],
    [
      'a targetPath climbing out',
      { targetPath: 'apps/../..' },
      /targetPath "apps\/..\/.."/,
    ],
    [
      'an unknown mode',
      { modes: { 'base/deployment.yaml': '160000' as any } },
      /unknown mode 160000/,
    ],
    [
      'a file both written and deleted',
      { deletedFiles: ['base/deployment.yaml'] },
      /both written and deleted/,
    ],
    ['an owner with a slash', { owner: 'acme/evil' }, /is not a GitHub owner/],
    ['a repository ..', { repo: '..' }, /is not a GitHub owner/],
    [
      'a branchName with ..',
      { branchName: 'a..b' },
      /branchName "a..b" is not a valid branch name/,
    ],
    [
      'a full ref as branchName',
      { branchName: 'refs/heads/x' },
      /branchName "refs\/heads\/x"/,
    ],
    ['a baseBranch HEAD', { baseBranch: 'HEAD' }, /baseBranch "HEAD"/],
    [
      'a baseBranch ending in .',
      { baseBranch: 'main.' },
      /baseBranch "main\."/,
    ],
    [
      'an absolute link',
      {
        files: { passwd: Buffer.from('/etc/passwd') },
        modes: { passwd: '120000' as const },
      },
      /passwd is a symbolic link to "\/etc\/passwd", outside the target folder/,
    ],
    [
      'a link climbing out of the folder',
      {
        files: { 'base/other': Buffer.from('../../other-team/secret.yaml') },
        modes: { 'base/other': '120000' as const },
      },
      /base\/other is a symbolic link to "..\/..\/other-team\/secret.yaml"/,
    ],
  ])('refuses %s before any request', async (_d, over, message) => {
    const attempt = proposeChange(octokit, change(over));
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(message);
    expect(github.requests).toEqual([]);
  });

  it('proposes a link that stays within the folder', async () => {
    await proposeChange(
      octokit,
      change({
        files: {
          'base/deployment.yaml': Buffer.from('kind: Deployment\n'),
          'base/link': Buffer.from('../NOTES.md'),
        },
        modes: { 'base/link': '120000' },
      }),
    );
    expect(await github.tree(REPO, BRANCH)).toContainEqual(
      expect.objectContaining({
        path: 'apps/cartservice/base/link',
        mode: '120000',
      }),
    );
  });

  it.each([
    ['a merge commit', false],
    ['a fast-forward', true],
  ])(
    'builds on the base when the branch of a pull request merged with %s is left over',
    async (_d, fastForward) => {
      await proposeChange(octokit, change());
      const merged = await github.mergePull(REPO, 1, { fastForward });
      const result = await proposeChange(
        octokit,
        change({ files: { 'base/deployment.yaml': Buffer.from('v3\n') } }),
      );
      expect(result.pullRequest).toEqual(
        expect.objectContaining({ number: 2, created: true }),
      );
      const [commit] = await github.log(REPO, BRANCH);
      expect(commit.parents).toEqual([merged]);
      expect(result.commitSha).toBe(commit.sha);
      expect(await github.changes(REPO, BRANCH, 'main')).toEqual({
        'apps/cartservice/base/deployment.yaml': 'M',
      });
      expect(github.pullRequests(REPO).map(p => p.state)).toEqual([
        'closed',
        'open',
      ]);
    },
  );

  it('refuses a branch with commits of its own and no open pull request', async () => {
    await github.push(
      REPO,
      BRANCH,
      { 'apps/cartservice/someone.yaml': 'x: 1\n' },
      { from: 'main' },
    );
    const refs = await github.refs(REPO);
    const attempt = proposeChange(octokit, change());
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      `Branch ${BRANCH} of acme/gitops has commits that are not in main and no open pull request (a closed or squash-merged one?); delete the branch or choose another branchName`,
    );
    expect(github.writes()).toEqual([]);
    expect(await github.refs(REPO)).toEqual(refs);
    expect(github.pullRequests(REPO)).toEqual([]);
  });

  it('reads only the target folder, one tree at a time, never the whole repository', async () => {
    await proposeChange(octokit, change());
    const recursive = github.requests
      .filter(
        r =>
          r.path.startsWith('/repos/acme/gitops/git/trees/') &&
          r.query.recursive !== undefined,
      )
      .map(r => r.path);
    // The sha of apps/cartservice's tree on main, walked by hand.
    const [main] = await github.log(REPO, 'main');
    let sha = main.sha;
    for (const segment of ['apps', 'cartservice']) {
      const { data } = await octokit.rest.git.getTree({
        owner: 'acme',
        repo: 'gitops',
        tree_sha: sha,
      });
      sha = data.tree.find(e => e.path === segment)!.sha!;
    }
    expect(recursive.length).toBeGreaterThan(0);
    expect(new Set(recursive)).toEqual(
      new Set([`/repos/acme/gitops/git/trees/${sha}`]),
    );
  });

  it('throws on a truncated listing instead of taking every file as changed', async () => {
    github.truncateRecursiveListings = true;
    await expect(proposeChange(octokit, change())).rejects.toThrow(
      /GitHub truncated the listing of tree [0-9a-f]{40} of acme\/gitops/,
    );
    expect(github.writes()).toEqual([]);
  });

  it('refuses a branch whose open pull request goes into another base', async () => {
    await github.push(REPO, 'release', {}, { from: 'main' });
    await proposeChange(octokit, change());
    const refs = await github.refs(REPO);
    const before = github.writes().length;
    const attempt = proposeChange(
      octokit,
      change({
        baseBranch: 'release',
        files: { 'base/deployment.yaml': Buffer.from('v3\n') },
      }),
    );
    await expect(attempt).rejects.toThrow(ConflictError);
    await expect(attempt).rejects.toThrow(
      `Branch ${BRANCH} of acme/gitops already has pull request https://github.com/acme/gitops/pull/1 into main, not release`,
    );
    expect(github.writes().slice(before)).toEqual([]);
    expect(await github.refs(REPO)).toEqual(refs);
    expect(github.pullRequests(REPO)).toEqual([
      expect.objectContaining({ number: 1, base: 'main', state: 'open' }),
    ]);
  });

  it('refuses a branch that is the base branch before writing', async () => {
    await expect(
      proposeChange(octokit, change({ branchName: 'main' })),
    ).rejects.toThrow(/must differ from the base branch/);
    expect(github.writes()).toEqual([]);
  });
});
