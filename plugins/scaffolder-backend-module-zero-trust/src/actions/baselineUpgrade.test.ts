import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  BASELINE_CHANGELOG,
  BASELINE_VERSION,
  ServiceSpecInput,
  TREE_RECORD_FILE,
  generateManifests,
  gitBlobSha,
  parseServiceSpec,
  parseTreeRecord,
  writeTreeRecord,
} from '@zero-trust-k8s/plugin-zero-trust-node';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import { FakeGitHub } from './__testUtils__/fakeGitHub';
import { createBaselineUpgradeAction } from './baselineUpgrade';
import { examples } from './baselineUpgrade.examples';

const server = setupServer();
registerMswTestHooks(server);

// Every GitHub call of the fake runs git (hash-object, mktree, commit-tree, ...): a run over three
// services takes seconds, and tens of seconds on a loaded CI machine.
jest.setTimeout(120_000);

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: { github: [{ host: 'github.com', token: 'ghs_test' }] },
  }),
);

const TEMPLATE = 'template:default/zero-trust-service';
const BOUTIQUE = 'acme/gitops';
const PAYMENTS = 'acme/payments-gitops';
const BRANCH = `zero-trust/baseline-${BASELINE_VERSION}`;

const spec = (
  name: string,
  repo: string,
  extra: Partial<ServiceSpecInput> = {},
): ServiceSpecInput => ({
  name,
  namespace: 'online-boutique',
  owner: 'group:default/boutique-team',
  system: 'online-boutique',
  language: 'go',
  ports: [{ port: 7070, protocol: 'grpc' }],
  image: { repository: `ghcr.io/acme/${name}`, tag: '1.0.0' },
  gitops: { repoURL: `https://github.com/${repo}.git`, path: `apps/${name}` },
  ...extra,
});

const SERVICES = {
  cartservice: spec('cartservice', BOUTIQUE),
  checkoutservice: spec('checkoutservice', BOUTIQUE, {
    canary: { enabled: true },
  }),
  paymentservice: spec('paymentservice', PAYMENTS, {
    egressFqdns: ['api.stripe.com'],
  }),
};
type ServiceName = keyof typeof SERVICES;

/**
 * The tree baseline 1 wrote, simulated as the engine's own fixture does (olderBaseline.ts in
 * zero-trust-node): without the PodDisruptionBudgets and topology spread of baseline 2 and the
 * imagePullPolicy of baseline 3, with a record of baseline 1.
 */
function baseline1Tree(input: ServiceSpecInput): Record<string, string> {
  const { [TREE_RECORD_FILE]: _today, ...today } = generateManifests({
    ...input,
    podDisruptionBudget: { enabled: false },
    topologySpread: { nodes: 'none', zones: 'none' },
  }).files;
  const files = Object.fromEntries(
    Object.entries(today).map(([path, text]) => [
      path,
      text.replace(
        /imagePullPolicy: Always$/gm,
        'imagePullPolicy: IfNotPresent',
      ),
    ]),
  );
  files[TREE_RECORD_FILE] = writeTreeRecord({
    baseline: 1,
    spec: parseServiceSpec(input),
    files: Object.fromEntries(
      Object.entries(files).map(([path, text]) => [path, gitBlobSha(text)]),
    ),
  });
  return files;
}

const today = (name: ServiceName) => generateManifests(SERVICES[name]).files;

const inFolder = (folder: string, files: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(files).map(([f, text]) => [`${folder}/${f}`, text]),
  );

/** The files under a folder of a repository at a ref, relative to the folder. */
async function folderFiles(
  github: FakeGitHub,
  repo: string,
  ref: string,
  folder: string,
) {
  const all = await github.files(repo, ref);
  return Object.fromEntries(
    Object.entries(all)
      .filter(([f]) => f.startsWith(`${folder}/`))
      .map(([f, text]) => [f.slice(folder.length + 1), text]),
  );
}

const component = (
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/source-template': TEMPLATE,
      'zero-trust.io/gitops-record': `https://github.com/${
        name === 'paymentservice' ? PAYMENTS : BOUTIQUE
      }/blob/main/apps/${name}/${TREE_RECORD_FILE}`,
      ...annotations,
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/boutique-team',
  },
});

const DEPLOYMENT_FILE = 'base/deployment-cartservice.yaml';
const DEPLOYMENT = `apps/cartservice/${DEPLOYMENT_FILE}`;
const ROLLOUT_FILE = 'base/rollout-checkoutservice.yaml';
const ROLLOUT = `apps/checkoutservice/${ROLLOUT_FILE}`;
// A hand edit far from what the baseline changes, and one on the lines baseline 2 adds to.
const PAGER_FIND = '    zero-trust.io/owner: group:default/boutique-team\n';
const PAGER_EDIT = `${PAGER_FIND}    team.example.com/pager: cart-oncall\n`;
const PRIORITY_FIND = '          emptyDir:\n            sizeLimit: 64Mi\n';
const PRIORITY_EDIT = `${PRIORITY_FIND}      priorityClassName: business-critical\n`;

function edit(text: string, find: string, replace: string) {
  expect(text.split(find)).toHaveLength(2);
  return text.replace(find, replace);
}

describe('zerotrust:baseline:upgrade', () => {
  let github: FakeGitHub;
  const originals: Record<string, Record<string, string>> = {};

  beforeEach(async () => {
    github = new FakeGitHub();
    for (const name of Object.keys(SERVICES) as ServiceName[]) {
      originals[name] = baseline1Tree(SERVICES[name]);
    }
    await github.createRepo(BOUTIQUE, {
      'README.md': '# gitops\n',
      'apps/cartservice/NOTES.md': 'hand-written, not generated\n',
      ...inFolder('apps/cartservice', originals.cartservice),
      ...inFolder('apps/checkoutservice', originals.checkoutservice),
    });
    await github.createRepo(PAYMENTS, {
      ...inFolder('apps/paymentservice', originals.paymentservice),
    });
    server.use(...github.handlers());
  });

  afterEach(() => github.cleanup());

  const entities = [
    component('cartservice'),
    component('checkoutservice'),
    component('paymentservice'),
    // Another template's component, and one created by hand: never touched.
    component('frontend', {
      'backstage.io/source-template': 'template:default/other',
    }),
    {
      ...component('legacy'),
      metadata: { name: 'legacy', namespace: 'default' },
    },
  ];

  const run = async (
    options: {
      input?: Record<string, any>;
      isDryRun?: boolean;
      catalogEntities?: Entity[];
      /** Checkpoint results by key, kept across runs as a retried task keeps them. */
      checkpoints?: Map<string, unknown>;
    } = {},
  ) => {
    const logger = mockServices.logger.mock();
    const checkpoints = options.checkpoints;
    const ctx = {
      ...createMockActionContext({ input: options.input ?? {}, logger }),
      isDryRun: options.isDryRun ?? false,
      ...(checkpoints
        ? {
            checkpoint: async ({
              key,
              fn,
            }: {
              key: string;
              fn: () => Promise<unknown>;
            }) => {
              if (!checkpoints.has(key)) checkpoints.set(key, await fn());
              return checkpoints.get(key);
            },
          }
        : {}),
    };
    const action = createBaselineUpgradeAction({
      catalog: catalogServiceMock({
        entities: options.catalogEntities ?? entities,
      }),
      integrations,
    });
    const before = github.requests.length;
    await action.handler(ctx as any);
    const output = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls,
    ) as Record<string, any>;
    const logs = (level: 'info' | 'warn' | 'error') =>
      (logger[level] as jest.Mock).mock.calls.map(c => String(c[0]));
    const writes = github.requests
      .slice(before)
      .filter(r => !['GET', 'HEAD'].includes(r.method) && r.path !== '/graphql')
      .map(r => `${r.method} ${r.path}`);
    return { output, logs, writes };
  };

  /** Merges the open pull request of BRANCH into main with a real merge commit, as GitHub's button does. */
  async function merge(repo: string) {
    const open = github
      .pullRequests(repo)
      .filter(p => p.state === 'open' && p.head === BRANCH);
    expect(open).toHaveLength(1);
    return github.mergePull(repo, open[0].number);
  }

  it('opens one pull request per GitOps repository, keeps a hand edit, and a second run opens none', async () => {
    const edited = edit(
      originals.cartservice[DEPLOYMENT_FILE],
      PAGER_FIND,
      PAGER_EDIT,
    );
    await github.push(BOUTIQUE, 'main', { [DEPLOYMENT]: edited });
    const mainBefore = await github.refs(BOUTIQUE);

    const first = await run();

    // Exactly one pull request per repository, from the versioned branch into main.
    const [boutiquePr] = github.pullRequests(BOUTIQUE);
    const [paymentsPr] = github.pullRequests(PAYMENTS);
    expect(github.pullRequests(BOUTIQUE)).toHaveLength(1);
    expect(github.pullRequests(PAYMENTS)).toHaveLength(1);
    expect(boutiquePr).toMatchObject({
      state: 'open',
      head: BRANCH,
      base: 'main',
      title: `Zero Trust baseline ${BASELINE_VERSION} for 2 services`,
      draft: false,
    });
    expect(paymentsPr.title).toBe(
      `Zero Trust baseline ${BASELINE_VERSION} for 1 service`,
    );
    // What changed and why, per component, from the changelog.
    for (const [pr, names] of [
      [boutiquePr, ['cartservice', 'checkoutservice']],
      [paymentsPr, ['paymentservice']],
    ] as const) {
      const sections = pr.body.split(/^## /m).slice(1);
      expect(sections.map(s => s.split(' ')[0])).toEqual(
        names.map(n => `component:default/${n}`),
      );
      for (const section of sections) {
        expect(section).toContain(`baseline 1 → ${BASELINE_VERSION}`);
        for (const change of BASELINE_CHANGELOG.slice(1)) {
          expect(section).toContain(change.summary);
          expect(section).toContain(change.why);
        }
      }
    }
    expect(boutiquePr.body).toContain(
      '| `base/deployment-cartservice.yaml` | merged, your edit kept |',
    );

    // The branches hold exactly today's trees, with the hand edit merged in, and nothing else
    // changed; main is untouched.
    const cart = await folderFiles(
      github,
      BOUTIQUE,
      BRANCH,
      'apps/cartservice',
    );
    expect(cart).toEqual({
      ...today('cartservice'),
      'base/deployment-cartservice.yaml': edit(
        today('cartservice')['base/deployment-cartservice.yaml'],
        PAGER_FIND,
        PAGER_EDIT,
      ),
      'NOTES.md': 'hand-written, not generated\n',
      // Records the generated content, so the merged file still reads as edited by hand.
      [TREE_RECORD_FILE]: today('cartservice')[TREE_RECORD_FILE],
    });
    expect(
      await folderFiles(github, BOUTIQUE, BRANCH, 'apps/checkoutservice'),
    ).toEqual(today('checkoutservice'));
    expect(
      await folderFiles(github, PAYMENTS, BRANCH, 'apps/paymentservice'),
    ).toEqual(today('paymentservice'));
    expect(await github.readFile(BOUTIQUE, BRANCH, 'README.md')).toBe(
      '# gitops\n',
    );
    expect((await github.refs(BOUTIQUE))['refs/heads/main']).toBe(
      mainBefore['refs/heads/main'],
    );
    // One commit per component on top of main.
    const log = await github.log(BOUTIQUE, BRANCH);
    expect(log.slice(0, 3).map(c => c.message.split('\n')[0])).toEqual([
      `checkoutservice: Zero Trust baseline 1 → ${BASELINE_VERSION}`,
      `cartservice: Zero Trust baseline 1 → ${BASELINE_VERSION}`,
      'Hand edit',
    ]);
    // The generated content the edit was merged from is stored for the next upgrade.
    const generatedDeployment =
      today('cartservice')['base/deployment-cartservice.yaml'];
    expect(
      github.requests.some(
        r =>
          r.method === 'POST' &&
          r.path === `/repos/${BOUTIQUE}/git/blobs` &&
          Buffer.from(r.body.content, 'base64').toString('utf8') ===
            generatedDeployment,
      ),
    ).toBe(true);

    expect(first.output.components).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/cartservice',
        status: 'upgrade',
        repository: `github.com/${BOUTIQUE}`,
        path: 'apps/cartservice',
        from: 1,
        to: BASELINE_VERSION,
        conflicts: [],
      }),
      expect.objectContaining({
        entityRef: 'component:default/checkoutservice',
        status: 'upgrade',
      }),
      expect.objectContaining({
        entityRef: 'component:default/paymentservice',
        status: 'upgrade',
        repository: `github.com/${PAYMENTS}`,
      }),
    ]);
    expect(first.output.pullRequests).toEqual([
      {
        repository: `github.com/${BOUTIQUE}`,
        baseBranch: 'main',
        branchName: BRANCH,
        components: [
          'component:default/cartservice',
          'component:default/checkoutservice',
        ],
        url: `https://github.com/${BOUTIQUE}/pull/${boutiquePr.number}`,
        number: boutiquePr.number,
        created: true,
      },
      expect.objectContaining({
        repository: `github.com/${PAYMENTS}`,
        created: true,
      }),
    ]);
    expect(first.logs('info')).toEqual(
      expect.arrayContaining([
        `Baseline ${BASELINE_VERSION}: planning 3 component(s) generated by ${TEMPLATE}`,
        `[1/3] component:default/cartservice: apps/cartservice: baseline 1 → ${BASELINE_VERSION}, 3 updated, 2 added, 1 merged (acme/gitops)`,
        expect.stringMatching(/^\[2\/3\] component:default\/checkoutservice: /),
        expect.stringMatching(/^\[3\/3\] component:default\/paymentservice: /),
      ]),
    );
    expect(first.output.summary).toBe(
      `3 component(s) of ${TEMPLATE}: 3 to upgrade, 0 up to date, 0 failed; 2 pull request(s)`,
    );

    // Run again before the pull requests are merged: nothing new is written or opened.
    const second = await run();
    expect(second.writes).toEqual([]);
    expect(github.pullRequests(BOUTIQUE)).toHaveLength(1);
    expect(github.pullRequests(PAYMENTS)).toHaveLength(1);
    expect(second.output.pullRequests.map((p: any) => p.created)).toEqual([
      false,
      false,
    ]);

    // Merged, every component is up to date: no pull request, no write at all.
    await merge(BOUTIQUE);
    await merge(PAYMENTS);
    const third = await run();
    expect(third.writes).toEqual([]);
    expect(third.output.pullRequests).toEqual([]);
    expect(third.output.components.map((c: any) => c.status)).toEqual([
      'up-to-date',
      'up-to-date',
      'up-to-date',
    ]);
    expect(third.output.summary).toMatch(
      /: 0 to upgrade, 3 up to date, 0 failed; 0 pull request\(s\)$/,
    );
  });

  it('adds to the open pull request when main changed since, and describes what it now holds', async () => {
    await run();
    const [pr] = github.pullRequests(BOUTIQUE);
    expect(pr.body).not.toContain('merged, your edit kept');
    // Someone edits checkoutservice on main while the pull request is open.
    const rollout = edit(
      originals.checkoutservice[ROLLOUT_FILE],
      PAGER_FIND,
      PAGER_EDIT,
    );
    await github.push(BOUTIQUE, 'main', { [ROLLOUT]: rollout });

    const { writes, output } = await run();

    expect(github.pullRequests(BOUTIQUE)).toHaveLength(1);
    expect(output.pullRequests[0]).toMatchObject({
      number: pr.number,
      created: false,
    });
    // One more commit, for checkoutservice only, and the description updated.
    expect(
      writes.filter(w => w.startsWith(`POST /repos/${BOUTIQUE}/git/commits`)),
    ).toHaveLength(1);
    expect(writes).toContain(`PATCH /repos/${BOUTIQUE}/pulls/${pr.number}`);
    expect(pr.body).toContain(
      '| `base/rollout-checkoutservice.yaml` | merged, your edit kept |',
    );
    expect(await github.readFile(BOUTIQUE, BRANCH, ROLLOUT)).toBe(
      edit(today('checkoutservice')[ROLLOUT_FILE], PAGER_FIND, PAGER_EDIT),
    );
  });

  it('leaves a conflicting hand edit as it is and says so in the pull request', async () => {
    const generated = originals.checkoutservice[ROLLOUT_FILE];
    const edited = edit(generated, PRIORITY_FIND, PRIORITY_EDIT);
    await github.push(BOUTIQUE, 'main', { [ROLLOUT]: edited });

    const { output, logs } = await run();

    expect(await github.readFile(BOUTIQUE, BRANCH, ROLLOUT)).toBe(edited);
    const branch = await github.files(BOUTIQUE, BRANCH);
    for (const [file, text] of Object.entries(branch)) {
      expect([file, /^(<<<<<<<|=======|>>>>>>>)/m.test(text)]).toEqual([
        file,
        false,
      ]);
    }
    // The rest of the tree is upgraded; the record keeps the rollout's merge base.
    const checkout = await folderFiles(
      github,
      BOUTIQUE,
      BRANCH,
      'apps/checkoutservice',
    );
    const {
      [ROLLOUT_FILE]: rollout,
      [TREE_RECORD_FILE]: record,
      ...rest
    } = checkout;
    const {
      [ROLLOUT_FILE]: _r,
      [TREE_RECORD_FILE]: _t,
      ...expected
    } = today('checkoutservice');
    expect(rest).toEqual(expected);
    expect(rollout).toBe(edited);
    expect(parseTreeRecord(record).files[ROLLOUT_FILE]).toBe(
      gitBlobSha(generated),
    );

    const [pr] = github.pullRequests(BOUTIQUE);
    expect(pr.body).toContain(
      '| `base/rollout-checkoutservice.yaml` | **conflict**, left as it is |',
    );
    expect(pr.body).toContain(
      `\`base/rollout-checkoutservice.yaml\`: edited by hand, and baseline ${BASELINE_VERSION} changes the same lines (1 conflict): kept as it is.`,
    );
    expect(pr.body).toContain('+      topologySpreadConstraints:');
    expect(output.components[1]).toMatchObject({
      entityRef: 'component:default/checkoutservice',
      status: 'upgrade',
      conflicts: ['base/rollout-checkoutservice.yaml'],
    });
    expect(logs('warn')).toContain(
      `[2/3] component:default/checkoutservice: apps/checkoutservice/base/rollout-checkoutservice.yaml edited by hand, and baseline ${BASELINE_VERSION} changes the same lines (1 conflict): kept as it is`,
    );
  });

  it('writes nothing in a dry run and shows the plan', async () => {
    const refsBefore = {
      boutique: await github.refs(BOUTIQUE),
      payments: await github.refs(PAYMENTS),
    };
    const { output, logs, writes } = await run({ isDryRun: true });
    expect(writes).toEqual([]);
    expect(await github.refs(BOUTIQUE)).toEqual(refsBefore.boutique);
    expect(await github.refs(PAYMENTS)).toEqual(refsBefore.payments);
    expect(github.pullRequests(BOUTIQUE)).toEqual([]);
    expect(output.components.map((c: any) => c.status)).toEqual([
      'upgrade',
      'upgrade',
      'upgrade',
    ]);
    expect(output.pullRequests).toEqual([
      {
        repository: `github.com/${BOUTIQUE}`,
        baseBranch: 'main',
        branchName: BRANCH,
        components: [
          'component:default/cartservice',
          'component:default/checkoutservice',
        ],
      },
      {
        repository: `github.com/${PAYMENTS}`,
        baseBranch: 'main',
        branchName: BRANCH,
        components: ['component:default/paymentservice'],
      },
    ]);
    expect(logs('info')).toEqual(
      expect.arrayContaining([
        `Dry run: would propose "Zero Trust baseline ${BASELINE_VERSION} for 2 services" to acme/gitops (${BRANCH} into main):`,
        '  added apps/cartservice/overlays/prod/poddisruptionbudget-cartservice.yaml',
        `  updated apps/paymentservice/${TREE_RECORD_FILE}`,
      ]),
    );
    expect(output.summary).toMatch(/\(dry run: nothing written\)$/);
  });

  it('refuses hostile records per component and writes nothing for them', async () => {
    const record = yaml.parse(originals.checkoutservice[TREE_RECORD_FILE]);
    const hostile = (change: (r: any) => void) => {
      const copy = structuredClone(record);
      change(copy);
      return yaml.stringify(copy);
    };
    const folder = (name: string) => `apps/${name}`;
    const cases: [string, Record<string, string | null>, RegExp][] = [
      [
        'traversal',
        {
          [TREE_RECORD_FILE]: hostile(r => {
            r.files['../cartservice/base/deployment-cartservice.yaml'] =
              'a'.repeat(40);
          }),
        },
        /zero-trust\.yaml: files\.\.\.\/cartservice\/base\/deployment-cartservice\.yaml: is not a file of a generated tree/,
      ],
      [
        'malformed',
        { [TREE_RECORD_FILE]: 'baseline: [1\nspec: {' },
        /zero-trust\.yaml: is not valid YAML/,
      ],
      [
        'badspec',
        {
          [TREE_RECORD_FILE]: hostile(r => {
            r.spec.namespace = 'kube-system';
          }),
        },
        /zero-trust\.yaml: spec: Invalid ServiceSpec, 1 problem:\n {2}- namespace: is a system namespace/,
      ],
      [
        'future',
        {
          [TREE_RECORD_FILE]: hostile(r => {
            r.baseline = BASELINE_VERSION + 1;
          }),
        },
        /zero-trust\.yaml: baseline \d+ is not a version this Backstage knows/,
      ],
      [
        'elsewhere',
        {
          [TREE_RECORD_FILE]: hostile(r => {
            r.spec.gitops.path = 'apps/cartservice';
          }),
        },
        /spec\.gitops\.path is "apps\/cartservice", but the record is in "apps\/elsewhere"/,
      ],
      [
        'unmerged',
        { [TREE_RECORD_FILE]: null },
        /has no zero-trust\.yaml in apps\/unmerged on main of acme\/gitops/,
      ],
    ];
    // Each hostile component has a copy of checkoutservice's tree with its record replaced.
    const { [TREE_RECORD_FILE]: _r, ...checkoutFiles } =
      originals.checkoutservice;
    await github.push(
      BOUTIQUE,
      'main',
      Object.assign(
        {},
        ...cases.map(([name, files]) => ({
          ...inFolder(folder(name), checkoutFiles),
          ...Object.fromEntries(
            Object.entries(files)
              .filter(([, v]) => v !== null)
              .map(([f, v]) => [`${folder(name)}/${f}`, v]),
          ),
        })),
      ),
    );
    const badAnnotations: [string, string, RegExp][] = [
      [
        'dotdot',
        `https://github.com/${BOUTIQUE}/blob/main/apps/../../acme/payments-gitops/blob/main/apps/paymentservice/zero-trust.yaml`,
        /is not the URL of a zero-trust\.yaml in a GitHub repository folder/,
      ],
      [
        'otherhost',
        `https://git.evil.example/${BOUTIQUE}/blob/main/apps/x/zero-trust.yaml`,
        /points to git\.evil\.example, which has no GitHub integration/,
      ],
      [
        'notarecord',
        `https://github.com/${BOUTIQUE}/blob/main/apps/cartservice/base/kustomization.yaml`,
        /is not the URL of a zero-trust\.yaml/,
      ],
    ];
    const catalogEntities = [
      component('cartservice'),
      ...cases.map(([name]) => component(name)),
      ...badAnnotations.map(([name, url]) =>
        component(name, { 'zero-trust.io/gitops-record': url }),
      ),
    ];
    const mainBefore = await github.files(BOUTIQUE, 'main');

    const { output, logs } = await run({ catalogEntities });

    const failed = output.components.filter((c: any) => c.status === 'failed');
    expect(failed.map((c: any) => c.entityRef)).toEqual(
      [...cases, ...badAnnotations].map(
        ([name]) => `component:default/${name}`,
      ),
    );
    for (const [name, , message] of [...cases, ...badAnnotations]) {
      const outcome = failed.find(
        (c: any) => c.entityRef === `component:default/${name}`,
      );
      expect([name, outcome.error]).toEqual([
        name,
        expect.stringMatching(message),
      ]);
      expect(logs('error')).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^\\[\\d+/\\d+\\] component:default/${name}: .*; nothing is written for it$`,
            's',
          ),
        ),
      );
    }
    // The healthy component is upgraded; nothing outside its folder changed on the branch.
    expect(output.components[0]).toMatchObject({
      entityRef: 'component:default/cartservice',
      status: 'upgrade',
    });
    const branch = await github.files(BOUTIQUE, BRANCH);
    const changed = Object.keys({ ...branch, ...mainBefore }).filter(
      f => branch[f] !== mainBefore[f],
    );
    expect(changed.length).toBeGreaterThan(0);
    for (const file of changed) {
      expect(file).toMatch(/^apps\/cartservice\//);
    }
    expect(github.pullRequests(BOUTIQUE)).toHaveLength(1);
    expect(github.pullRequests(PAYMENTS)).toEqual([]);
  });

  it('upgrades only the components asked for, if the template made them', async () => {
    const { output, writes } = await run({
      input: {
        entityRefs: ['paymentservice', 'component:default/frontend', 'ghost'],
        draft: true,
        branchName: 'platform/baseline',
        reviewers: ['octocat'],
        teamReviewers: ['platform-security'],
      },
      isDryRun: false,
    });
    expect(output.components).toEqual([
      {
        entityRef: 'component:default/frontend',
        status: 'failed',
        error: `was not generated by ${TEMPLATE} (its backstage.io/source-template is template:default/other)`,
      },
      {
        entityRef: 'component:default/ghost',
        status: 'failed',
        error: 'is not in the catalog',
      },
      expect.objectContaining({
        entityRef: 'component:default/paymentservice',
        status: 'upgrade',
      }),
    ]);
    // writes leaves out the GraphQL reads: every write goes to the payments repository.
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter(w => !w.includes(` /repos/${PAYMENTS}/`))).toEqual([]);
    expect(github.pullRequests(BOUTIQUE)).toEqual([]);
    expect(github.pullRequests(PAYMENTS)).toEqual([
      expect.objectContaining({
        head: 'platform/baseline',
        draft: true,
        requestedReviewers: ['octocat'],
        requestedTeams: ['platform-security'],
      }),
    ]);
  });

  it('builds a later upgrade on main when the branch of a merged pull request is left over', async () => {
    await run({ input: { entityRefs: ['cartservice'] } });
    const oldHead = (await github.refs(BOUTIQUE))[`refs/heads/${BRANCH}`];
    const merged = await merge(BOUTIQUE);
    expect((await github.log(BOUTIQUE, 'main'))[0].parents).toEqual([
      expect.any(String),
      oldHead,
    ]);

    // The branch is still there, with no open pull request: the next upgrade starts from main.
    const { output, writes } = await run({
      input: { entityRefs: ['checkoutservice'] },
    });
    expect(writes).toContain(
      `PATCH /repos/${BOUTIQUE}/git/refs/heads/${BRANCH}`,
    );
    expect(output.pullRequests).toEqual([
      expect.objectContaining({ number: 2, created: true, branchName: BRANCH }),
    ]);
    const [commit] = await github.log(BOUTIQUE, BRANCH);
    expect(commit.parents).toEqual([merged]);
    expect(
      Object.keys(await github.changes(BOUTIQUE, BRANCH, 'main')).every(f =>
        f.startsWith('apps/checkoutservice/'),
      ),
    ).toBe(true);
    expect(
      github.pullRequests(BOUTIQUE).map(p => [p.number, p.state, p.head]),
    ).toEqual([
      [1, 'closed', BRANCH],
      [2, 'open', BRANCH],
    ]);
  });

  it('stores the merge base blobs inside the checkpoint, before the commit, and not again on a retry', async () => {
    const edited = edit(
      originals.cartservice[DEPLOYMENT_FILE],
      PAGER_FIND,
      PAGER_EDIT,
    );
    await github.push(BOUTIQUE, 'main', { [DEPLOYMENT]: edited });
    const generatedDeployment = today('cartservice')[DEPLOYMENT_FILE];
    const blobPath = `/repos/${BOUTIQUE}/git/blobs/${gitBlobSha(
      generatedDeployment,
    )}`;
    const checkpoints = new Map<string, unknown>();
    await run({ checkpoints });
    const calls = github.calls();
    const stored = github.requests.findIndex(
      r =>
        r.method === 'POST' &&
        r.path === `/repos/${BOUTIQUE}/git/blobs` &&
        Buffer.from(r.body.content, 'base64').toString('utf8') ===
          generatedDeployment,
    );
    expect(stored).toBeGreaterThanOrEqual(0);
    expect(calls).toContain(`GET ${blobPath}`);
    // Before the first commit of the repository (cartservice's).
    expect(stored).toBeLessThan(
      calls.indexOf(`POST /repos/${BOUTIQUE}/git/commits`),
    );

    // A retried task whose checkpoints all completed neither looks for nor stores the blobs.
    const before = github.requests.length;
    const retry = await run({ checkpoints });
    expect(retry.writes).toEqual([]);
    expect(github.calls().slice(before)).not.toContain(`GET ${blobPath}`);
  });

  it('opens a pull request per base branch when a repository has components on several', async () => {
    await github.push(BOUTIQUE, 'release', {}, { from: 'main' });
    const onRelease = component('checkoutservice', {
      'zero-trust.io/gitops-record': `https://github.com/${BOUTIQUE}/blob/release/apps/checkoutservice/${TREE_RECORD_FILE}`,
    });
    const catalogEntities = [
      component('cartservice'),
      onRelease,
      component('paymentservice'),
    ];
    const { output } = await run({ catalogEntities });
    expect(output.pullRequests).toEqual([
      expect.objectContaining({
        repository: `github.com/${BOUTIQUE}`,
        baseBranch: 'main',
        branchName: `${BRANCH}-main`,
        components: ['component:default/cartservice'],
      }),
      expect.objectContaining({
        repository: `github.com/${BOUTIQUE}`,
        baseBranch: 'release',
        branchName: `${BRANCH}-release`,
        components: ['component:default/checkoutservice'],
      }),
      expect.objectContaining({
        repository: `github.com/${PAYMENTS}`,
        baseBranch: 'main',
        branchName: BRANCH,
      }),
    ]);
    expect(
      github.pullRequests(BOUTIQUE).map(p => [p.head, p.base, p.state]),
    ).toEqual([
      [`${BRANCH}-main`, 'main', 'open'],
      [`${BRANCH}-release`, 'release', 'open'],
    ]);
    expect(
      Object.keys(
        await github.changes(BOUTIQUE, `${BRANCH}-release`, 'release'),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^apps\/checkoutservice\//),
      ]),
    );
    expect(
      Object.keys(
        await github.changes(BOUTIQUE, `${BRANCH}-release`, 'release'),
      ).every(f => f.startsWith('apps/checkoutservice/')),
    ).toBe(true);
    expect(
      Object.keys(
        await github.changes(BOUTIQUE, `${BRANCH}-main`, 'main'),
      ).every(f => f.startsWith('apps/cartservice/')),
    ).toBe(true);

    // A second run keeps both pull requests on their bases.
    const second = await run({ catalogEntities });
    expect(second.writes).toEqual([]);
    expect(github.pullRequests(BOUTIQUE).map(p => p.base)).toEqual([
      'main',
      'release',
    ]);
  });

  it('refuses a branch name git would refuse, and a reviewer that is no GitHub name', async () => {
    await expect(run({ input: { branchName: 'a..b' } })).rejects.toThrow(
      'branchName "a..b" is not a valid branch name',
    );
    await expect(
      run({ input: { teamReviewers: ['acme/platform'] } }),
    ).rejects.toThrow('teamReviewers: "acme/platform" is not a team slug');
  });

  it.each(examples.map((e, i) => [e.description, i]))(
    'example "%s" runs (dry run)',
    async (_d, i) => {
      const input = yaml.parse(examples[i as number].example).steps[0].input;
      const { output, writes } = await run({ input, isDryRun: true });
      expect(writes).toEqual([]);
      expect(output.components.length).toBeGreaterThan(0);
      expect(output.components.every((c: any) => c.status === 'upgrade')).toBe(
        true,
      );
    },
  );
});
