import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { generateManifests } from '@zero-trust-k8s/plugin-zero-trust-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import yaml from 'yaml';
import { examples as generateExamples } from './generateManifests.examples';
import { createValidateManifestsAction } from './validateManifests';
import { examples } from './validateManifests.examples';

const validate = createValidateManifestsAction();
const spec = yaml.parse(generateExamples[0].example).steps[0].input.spec;

describe('zerotrust:manifests:validate', () => {
  let workspacePath: string;
  const gitops = (...p: string[]) => path.join(workspacePath, 'gitops', ...p);
  const run = async (input: { path: string; failOnViolations?: boolean }) => {
    const ctx = createMockActionContext({
      input: { failOnViolations: true, ...input },
      workspacePath,
    });
    await validate.handler(ctx);
    return ctx;
  };

  beforeEach(() => {
    workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-validate-'));
    for (const [file, text] of Object.entries(generateManifests(spec).files)) {
      fs.mkdirSync(path.dirname(gitops(file)), { recursive: true });
      fs.writeFileSync(gitops(file), text);
    }
  });
  afterEach(() => fs.rmSync(workspacePath, { recursive: true, force: true }));

  it('runs the first example on a generated tree: every overlay compliant', async () => {
    const ctx = await run(yaml.parse(examples[0].example).steps[0].input);
    expect(ctx.output).toHaveBeenCalledWith('violations', []);
    expect(ctx.output).toHaveBeenCalledWith('checked', expect.any(Number));
    const checked = (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'checked',
    )[1];
    expect(checked).toBeGreaterThanOrEqual(3 * 9);
  });

  it('fails on a latest tag set by an overlay, naming the overlay, object, path and rule', async () => {
    const file = gitops('overlays', 'prod', 'kustomization.yaml');
    const k = yaml.parse(fs.readFileSync(file, 'utf8'));
    k.images[0].newTag = 'latest';
    fs.writeFileSync(file, yaml.stringify(k));
    await expect(run({ path: 'gitops' })).rejects.toThrow(
      /1 Zero Trust policy violation in gitops:\n {2}- overlays\/prod: Deployment online-boutique\/cartservice spec.template.spec.containers\[0\].image: .*\[disallow-latest-tag\/.*\]/,
    );
  });

  it('fails in every overlay when the default-deny NetworkPolicy is dropped from the base', async () => {
    const file = gitops('base', 'kustomization.yaml');
    const k = yaml.parse(fs.readFileSync(file, 'utf8'));
    k.resources = k.resources.filter(
      (r: string) => !r.includes('default-deny'),
    );
    fs.writeFileSync(file, yaml.stringify(k));
    const error = await run({ path: 'gitops' }).catch(e => e);
    expect(error.name).toBe('InputError');
    for (const env of ['dev', 'stage', 'prod']) {
      expect(error.message).toMatch(
        new RegExp(`overlays/${env}: .*require-default-deny`),
      );
    }
  });

  it('only reports with failOnViolations: false', async () => {
    fs.writeFileSync(
      gitops('overlays', 'dev', 'workload-patch.yaml'),
      yaml.stringify([
        {
          op: 'replace',
          path: '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem',
          value: false,
        },
      ]),
    );
    const ctx = await run({ path: 'gitops', failOnViolations: false });
    expect(ctx.output).toHaveBeenCalledWith('violations', [
      expect.stringMatching(
        /^overlays\/dev: .*readOnlyRootFilesystem.*\[require-ro-rootfs\//,
      ),
    ]);
  });

  /** A Deployment that breaks every pod rule: privileged, root, host PID, latest tag. */
  const privilegedRootDeployment = (namespace: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'miner', namespace },
    spec: {
      selector: { matchLabels: { app: 'miner' } },
      template: {
        metadata: { labels: { app: 'miner' } },
        spec: {
          hostPID: true,
          containers: [
            {
              name: 'miner',
              image: 'evil.example/miner:latest',
              securityContext: { privileged: true, runAsUser: 0 },
            },
          ],
        },
      },
    },
  });

  it.each([
    'kube-system',
    'istio-system',
    'kyverno',
    'kube-public',
    'kube-node-lease',
  ])(
    'fails on a privileged root Deployment in %s, which the baseline would skip',
    async namespace => {
      fs.mkdirSync(path.join(workspacePath, 'plain'));
      fs.writeFileSync(
        path.join(workspacePath, 'plain', 'miner.yaml'),
        yaml.stringify(privilegedRootDeployment(namespace)),
      );
      const error = await run({ path: 'plain' }).catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toContain(
        `Deployment ${namespace}/miner: namespace ${namespace} is excluded from the Zero Trust baseline (kube-*, istio-system, kyverno)`,
      );
      expect(error.message).toContain('[excluded-namespace]');
    },
  );

  it('fails when an overlay moves the generated service into kube-system', async () => {
    const file = gitops('overlays', 'prod', 'kustomization.yaml');
    const k = yaml.parse(fs.readFileSync(file, 'utf8'));
    k.namespace = 'kube-system';
    fs.writeFileSync(file, yaml.stringify(k));
    const ctx = await run({ path: 'gitops', failOnViolations: false });
    const violations: string[] = (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'violations',
    )[1];
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^overlays\/prod: Deployment kube-system\/cartservice: namespace kube-system is excluded .*\[excluded-namespace\]$/,
        ),
      ]),
    );
    expect(violations.filter(v => !v.startsWith('overlays/prod'))).toEqual([]);
  });

  it('still checks a privileged root Deployment in default', async () => {
    fs.mkdirSync(path.join(workspacePath, 'plain'));
    fs.writeFileSync(
      path.join(workspacePath, 'plain', 'miner.yaml'),
      yaml.stringify(privilegedRootDeployment('default')),
    );
    const error = await run({ path: 'plain' }).catch(e => e);
    expect(error.message).not.toContain('[excluded-namespace]');
    expect(error.message).toMatch(/require-run-as-nonroot/);
  });

  it.each([
    ['../..', /outside the workspace/],
    ['/etc', /outside the workspace/],
    ['missing', /is not a folder/],
  ])('refuses path %s', async (p, message) => {
    await expect(run({ path: p })).rejects.toThrow(message);
  });

  it('refuses a folder without any Kubernetes object', async () => {
    fs.mkdirSync(path.join(workspacePath, 'empty'));
    await expect(run({ path: 'empty' })).rejects.toThrow(
      /holds no Kubernetes objects/,
    );
  });
});
