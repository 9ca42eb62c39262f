import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'fs';
import os from 'os';
import path from 'path';
import yaml from 'yaml';
import { serviceSpecSchema } from '@zero-trust-k8s/plugin-zero-trust-node';
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

  it.each([
    'kube-system',
    'istio-system',
    'kyverno',
    'kube-public',
    'kube-node-lease',
    'kube-anything',
  ])(
    'refuses the system namespace %s, which no policy checks, and writes nothing',
    async namespace => {
      const input = exampleInput(0);
      input.spec.namespace = namespace;
      const ctx = createMockActionContext({ input, workspacePath });
      await expect(generate.handler(ctx)).rejects.toThrow(
        `namespace: is a system namespace the Zero Trust baseline excludes (kube-*, istio-system, kyverno): neither zerotrust:manifests:validate nor the Kyverno policies check workloads there; use a namespace of the service's own, e.g. online-boutique (got "${namespace}")`,
      );
      expect(listFiles(root)).toEqual([]);
    },
  );

  it.each(['Kube-System', 'KYVERNO', 'Istio-System', 'Default', ' default'])(
    'refuses the case variant %p and writes nothing',
    async namespace => {
      const input = exampleInput(0);
      input.spec.namespace = namespace;
      const ctx = createMockActionContext({ input, workspacePath });
      await expect(generate.handler(ctx)).rejects.toThrow(
        /namespace: is not a DNS-1123 label/,
      );
      expect(listFiles(root)).toEqual([]);
    },
  );

  it('refuses the default namespace, saying why, and writes nothing', async () => {
    const input = exampleInput(0);
    input.spec.namespace = 'default';
    const ctx = createMockActionContext({ input, workspacePath });
    await expect(generate.handler(ctx)).rejects.toThrow(
      /namespace: is refused for generated services: the platform does not manage the default namespace \(no Pod Security labels\)/,
    );
    expect(listFiles(root)).toEqual([]);
  });

  describe('input schema, as the template editor and /create/actions show it', () => {
    // What createTemplateAction made of the zod schema (the scaffolder's JSON schema conversion).
    const inputSchema = generate.schema!.input as any;
    const specSchema = inputSchema.properties.spec;

    it('lists every ServiceSpec field, each with a description', () => {
      const fields = Object.keys(serviceSpecSchema.innerType().shape);
      expect(Object.keys(specSchema.properties).sort()).toEqual(
        [...fields].sort(),
      );
      expect(specSchema.required).toEqual(
        expect.arrayContaining(['name', 'namespace', 'owner', 'image']),
      );
      expect(specSchema.additionalProperties).toBe(false);
      expect(specSchema.properties.namespace.description).toMatch(
        /Not `default` nor a namespace the Zero Trust baseline excludes/,
      );

      // Every property at every depth, through arrays and unions.
      const undocumented: string[] = [];
      const walk = (node: any, at: string) => {
        for (const [key, child] of Object.entries<any>(node.properties ?? {})) {
          if (!child.description) {
            undocumented.push(`${at}.${key}`);
          }
          walk(child, `${at}.${key}`);
        }
        if (node.items) {
          walk(node.items, `${at}[]`);
        }
        for (const option of node.anyOf ?? []) {
          walk(option, at);
        }
      };
      walk(specSchema, 'spec');
      expect(undocumented).toEqual([]);
    });

    it('has no $ref, which /create/actions would show as an empty field', () => {
      expect(JSON.stringify(inputSchema)).not.toContain('$ref');
    });

    it('keeps targetPath with its default', () => {
      expect(inputSchema.properties.targetPath).toEqual(
        expect.objectContaining({ type: 'string', default: 'gitops' }),
      );
    });
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
