import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { servicePeerFromEntity } from '@zero-trust-k8s/plugin-zero-trust-node';
import { examples } from './resolveDependencies.examples';
import { InputShape, parseActionInput } from './actionInput';

const INPUT = {
  callees: z =>
    z
      .array(z.string(), {
        description:
          'Entity refs the new service calls, e.g. component:default/cartservice',
      })
      .default([]),
  callers: z =>
    z
      .array(z.string(), {
        description: 'Entity refs that call the new service',
      })
      .default([]),
} satisfies InputShape;

/**
 * `zerotrust:catalog:resolve-dependencies`: turns the catalog entities a new service calls (and
 * is called by) into network peers — namespace, service account, ports — for the policies the
 * manifest engine writes.
 *
 * @public
 */
export function createResolveDependenciesAction(options: {
  catalog: CatalogService;
}) {
  return createTemplateAction({
    id: 'zerotrust:catalog:resolve-dependencies',
    description:
      'Resolves catalog entity refs of callees and callers into network peers (namespace, service account, ports) for Zero Trust policies.',
    examples,
    supportsDryRun: true,
    schema: {
      input: INPUT,
      output: {
        callees: z =>
          z.array(z.any(), {
            description: 'Resolved callees (ServicePeer objects)',
          }),
        callers: z =>
          z.array(z.any(), {
            description: 'Resolved callers (ServicePeer objects)',
          }),
      },
    },
    async handler(ctx) {
      const input = parseActionInput(INPUT, ctx.input);
      const credentials = await ctx.getInitiatorCredentials();
      const resolve = async (refs: string[], role: string) => {
        if (refs.length === 0) {
          return [];
        }
        const { items } = await options.catalog.getEntitiesByRefs(
          { entityRefs: refs },
          { credentials },
        );
        return items.map((entity, i) => {
          if (!entity) {
            throw new InputError(`Unknown ${role} in the catalog: ${refs[i]}`);
          }
          return servicePeerFromEntity(entity);
        });
      };
      const callees = await resolve(input.callees, 'callee');
      const callers = await resolve(input.callers, 'caller');
      ctx.logger.info(
        `Resolved ${callees.length} callee(s) and ${callers.length} caller(s)`,
      );
      ctx.output('callees', callees);
      ctx.output('callers', callers);
    },
  });
}
