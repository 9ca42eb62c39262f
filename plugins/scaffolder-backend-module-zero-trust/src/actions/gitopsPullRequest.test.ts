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

const input = yaml.parse(examples[0].example).steps[0].input;

describe('zerotrust:gitops:pull-request', () => {
  let workspacePath: string;
  let github: FakeGitHub;

  const run = async (
    overrides: Record<string, unknown> = {},
    isDryRun = false,
  ) => {
    const ctx = {
      ...createMockActionContext({
        input: { ...input, ...overrides },
        workspacePath,
      }),
      isDryRun,
    };
    await action.handler(ctx);
    return ctx;
  };

  beforeEach(() => {
    workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-pr-'));
    fs.mkdirSync(path.join(workspacePath, 'gitops', 'base'), {
      recursive: true,
    });
    fs.writeFileSync(
      path.join(workspacePath, 'gitops', 'base', 'kustomization.yaml'),
      'resources: []\n',
    );
    fs.writeFileSync(
      path.join(workspacePath, 'gitops', 'README.md'),
      '# cartservice\n',
    );
    github = new FakeGitHub('acme', 'gitops', {
      'README.md': '# gitops\n',
      'apps/cartservice/NOTES.md': 'hand-written\n',
    });
    server.use(...github.handlers());
  });

  afterEach(() => fs.rmSync(workspacePath, { recursive: true, force: true }));

  it('creates a branch, one commit and the pull request with the integration token', async () => {
    const ctx = await run();
    expect(github.calls()).toEqual([
      'GET ',
      'GET /git/ref/heads/zero-trust/add-cartservice',
      'GET /git/ref/heads/main',
      `GET /git/commits/${github.commits.keys().next().value}`,
      expect.stringMatching(/^GET \/git\/trees\//),
      'POST /git/blobs',
      'POST /git/blobs',
      'POST /git/trees',
      'POST /git/commits',
      'POST /git/refs',
      'GET /pulls',
      'POST /pulls',
    ]);
    expect(github.authorization).toBe('token ghs_test');
    expect(github.filesOn('zero-trust/add-cartservice')).toEqual({
      'README.md': '# gitops\n',
      'apps/cartservice/NOTES.md': 'hand-written\n',
      'apps/cartservice/README.md': '# cartservice\n',
      'apps/cartservice/base/kustomization.yaml': 'resources: []\n',
    });
    expect(github.filesOn('main')).not.toHaveProperty(
      'apps/cartservice/README.md',
    );
    expect(github.pulls).toEqual([
      expect.objectContaining({
        head: 'zero-trust/add-cartservice',
        base: 'main',
        title: 'Add cartservice (Zero Trust service)',
        draft: false,
      }),
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/pull/1',
    );
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', [
      'apps/cartservice/base/kustomization.yaml',
      'apps/cartservice/README.md',
    ]);
  });

  it('changes nothing when run again with the same input', async () => {
    await run();
    const head = github.refs.get('heads/zero-trust/add-cartservice');
    const before = github.requests.length;
    const ctx = await run();
    const writes = github.requests
      .slice(before)
      .filter(r => r.method !== 'GET');
    expect(writes).toEqual([]);
    expect(github.refs.get('heads/zero-trust/add-cartservice')).toBe(head);
    expect(github.pulls).toHaveLength(1);
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', []);
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/pull/1',
    );
  });

  it('updates the existing branch and pull request with only the changed file', async () => {
    await run();
    fs.writeFileSync(
      path.join(workspacePath, 'gitops', 'README.md'),
      '# cartservice v2\n',
    );
    const before = github.requests.length;
    const ctx = await run();
    expect(
      github
        .calls()
        .slice(before)
        .filter(c => !c.startsWith('GET')),
    ).toEqual([
      'POST /git/blobs',
      'POST /git/trees',
      'POST /git/commits',
      'PATCH /git/refs/heads/zero-trust/add-cartservice',
    ]);
    expect(github.requests.find(r => r.method === 'PATCH')?.body.force).toBe(
      false,
    );
    expect(
      github.filesOn('zero-trust/add-cartservice')[
        'apps/cartservice/README.md'
      ],
    ).toBe('# cartservice v2\n');
    expect(github.pulls).toHaveLength(1);
    expect(ctx.output).toHaveBeenCalledWith('changedFiles', [
      'apps/cartservice/README.md',
    ]);
  });

  it('builds on commits others pushed to the branch instead of overwriting them', async () => {
    await run();
    github.push('zero-trust/add-cartservice', {
      'apps/cartservice/extra.yaml': 'kind: ConfigMap\n',
    });
    fs.writeFileSync(
      path.join(workspacePath, 'gitops', 'README.md'),
      '# changed\n',
    );
    await run();
    expect(github.filesOn('zero-trust/add-cartservice')).toMatchObject({
      'apps/cartservice/extra.yaml': 'kind: ConfigMap\n',
      'apps/cartservice/README.md': '# changed\n',
    });
  });

  it('opens no pull request when the base branch already has the files', async () => {
    github.push('main', {
      'apps/cartservice/README.md': '# cartservice\n',
      'apps/cartservice/base/kustomization.yaml': 'resources: []\n',
    });
    const ctx = await run();
    expect(github.calls().filter(c => !c.startsWith('GET'))).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/tree/main/apps/cartservice',
    );
  });

  it('makes no GitHub request in a dry run', async () => {
    const ctx = await run({}, true);
    expect(github.requests).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith(
      'pullRequestUrl',
      'https://github.com/acme/gitops/pulls',
    );
  });

  it.each([
    [
      'targetPath',
      { targetPath: '../other-team' },
      /targetPath "..\/other-team"/,
    ],
    ['targetPath', { targetPath: '/etc' }, /targetPath "\/etc"/],
    ['branchName', { branchName: 'a..b' }, /branchName "a..b"/],
    ['branchName', { branchName: 'x\ny' }, /branchName "x\\ny"/],
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
  ])(
    'refuses a hostile %s before any request',
    async (_f, overrides, message) => {
      await expect(run(overrides)).rejects.toThrow(message);
      expect(github.requests).toEqual([]);
    },
  );

  it('refuses a symbolic link in the source folder', async () => {
    fs.symlinkSync('/etc/passwd', path.join(workspacePath, 'gitops', 'passwd'));
    await expect(run()).rejects.toThrow(/passwd is a symbolic link/);
    expect(github.requests).toEqual([]);
  });
});
