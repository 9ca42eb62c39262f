import { ConfigReader } from '@backstage/config';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import { FakeGitHub } from './__testUtils__/fakeGitHub';
import { createGitopsPullRequestAction } from './gitopsPullRequest';
import { examples } from './gitopsPullRequest.examples';

const server = setupServer();
registerMswTestHooks(server);

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: { github: [{ host: 'github.com', token: 'ghs_test' }] },
  }),
);
const action = createGitopsPullRequestAction({ integrations });

const exampleInput = (i: number) =>
  yaml.parse(examples[i].example).steps[0].input;
const input = exampleInput(0);
const REPO = 'acme/gitops';
const BRANCH = 'zero-trust/add-cartservice';
const SHA = expect.stringMatching(/^[0-9a-f]{40}$/);

// The fake GitHub runs git for every request; on a loaded 2-core machine a test takes seconds.
jest.setTimeout(60_000);

describe('zerotrust:gitops:pull-request', () => {
  let workspacePath: string;
  let github: FakeGitHub;

  const write = (file: string, content: string, mode = 0o644) => {
    const full = path.join(workspacePath, 'gitops', file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
    fs.chmodSync(full, mode);
  };

  const run = async (
    overrides: Record<string, unknown> = {},
    isDryRun = false,
    act = action,
  ) => {
    const ctx = {
      ...createMockActionContext({
        input: { ...input, ...overrides },
        workspacePath,
      }),
      isDryRun,
    };
    jest.spyOn(ctx.logger, 'info');
    jest.spyOn(ctx.logger, 'warn');
    await act.handler(ctx);
    return ctx;
  };

  beforeEach(async () => {
    workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-pr-'));
    write('base/kustomization.yaml', 'resources: []\n');
    write('README.md', '# cartservice\n');
    github = new FakeGitHub();
    await github.createRepo(REPO, {
      'README.md': '# gitops\n',
      'apps/cartservice/NOTES.md': 'hand-written\n',
    });
    server.use(...github.handlers());
  });

  afterEach(() => {
    fs.rmSync(workspacePath, { recursive: true, force: true });
    github.cleanup();
  });

  it('creates a branch, one commit and the pull request with the integration token', async () => {
    const main = (await github.refs(REPO))['refs/heads/main'];
    const ctx = await run();
    expect(github.calls()).toEqual([
      // Our read: what differs from the base branch, and does the branch exist?
      'GET /repos/acme/gitops',
      'GET /repos/acme/gitops/git/ref/heads/main',
      `GET /repos/acme/gitops/git/ref/heads/${BRANCH}`,
      `GET /repos/acme/gitops/git/commits/${main}`,
      // One tree at a time to the target folder: the root, apps, then apps/cartservice.
      ...[1, 2, 3].map(() =>
        expect.stringMatching(
          /^GET \/repos\/acme\/gitops\/git\/trees\/[0-9a-f]{40}$/,
        ),
      ),
      // octokit-plugin-create-pull-request, parent pinned to what we compared against
      'GET /repos/acme/gitops',
      'GET /repos/acme/gitops/commits',
      'POST /repos/acme/gitops/git/blobs',
      'POST /repos/acme/gitops/git/blobs',
      'POST /repos/acme/gitops/git/trees',
      'POST /repos/acme/gitops/git/commits',
      'POST /graphql',
      'POST /repos/acme/gitops/git/refs',
      'POST /repos/acme/gitops/pulls',
    ]);
    expect(github.requests[8].query).toEqual({ sha: main, per_page: '1' });
    expect(new Set(github.requests.map(r => r.authorization))).toEqual(
      new Set(['token ghs_test']),
    );
    expect(await github.files(REPO, BRANCH)).toEqual({
      'README.md': '# gitops\n',
      'apps/cartservice/NOTES.md': 'hand-written\n',
      'apps/cartservice/README.md': '# cartservice\n',
      'apps/cartservice/base/kustomization.yaml': 'resources: []\n',
    });
    expect(
      await github.readFile(REPO, 'main', 'apps/cartservice/README.md'),
    ).toBeUndefined();
    const [commit, initial] = await github.log(REPO, BRANCH);
    expect(commit).toEqual({
      sha: SHA,
      parents: [main],
      message: 'Add cartservice (Zero Trust service)',
      author: 'Fake GitHub',
    });
    expect(initial.sha).toBe(main);
    expect(github.pullRequests(REPO)).toEqual([
      expect.objectContaining({
        number: 1,
        state: 'open',
        head: BRANCH,
        base: 'main',
        title: 'Add cartservice (Zero Trust service)',
        body: 'Generated and validated by the Zero Trust template.',
        draft: false,
        requestedReviewers: [],
      }),
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/pull/1',
    );
    expect(ctx.output).toHaveBeenCalledWith('pullRequestNumber', 1);
    expect(ctx.output).toHaveBeenCalledWith('commitSha', commit.sha);
    expect(ctx.output).toHaveBeenCalledWith('branchName', BRANCH);
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', [
      'apps/cartservice/README.md',
      'apps/cartservice/base/kustomization.yaml',
    ]);
  });

  it('changes nothing when run again with the same input', async () => {
    await run();
    const refs = await github.refs(REPO);
    const before = github.requests.length;
    const ctx = await run();
    const again = github.calls().slice(before);
    expect(again.filter(c => !c.startsWith('GET '))).toEqual([]);
    expect(again).toContain(`GET /repos/acme/gitops/pulls`);
    expect(await github.refs(REPO)).toEqual(refs);
    expect(github.pullRequests(REPO)).toHaveLength(1);
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', []);
    expect(ctx.output).toHaveBeenCalledWith(
      'commitSha',
      refs[`refs/heads/${BRANCH}`],
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/pull/1',
    );
  });

  it('updates the existing branch and pull request with only the changed file', async () => {
    await run();
    const first = (await github.refs(REPO))[`refs/heads/${BRANCH}`];
    write('README.md', '# cartservice v2\n');
    const before = github.requests.length;
    const ctx = await run({ title: 'Add cartservice, v2' });
    expect(github.writes().slice(-5)).toEqual([
      'POST /repos/acme/gitops/git/blobs',
      'POST /repos/acme/gitops/git/trees',
      'POST /repos/acme/gitops/git/commits',
      `PATCH /repos/acme/gitops/git/refs/heads/${BRANCH}`,
      'PATCH /repos/acme/gitops/pulls/1',
    ]);
    expect(
      github.requests
        .slice(before)
        .filter(r => r.method !== 'GET' && r.path !== '/graphql'),
    ).toHaveLength(5);
    // The plugin forces this update; we do not.
    expect(
      github.requests.find(
        r => r.method === 'PATCH' && r.path.includes('/git/refs/'),
      )?.body.force,
    ).toBe(false);
    const [second] = await github.log(REPO, BRANCH);
    expect(second.parents).toEqual([first]);
    expect(await github.changes(REPO, second.sha)).toEqual({
      'apps/cartservice/README.md': 'M',
    });
    expect(
      await github.readFile(REPO, BRANCH, 'apps/cartservice/README.md'),
    ).toBe('# cartservice v2\n');
    expect(github.pullRequests(REPO)).toEqual([
      expect.objectContaining({ number: 1, title: 'Add cartservice, v2' }),
    ]);
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', [
      'apps/cartservice/README.md',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('commitSha', second.sha);
  });

  it('builds on commits others pushed to the branch instead of overwriting them', async () => {
    await run();
    const theirs = await github.push(
      REPO,
      BRANCH,
      { 'apps/cartservice/extra.yaml': 'kind: ConfigMap\n' },
      {
        message: 'Review fix',
        author: { name: 'Reviewer', email: 'r@example.com' },
      },
    );
    write('README.md', '# changed\n');
    await run();
    const [ours, foreign] = await github.log(REPO, BRANCH);
    expect(foreign).toMatchObject({ sha: theirs, author: 'Reviewer' });
    expect(ours.parents).toEqual([theirs]);
    expect(await github.changes(REPO, ours.sha)).toEqual({
      'apps/cartservice/README.md': 'M',
    });
    expect(await github.files(REPO, BRANCH)).toMatchObject({
      'apps/cartservice/NOTES.md': 'hand-written\n',
      'apps/cartservice/extra.yaml': 'kind: ConfigMap\n',
      'apps/cartservice/README.md': '# changed\n',
    });
    expect(github.pullRequests(REPO)).toHaveLength(1);
  });

  it('opens no pull request when the base branch already has the files', async () => {
    await github.push(REPO, 'main', {
      'apps/cartservice/README.md': '# cartservice\n',
      'apps/cartservice/base/kustomization.yaml': 'resources: []\n',
    });
    const refs = await github.refs(REPO);
    const ctx = await run();
    expect(github.writes()).toEqual([]);
    expect(github.calls()).not.toContain('POST /graphql');
    expect(await github.refs(REPO)).toEqual(refs);
    expect(github.pullRequests(REPO)).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/tree/main/apps/cartservice',
    );
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', []);
    expect(ctx.output).not.toHaveBeenCalledWith(
      'pullRequestNumber',
      expect.anything(),
    );
  });

  it('writes nothing in a dry run and logs the plan', async () => {
    write('scripts/check.sh', '#!/bin/sh\n', 0o755);
    const refs = await github.refs(REPO);
    const ctx = await run(exampleInput(1), true);
    expect(github.requests).toEqual([]);
    expect(await github.refs(REPO)).toEqual(refs);
    const logged = (ctx.logger.info as jest.Mock).mock.calls.map(c => c[0]);
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'on branch zero-trust/add-cartservice (into release)',
        ),
        '  100644 apps/cartservice/README.md',
        '  100755 apps/cartservice/scripts/check.sh',
        '  reviewers: octocat, team platform-security',
      ]),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/pulls',
    );
  });

  it('keeps the executable bit and commits a mode change on its own', async () => {
    write('scripts/check.sh', '#!/bin/sh\necho ok\n', 0o755);
    write('scripts/notes.txt', 'plain\n', 0o644);
    await run();
    expect(await github.tree(REPO, BRANCH)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'apps/cartservice/scripts/check.sh',
          mode: '100755',
        }),
        expect.objectContaining({
          path: 'apps/cartservice/scripts/notes.txt',
          mode: '100644',
        }),
      ]),
    );
    fs.chmodSync(
      path.join(workspacePath, 'gitops', 'scripts/notes.txt'),
      0o755,
    );
    const ctx = await run();
    const [head] = await github.log(REPO, BRANCH);
    expect(await github.changes(REPO, head.sha)).toEqual({
      'apps/cartservice/scripts/notes.txt': 'M',
    });
    expect(await github.tree(REPO, BRANCH)).toContainEqual(
      expect.objectContaining({
        path: 'apps/cartservice/scripts/notes.txt',
        mode: '100755',
      }),
    );
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', [
      'apps/cartservice/scripts/notes.txt',
    ]);
  });

  it('handles symbolic links as publish:github:pull-request does', async () => {
    // A link whose target is not in the workspace (it is in the repository) is committed as a link.
    fs.symlinkSync(
      'NOTES.md',
      path.join(workspacePath, 'gitops', 'notes-link'),
    );
    // A link to a file of the workspace is left out (upstream's hardening), with a warning.
    fs.symlinkSync(
      'README.md',
      path.join(workspacePath, 'gitops', 'readme-link'),
    );
    const ctx = await run();
    const tree = await github.tree(REPO, BRANCH);
    expect(tree).toContainEqual(
      expect.objectContaining({
        path: 'apps/cartservice/notes-link',
        mode: '120000',
      }),
    );
    expect(tree.map(e => e.path)).not.toContain('apps/cartservice/readme-link');
    expect(
      await github.readFile(REPO, BRANCH, 'apps/cartservice/notes-link'),
    ).toBe('NOTES.md');
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'readme-link is a symbolic link to a file of the workspace',
      ),
    );
  });

  it('requests the reviewers and team reviewers on the pull request', async () => {
    await github.push(
      REPO,
      'release',
      { 'RELEASE.md': 'r1\n' },
      { from: 'main' },
    );
    const ctx = await run({
      ...exampleInput(1),
      teamReviewers: ['platform-security', 'platform-security'],
    });
    const request = github.requests.find(r =>
      r.path.endsWith('/requested_reviewers'),
    );
    expect(request).toMatchObject({
      method: 'POST',
      path: '/repos/acme/gitops/pulls/1/requested_reviewers',
      body: { reviewers: ['octocat'], team_reviewers: ['platform-security'] },
    });
    expect(github.pullRequests(REPO)).toEqual([
      expect.objectContaining({
        base: 'release',
        draft: true,
        requestedReviewers: ['octocat'],
        requestedTeams: ['platform-security'],
      }),
    ]);
    const [head] = await github.log(REPO, BRANCH);
    expect(head.message).toBe('cartservice: Zero Trust manifests');
    expect(await github.readFile(REPO, BRANCH, 'RELEASE.md')).toBe('r1\n');
    expect(ctx.output).toHaveBeenCalledWith('pullRequestNumber', 1);
  });

  it('talks to GitHub Enterprise at the apiBaseUrl of its integration', async () => {
    const ghe = new FakeGitHub({
      apiBaseUrl: 'https://ghe.example.com/api/v3',
      host: 'ghe.example.com',
    });
    try {
      await ghe.createRepo('platform/gitops', { 'README.md': '# ghe\n' });
      server.use(...ghe.handlers());
      const gheAction = createGitopsPullRequestAction({
        integrations: ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: {
              github: [
                { host: 'github.com', token: 'ghs_public' },
                {
                  host: 'ghe.example.com',
                  apiBaseUrl: 'https://ghe.example.com/api/v3',
                  token: 'ghs_enterprise',
                },
              ],
            },
          }),
        ),
      });
      const ctx = await run(
        { repoUrl: 'ghe.example.com?owner=platform&repo=gitops' },
        false,
        gheAction,
      );
      expect(github.requests).toEqual([]);
      expect(ghe.requests.length).toBeGreaterThan(5);
      for (const r of ghe.requests) {
        expect(r.url).toMatch(
          r.path === '/graphql'
            ? /^https:\/\/ghe\.example\.com\/api\/graphql$/
            : /^https:\/\/ghe\.example\.com\/api\/v3\/repos\/platform\/gitops/,
        );
        expect(r.authorization).toBe('token ghs_enterprise');
      }
      expect(ghe.calls()).toContain('POST /repos/platform/gitops/pulls');
      expect(
        await ghe.readFile(
          'platform/gitops',
          BRANCH,
          'apps/cartservice/README.md',
        ),
      ).toBe('# cartservice\n');
      expect(ctx.output).toHaveBeenCalledWith(
        'pullRequestUrl',
        'https://ghe.example.com/platform/gitops/pull/1',
      );
    } finally {
      ghe.cleanup();
    }
  });

  it.each([
    [
      'targetPath',
      { targetPath: '../other-team' },
      /targetPath "..\/other-team"/,
    ],
    ['targetPath', { targetPath: '/etc' }, /targetPath "\/etc"/],
    ['targetPath', { targetPath: 'apps/./x' }, /targetPath "apps\/.\/x"/],
    [
      'targetPath',
      { targetPath: 'x/.GIT/hooks' },
      /targetPath "x\/.GIT\/hooks"/,
    ],
    ['branchName', { branchName: 'a..b' }, /branchName "a..b"/],
    ['branchName', { branchName: 'x\ny' }, /branchName "x\\ny"/],
    ['branchName', { branchName: 'main.lock' }, /branchName "main.lock"/],
    ['branchName', { branchName: 'foo.' }, /branchName "foo\."/],
    ['branchName', { branchName: 'a/b.' }, /branchName "a\/b\."/],
    ['branchName', { branchName: 'HEAD' }, /branchName "HEAD"/],
    [
      'branchName',
      { branchName: 'refs/heads/x' },
      /branchName "refs\/heads\/x"/,
    ],
    ['baseBranch', { baseBranch: 'main.' }, /baseBranch "main\."/],
    ['baseBranch', { baseBranch: '-delete' }, /baseBranch "-delete"/],
    [
      'sourcePath',
      { sourcePath: '../../etc' },
      /sourcePath .* outside the workspace/,
    ],
    [
      'repoUrl',
      { repoUrl: 'gitlab.com?owner=a&repo=b' },
      /No GitHub integration is configured for gitlab.com/,
    ],
    [
      'repoUrl',
      { repoUrl: 'github.com?owner=a%2Fb&repo=c' },
      /must name a GitHub owner/,
    ],
    [
      'repoUrl',
      { repoUrl: 'github.com?owner=acme&repo=..' },
      /must name a GitHub owner/,
    ],
    ['reviewers', { reviewers: ['octo cat'] }, /reviewers: "octo cat"/],
    [
      'teamReviewers',
      { teamReviewers: ['acme/platform'] },
      /teamReviewers: "acme\/platform"/,
    ],
  ])(
    'refuses a hostile %s before any request',
    async (_f, overrides, message) => {
      const refs = await github.refs(REPO);
      await expect(run(overrides)).rejects.toThrow(message);
      expect(github.requests).toEqual([]);
      expect(await github.refs(REPO)).toEqual(refs);
    },
  );

  it.each([
    ['an absolute link', '/etc/passwd', 'passwd'],
    ['a link out of the folder', '../../../etc/passwd', 'sub/passwd'],
    ['a dangling link out of the folder', '../outside', 'outside-link'],
  ])(
    'refuses %s in the source folder before any request',
    async (_d, target, link) => {
      fs.mkdirSync(path.join(workspacePath, 'gitops', 'sub'), {
        recursive: true,
      });
      fs.symlinkSync(target, path.join(workspacePath, 'gitops', link));
      await expect(run()).rejects.toThrow(
        `${link} is a symbolic link to ${target}, outside gitops`,
      );
      expect(github.requests).toEqual([]);
    },
  );
});
