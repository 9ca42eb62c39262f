import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EXCLUDED_NAMESPACES,
  zeroTrustKyvernoPolicies,
} from '@zero-trust-k8s/plugin-zero-trust-node';
import YAML from 'yaml';
import { InputShape, parseActionInput } from './actionInput';
import { examples } from './kyvernoPolicies.examples';
import { workspaceFolder, writeFiles } from './workspaceFiles';

const INPUT = {
  targetPath: z =>
    z
      .string({
        description: 'Folder in the workspace to write the policies to',
      })
      .default('policies/kyverno'),
  additionalExcludedNamespaces: z =>
    z
      .array(
        z
          .string()
          .regex(
            /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
            'is not a namespace name',
          ),
        {
          description:
            'Namespaces of platform agents the policies must not block (kube-system, istio-system and kyverno always are)',
        },
      )
      .max(64)
      .default([]),
  failureAction: z =>
    z
      .enum(['Enforce', 'Audit'], {
        description:
          'Enforce denies violating requests; Audit admits them and reports the violations in PolicyReports (to roll the baseline out on a running cluster)',
      })
      .default('Enforce'),
} satisfies InputShape;

/**
 * `zerotrust:policies:kyverno`: writes the Zero Trust baseline as Kyverno ClusterPolicies (Enforce,
 * or Audit to roll it out) — the exact rules `zerotrust:manifests:validate` checks — one file per
 * policy.
 *
 * @public
 */
export function createKyvernoPoliciesAction() {
  return createTemplateAction({
    id: 'zerotrust:policies:kyverno',
    description:
      'Writes the Zero Trust policy baseline as Kyverno ClusterPolicies (Enforce, or Audit to roll it out): Pod Security restricted, read-only root filesystem, no latest tags, default-deny NetworkPolicy, mTLS STRICT and an AuthorizationPolicy per workload — the same rules zerotrust:manifests:validate applies.',
    examples,
    supportsDryRun: true,
    schema: {
      input: INPUT,
      output: {
        files: z =>
          z.array(z.string(), {
            description: 'Written files, relative to the workspace',
          }),
      },
    },
    async handler(ctx) {
      const input = parseActionInput(INPUT, ctx.input);
      const folder = workspaceFolder(
        ctx.workspacePath,
        input.targetPath,
        'targetPath',
      );
      const excludedNamespaces = [
        ...new Set([
          ...EXCLUDED_NAMESPACES,
          ...input.additionalExcludedNamespaces,
        ]),
      ];
      const files = Object.fromEntries(
        zeroTrustKyvernoPolicies({
          excludedNamespaces,
          failureAction: input.failureAction,
        }).map(policy => [
          `${policy.metadata.name}.yaml`,
          new YAML.Document(policy, { aliasDuplicateObjects: false }).toString({
            lineWidth: 0,
          }),
        ]),
      );
      const written = await writeFiles(ctx.workspacePath, folder, files);
      ctx.logger.info(
        `Wrote ${Object.keys(files).length} ClusterPolicies (${
          input.failureAction
        }) excluding ${excludedNamespaces.join(', ')}`,
      );
      ctx.output('files', written);
    },
  });
}
