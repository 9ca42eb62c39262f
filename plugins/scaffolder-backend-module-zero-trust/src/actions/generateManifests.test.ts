import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import os from 'os';
import path from 'path';
import yaml from 'yaml';
import { createGenerateManifestsAction } from './generateManifests';
import { examples } from './generateManifests.examples';
import { createValidateManifestsAction } from './validateManifests';

const generate = createGenerateManifestsAction();
const validate = createValidateManifestsAction();
const exampleInput = (i: number) =>
  yaml.parse(examples[i].example).steps[0].input;

/** Every file below a folder, relative to it. */
const listFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

describe('zerotrust:manifests:generate', () => {
  let root: string;
  let workspacePath: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-generate-'));
    workspacePath = path.join(root, 'workspace');
    fs.mkdirSync(workspacePath);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each(examples.map((e, i) => [e.description, i]))(
    'example "%s" writes a tree that zerotrust:manifests:validate accepts',
    async (_d, i) => {
      const input = exampleInput(i as number);
      const ctx = createMockActionContext({ input, workspacePath });
      await generate.handler(ctx);

      const files = listFiles(workspacePath);
      const target = input.targetPath ?? 'gitops';
      expect(files).toEqual(
        expect.arrayContaining([
          `${target}/base/kustomization.yaml`,
          `${target}/overlays/dev/kustomization.yaml`,
          `${target}/overlays/prod/workload-patch.yaml`,
          `${target}/argocd/${input.spec.name}-prod.yaml`,
        ]),
      );
      const output = (ctx.output as jest.Mock).mock.calls.find(
        ([name]) => name === 'files',
      )[1];
      expect([...output].sort()).toEqual(files);

      const check = createMockActionContext({
        input: { path: target, failOnViolations: true },
        workspacePath,
      });
      await validate.handler(check);
      expect(check.output).toHaveBeenCalledWith('violations', []);
      expect(check.output).toHaveBeenCalledWith('builds', [
        'overlays/dev',
        'overlays/prod',
        'overlays/stage',
      ]);
    },
  );

  it('says when L7 rules cannot be enforced (ambient without a waypoint)', async () => {
    const input = exampleInput(0);
    input.spec.mesh = { mode: 'ambient', waypoint: false };
    const ctx = createMockActionContext({ input, workspacePath });
    await generate.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('warnings', [
      expect.stringMatching(/waypoint/i),
    ]);
  });

  it.each([
    [
      'a name that is not DNS-1123',
      { name: 'Cart_Service' },
      /name: is not a DNS-1123 label/,
    ],
    [
      'path traversal in the name',
      { name: '../../etc' },
      /name: is not a DNS-1123 label/,
    ],
    [
      'YAML injection in the namespace',
      { namespace: 'shop\nkind: Secret' },
      /namespace: is not a DNS-1123 label/,
    ],
    [
      'a latest tag',
      { image: { repository: 'ghcr.io/acme/cart', tag: 'latest' } },
      /image.tag: must not be `latest`/,
    ],
    [
      'duplicate ports',
      {
        ports: [
          { port: 7070, protocol: 'grpc' },
          { port: 7070, protocol: 'http' },
        ],
      },
      /ports\[1\].port: duplicates port 7070/,
    ],
    [
      'a GitOps path that leaves the repository',
      {
        gitops: {
          repoURL: 'https://github.com/acme/gitops.git',
          path: 'apps/../..',
        },
      },
      /gitops.path: must not contain \. or \.\. segments/,
    ],
    ['an unknown field', { replicas: 3 }, /unknown field "replicas"/],
  ])('refuses %s and writes nothing', async (_what, override, message) => {
    const input = exampleInput(0);
    Object.assign(input.spec, override);
    const ctx = createMockActionContext({ input, workspacePath });
    await expect(generate.handler(ctx)).rejects.toThrow(message);
    expect(listFiles(root)).toEqual([]);
  });

  it.each(['../outside', '/tmp/elsewhere', '.'])(
    'refuses targetPath %s and writes nothing',
    async targetPath => {
      const ctx = createMockActionContext({
        input: { ...exampleInput(0), targetPath },
        workspacePath,
      });
      await expect(generate.handler(ctx)).rejects.toThrow(/targetPath/);
      expect(listFiles(root)).toEqual([]);
    },
  );

  it('keeps files it does not generate in the target folder', async () => {
    fs.mkdirSync(path.join(workspacePath, 'gitops'));
    fs.writeFileSync(path.join(workspacePath, 'gitops', 'OWNERS'), 'team\n');
    const ctx = createMockActionContext({
      input: exampleInput(0),
      workspacePath,
    });
    await generate.handler(ctx);
    expect(
      fs.readFileSync(path.join(workspacePath, 'gitops', 'OWNERS'), 'utf8'),
    ).toBe('team\n');
  });
});
