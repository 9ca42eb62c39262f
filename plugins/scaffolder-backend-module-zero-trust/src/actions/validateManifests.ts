import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  EXCLUDED_NAMESPACES_TEXT,
  PolicyResourceRef,
  PolicyViolation,
  checkManifests,
  renderManifestFolder,
  workloadsInExcludedNamespaces,
} from '@zero-trust-k8s/plugin-zero-trust-node';
import { examples } from './validateManifests.examples';
import { workspaceFolder } from './workspaceFiles';
import { InputShape, parseActionInput } from './actionInput';

/** One line per violation: where it is, which rule, what to change. */
export function formatViolation(build: string, v: PolicyViolation): string {
  const ns = v.resource.namespace ? `${v.resource.namespace}/` : '';
  return `${build}: ${v.resource.kind} ${ns}${v.resource.name} ${v.path}: ${v.message} [${v.policy}/${v.rule}]`;
}

/**
 * One line per workload the baseline would not check: its namespace is excluded, so neither this
 * action nor the Kyverno policies would look at it, and passing it would vouch for nothing.
 */
export function formatExcludedWorkload(
  build: string,
  r: PolicyResourceRef,
): string {
  return `${build}: ${r.kind} ${r.namespace}/${r.name}: namespace ${r.namespace} is excluded from the Zero Trust baseline (${EXCLUDED_NAMESPACES_TEXT}), so neither this check nor the Kyverno policies would look at this workload; deploy it to a namespace of its own [excluded-namespace]`;
}

const INPUT = {
  path: z =>
    z
      .string({
        description:
          'Folder in the workspace to check; each Kustomize overlay in it is rendered and checked on its own',
      })
      .default('gitops'),
  failOnViolations: z =>
    z
      .boolean({
        description:
          'Fail the run when there are violations (default). With false, they are only reported in the output',
      })
      .default(true),
} satisfies InputShape;

/**
 * `zerotrust:manifests:validate`: checks the manifests in a workspace folder against the Zero
 * Trust policy baseline (the checks of the shipped Kyverno ClusterPolicies) and fails the run with
 * the list of violations, so nothing non-compliant is ever proposed.
 *
 * @public
 */
export function createValidateManifestsAction() {
  return createTemplateAction({
    id: 'zerotrust:manifests:validate',
    description:
      'Validates Kubernetes manifests (plain YAML or Kustomize overlays) against the Zero Trust policy baseline: Pod Security restricted, read-only root filesystem, no latest tags, default-deny NetworkPolicy, mTLS STRICT and an AuthorizationPolicy per workload. Fails with every violation listed.',
    examples,
    supportsDryRun: true,
    schema: {
      input: INPUT,
      output: {
        checked: z =>
          z.number({ description: 'Objects checked, over all builds' }),
        builds: z =>
          z.array(z.string(), {
            description: 'Rendered build roots, e.g. overlays/dev',
          }),
        violations: z =>
          z.array(z.string(), {
            description: 'One line per violation (empty when compliant)',
          }),
      },
    },
    async handler(ctx) {
      const input = parseActionInput(INPUT, ctx.input);
      const folder = workspaceFolder(ctx.workspacePath, input.path, 'path');
      const builds = renderManifestFolder(folder);
      const violations = builds.flatMap(build => [
        ...workloadsInExcludedNamespaces(build.objects).map(r =>
          formatExcludedWorkload(build.root, r),
        ),
        ...checkManifests(build.objects).map(v =>
          formatViolation(build.root, v),
        ),
      ]);
      const checked = builds.reduce((n, b) => n + b.objects.length, 0);
      ctx.output('checked', checked);
      ctx.output(
        'builds',
        builds.map(b => b.root),
      );
      ctx.output('violations', violations);
      if (checked === 0) {
        throw new InputError(
          `${input.path} holds no Kubernetes objects to validate`,
        );
      }
      if (violations.length === 0) {
        ctx.logger.info(
          `${checked} objects in ${builds.length} build(s) meet the Zero Trust baseline`,
        );
        return;
      }
      const report = `${violations.length} Zero Trust policy violation${
        violations.length === 1 ? '' : 's'
      } in ${input.path}:\n${violations.map(v => `  - ${v}`).join('\n')}`;
      if (input.failOnViolations) {
        throw new InputError(report);
      }
      ctx.logger.warn(report);
    },
  });
}
