import { InputError } from '@backstage/errors';
import {
  Entity,
  RELATION_API_PROVIDED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
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
          'Entity refs (Components or Resources) the new service calls, e.g. component:default/cartservice',
      })
      .default([]),
  callers: z =>
    z
      .array(z.string(), {
        description: 'Entity refs (Components) that call the new service',
      })
      .default([]),
} satisfies InputShape;

type Role = 'callee' | 'caller';

/**
 * Entity kinds that run as workloads and so can be a network peer. A caller becomes an allowed
 * mesh principal and NetworkPolicy source, so only a Component may be one; a callee may also be a
 * Resource (a database, a queue) that runs in the cluster. A User, Group, System or Location runs
 * nothing: letting one through would open the policies to whatever its annotations name.
 */
const PEER_KINDS: Record<Role, readonly string[]> = {
  caller: ['component'],
  callee: ['component', 'resource'],
};

/** Throws unless the entity's kind may be a peer in this role, naming the entity and its kind. */
function assertPeerKind(entity: Entity, role: Role): void {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  if (PEER_KINDS[role].includes(kind)) {
    return;
  }
  const ref = stringifyEntityRef(entity);
  const allowed = role === 'caller' ? 'a Component' : 'a Component or Resource';
  // An API is served by Components: point at them instead of guessing which one is meant.
  let hint = '';
  if (kind === 'api') {
    const providers = (entity.relations ?? [])
      .filter(r => r.type === RELATION_API_PROVIDED_BY)
      .map(r => r.targetRef);
    hint = `; name the Component that provides it${
      providers.length > 0 ? `: ${providers.join(', ')}` : ''
    }`;
  }
  throw new InputError(
    `${ref} is of kind ${entity.kind}, which runs no workload: a ${role} must be ${allowed}${hint}`,
  );
}

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
      const resolve = async (refs: string[], role: Role) => {
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
          assertPeerKind(entity, role);
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
