import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  generateManifests,
  serviceSpecSchema,
} from '@zero-trust-k8s/plugin-zero-trust-node';
import { examples } from './generateManifests.examples';
import { workspaceFolder, writeFiles } from './workspaceFiles';
import { InputShape, ownSchema, parseActionInput } from './actionInput';

const OPTIONS = {
  targetPath: z =>
    z
      .string({
        description: 'Folder in the workspace to write the tree to (relative)',
      })
      .default('gitops'),
} satisfies InputShape;

const INPUT = {
  // The engine's own schema, so the template editor and /create/actions document every field and
  // the scaffolder checks the spec's shape before the step runs. The handler still parses it with
  // parseServiceSpec, whose error lists every problem with the value given.
  spec: ownSchema(
    serviceSpecSchema.describe(
      'The ServiceSpec: everything the manifests are generated from',
    ),
  ),
  ...OPTIONS,
} satisfies InputShape;

/**
 * `zerotrust:manifests:generate`: writes the Kustomize tree of a Zero Trust service (base,
 * overlays per environment, Argo CD Applications) from a ServiceSpec into the workspace.
 *
 * @public
 */
export function createGenerateManifestsAction() {
  return createTemplateAction({
    id: 'zerotrust:manifests:generate',
    description:
      'Generates Zero Trust Kubernetes manifests (restricted pod security, default-deny NetworkPolicy and CiliumNetworkPolicy, Istio mTLS STRICT and AuthorizationPolicy, ExternalSecrets, optional Argo Rollouts canary, Argo CD Applications) as a Kustomize base and dev/stage/prod overlays.',
    examples,
    supportsDryRun: true,
    schema: {
      input: INPUT,
      output: {
        files: z =>
          z.array(z.string(), {
            description: 'Written files, relative to the workspace',
          }),
        warnings: z =>
          z.array(z.string(), {
            description:
              'What the policies cannot enforce as asked (e.g. L7 rules in ambient mode without a waypoint)',
          }),
        objects: z =>
          z.number({ description: 'Objects per rendered overlay (prod)' }),
      },
    },
    async handler(ctx) {
      const input = parseActionInput(OPTIONS, ctx.input);
      const folder = workspaceFolder(
        ctx.workspacePath,
        input.targetPath,
        'targetPath',
      );
      // Template expressions of unset optional parameters render as undefined; drop those keys so
      // they read as "not given" rather than as unknown fields.
      const spec = JSON.parse(JSON.stringify(ctx.input.spec ?? null));
      // Throws an InputError listing every problem before anything is written.
      const generated = generateManifests(spec);
      const files = await writeFiles(
        ctx.workspacePath,
        folder,
        generated.files,
      );
      for (const warning of generated.warnings) {
        ctx.logger.warn(warning);
      }
      ctx.logger.info(
        `Wrote ${files.length} files for ${generated.spec.namespace}/${generated.spec.name} to ${input.targetPath}`,
      );
      ctx.output('files', files);
      ctx.output('warnings', generated.warnings);
      ctx.output('objects', generated.rendered.prod.length);
    },
  });
}
