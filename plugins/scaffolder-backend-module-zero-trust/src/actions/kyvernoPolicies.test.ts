import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { zeroTrustKyvernoPolicies } from '@zero-trust-k8s/plugin-zero-trust-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import yaml from 'yaml';
import { createKyvernoPoliciesAction } from './kyvernoPolicies';
import { examples } from './kyvernoPolicies.examples';

const action = createKyvernoPoliciesAction();

describe('zerotrust:policies:kyverno', () => {
  let workspacePath: string;
  beforeEach(() => {
    workspacePath = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-kyverno-'));
  });
  afterEach(() => fs.rmSync(workspacePath, { recursive: true, force: true }));

  it('runs the example: one Enforce ClusterPolicy per file, the engine rules with the extra exclusions', async () => {
    const input = yaml.parse(examples[0].example).steps[0].input;
    const ctx = createMockActionContext({ input, workspacePath });
    await action.handler(ctx);
    const dir = path.join(workspacePath, 'security-stack/policies/kyverno');
    const written = fs
      .readdirSync(dir)
      .sort()
      .map(f => yaml.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    const engine = zeroTrustKyvernoPolicies({
      excludedNamespaces: [
        'kube-system',
        'istio-system',
        'kyverno',
        'falco',
        'kube-bench',
      ],
    }).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(written).toEqual(JSON.parse(JSON.stringify(engine)));
    expect(ctx.output).toHaveBeenCalledWith(
      'files',
      expect.arrayContaining([
        'security-stack/policies/kyverno/require-ro-rootfs.yaml',
      ]),
    );
  });

  it.each(['Enforce', 'Audit'] as const)(
    'writes every validate rule with failureAction %s',
    async failureAction => {
      const ctx = createMockActionContext({
        input: {
          targetPath: 'policies',
          additionalExcludedNamespaces: [],
          failureAction,
        },
        workspacePath,
      });
      await action.handler(ctx);
      const dir = path.join(workspacePath, 'policies');
      const actions = fs
        .readdirSync(dir)
        .flatMap(
          f =>
            yaml.parse(fs.readFileSync(path.join(dir, f), 'utf8')).spec.rules,
        )
        .filter((rule: any) => rule.validate)
        .map((rule: any) => rule.validate.failureAction);
      expect(actions.length).toBeGreaterThan(5);
      expect(new Set(actions)).toEqual(new Set([failureAction]));
    },
  );

  it.each([
    [{ failureAction: 'Warn' }, /Enforce|Audit|Invalid/],
    [
      { additionalExcludedNamespaces: ['falco\nkind: Secret'] },
      /not a namespace name/,
    ],
    [{ targetPath: '../../etc' }, /outside the workspace/],
  ])('refuses hostile input %p and writes nothing', async (input, message) => {
    const ctx = createMockActionContext({
      // Hostile values the input schema's types do not admit.
      input: {
        targetPath: 'policies',
        additionalExcludedNamespaces: [],
        failureAction: 'Enforce',
        ...input,
      } as never,
      workspacePath,
    });
    await expect(action.handler(ctx)).rejects.toThrow(message);
    expect(fs.readdirSync(workspacePath)).toEqual([]);
  });
});
