import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { getOctokitOptions } from '@backstage/plugin-scaffolder-backend-module-github';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { Octokit } from '@octokit/rest';
import {
  BASELINE_VERSION,
  TREE_RECORD_FILE,
  UpgradePlan,
  describeUpgradePlan,
  isUpToDate,
  planUpgrade,
  upgradePullRequest,
} from '@zero-trust-k8s/plugin-zero-trust-node';
import { examples } from './baselineUpgrade.examples';
import { GitHubTreeReader } from './gitopsTree';
import { InputShape, parseActionInput } from './actionInput';
import { proposeChange } from './proposeChanges';

/** The template the service components come from, as catalog:register leaves no trace of it. */
export const SOURCE_TEMPLATE_ANNOTATION = 'backstage.io/source-template';
/** The URL of the component's `zero-trust.yaml` in its GitOps repository. */
export const GITOPS_RECORD_ANNOTATION = 'zero-trust.io/gitops-record';

const DEFAULT_TEMPLATE = 'template:default/zero-trust-service';

// git check-ref-format, restricted to what a template would produce.
const BRANCH =
  /^(?!.*\.\.)(?!.*\/\.)(?!.*\.lock$)(?!.*\/$)(?!\/)[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

// https://<host>/<owner>/<repo>/blob/<branch>/<folder>/zero-trust.yaml, matched on the raw text:
// a URL parser would resolve `..` segments and could land in another repository.
const RECORD_URL =
  /^https:\/\/([A-Za-z0-9.-]+(?::[0-9]{1,5})?)\/([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})\/blob\/([A-Za-z0-9._-]{1,255})\/((?:[A-Za-z0-9._-]+\/)*[A-Za-z0-9._-]+)\/zero-trust\.yaml$/;

/** Where a component's generated tree is. */
interface TreeLocation {
  host: string;
  owner: string;
  repo: string;
  branch: string;
  folder: string;
}

const repoName = (l: TreeLocation) => `${l.host}/${l.owner}/${l.repo}`;

/** Reads the record annotation, refusing anything but a file of a GitHub repository folder. */
function treeLocation(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
): TreeLocation {
  const url = entity.metadata.annotations?.[GITOPS_RECORD_ANNOTATION];
  if (!url) {
    throw new InputError(
      `has no ${GITOPS_RECORD_ANNOTATION} annotation: it was created before generated trees were recorded; point the annotation at the ${TREE_RECORD_FILE} of its GitOps folder once that has one`,
    );
  }
  const m = RECORD_URL.exec(url);
  const dotSegment = (s: string) => s === '.' || s === '..';
  if (
    !m ||
    dotSegment(m[3]) ||
    m[4].startsWith('.') ||
    m[4].includes('..') ||
    m[4].endsWith('.lock') ||
    m[5].split('/').some(dotSegment)
  ) {
    throw new InputError(
      `${GITOPS_RECORD_ANNOTATION} ${JSON.stringify(
        url,
      )} is not the URL of a ${TREE_RECORD_FILE} in a GitHub repository folder, such as https://github.com/acme/gitops/blob/main/apps/cartservice/${TREE_RECORD_FILE}`,
    );
  }
  const [, host, owner, repo, branch, folder] = m;
  if (!integrations.github.byHost(host)) {
    throw new InputError(
      `${GITOPS_RECORD_ANNOTATION} points to ${host}, which has no GitHub integration in app-config (integrations.github)`,
    );
  }
  return { host, owner, repo, branch, folder };
}

/**
 * The components to upgrade: every one the template generated, or those of `entityRefs` that it
 * generated (the others are refused with the reason).
 */
async function selectComponents(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  templateRef: string,
  entityRefs: string[],
): Promise<{
  entities: Entity[];
  refused: { entityRef: string; error: string }[];
}> {
  if (entityRefs.length === 0) {
    const { items } = await catalog.getEntities(
      {
        filter: {
          kind: 'Component',
          [`metadata.annotations.${SOURCE_TEMPLATE_ANNOTATION}`]: templateRef,
        },
      },
      { credentials },
    );
    return { entities: items, refused: [] };
  }
  const refs = [
    ...new Set(
      entityRefs.map(r =>
        stringifyEntityRef(
          parseEntityRef(r, {
            defaultKind: 'component',
            defaultNamespace: 'default',
          }),
        ),
      ),
    ),
  ];
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: refs },
    { credentials },
  );
  const entities: Entity[] = [];
  const refused: { entityRef: string; error: string }[] = [];
  items.forEach((entity, i) => {
    if (!entity) {
      refused.push({ entityRef: refs[i], error: 'is not in the catalog' });
      return;
    }
    const source = entity.metadata.annotations?.[SOURCE_TEMPLATE_ANNOTATION];
    if (
      entity.kind.toLocaleLowerCase('en-US') !== 'component' ||
      source?.toLocaleLowerCase('en-US') !== templateRef
    ) {
      refused.push({
        entityRef: refs[i],
        error: `was not generated by ${templateRef} (its ${SOURCE_TEMPLATE_ANNOTATION} is ${
          source ?? 'not set'
        })`,
      });
      return;
    }
    entities.push(entity);
  });
  return { entities, refused };
}

const INPUT = {
  templateRef: z =>
    z
      .string({
        description: `Template whose components to upgrade: those whose ${SOURCE_TEMPLATE_ANNOTATION} annotation names it`,
      })
      .default(DEFAULT_TEMPLATE),
  entityRefs: z =>
    z
      .array(z.string(), {
        description:
          'Only these components (entity refs); by default every component of the template',
      })
      .max(1000)
      .default([]),
  branchName: z =>
    z
      .string({
        description: `Branch of the pull requests; defaults to zero-trust/baseline-<version>, e.g. zero-trust/baseline-${BASELINE_VERSION}`,
      })
      .optional(),
  draft: z =>
    z
      .boolean({ description: 'Open the pull requests as drafts' })
      .default(false),
} satisfies InputShape;

/** What happened to one component, as the action outputs it. */
interface ComponentOutcome {
  entityRef: string;
  status: 'up-to-date' | 'upgrade' | 'failed';
  repository?: string;
  path?: string;
  from?: number;
  to?: number;
  files?: { path: string; status: string }[];
  conflicts?: string[];
  error?: string;
}

interface PullRequestOutcome {
  repository: string;
  baseBranch: string;
  branchName: string;
  components: string[];
  url?: string;
  number?: number;
  created?: boolean;
}

/** The components of one repository and branch that need a commit. */
interface RepositoryUpgrade {
  location: TreeLocation;
  reader: GitHubTreeReader;
  octokit: Octokit;
  components: { entityRef: string; plan: UpgradePlan }[];
}

/**
 * `zerotrust:baseline:upgrade`: rolls the current Zero Trust baseline out to every component a
 * template generated. Finds them in the catalog, reads each one's `zero-trust.yaml` and tree from
 * its GitOps repository, plans the upgrade (regenerate, validate, keep or report hand edits) and
 * opens one pull request per GitOps repository, one commit per component. Up-to-date components
 * get nothing, so a second run opens no pull request; dry-run plans without writing.
 *
 * @public
 */
export function createBaselineUpgradeAction(options: {
  catalog: CatalogService;
  integrations: ScmIntegrationRegistry;
  githubCredentialsProvider?: GithubCredentialsProvider;
}) {
  const { catalog, integrations } = options;
  return createTemplateAction({
    id: 'zerotrust:baseline:upgrade',
    description: `Upgrades the GitOps trees of every component generated by a template to the current Zero Trust baseline (${BASELINE_VERSION}): regenerates each from its recorded ServiceSpec, keeps hand edits that merge cleanly, reports conflicts, and opens one pull request per GitOps repository. Idempotent; supports dry-run.`,
    examples,
    supportsDryRun: true,
    schema: {
      input: INPUT,
      output: {
        components: z =>
          z.array(
            z.object({
              entityRef: z.string(),
              status: z.enum(['up-to-date', 'upgrade', 'failed']),
              repository: z.string().optional(),
              path: z.string().optional(),
              from: z.number().optional(),
              to: z.number().optional(),
              files: z
                .array(z.object({ path: z.string(), status: z.string() }))
                .optional(),
              conflicts: z.array(z.string()).optional(),
              error: z.string().optional(),
            }),
            {
              description:
                'Per component: up-to-date, upgrade (with its files and conflicts) or failed (with the error)',
            },
          ),
        pullRequests: z =>
          z.array(
            z.object({
              repository: z.string(),
              baseBranch: z.string(),
              branchName: z.string(),
              components: z.array(z.string()),
              url: z.string().optional(),
              number: z.number().optional(),
              created: z.boolean().optional(),
            }),
            {
              description:
                'One per GitOps repository with components to upgrade (no url in a dry run)',
            },
          ),
        summary: z => z.string({ description: 'The outcome in one line' }),
      },
    },
    async handler(ctx) {
      const input = parseActionInput(INPUT, ctx.input);
      const templateRef = stringifyEntityRef(
        parseEntityRef(input.templateRef, {
          defaultKind: 'template',
          defaultNamespace: 'default',
        }),
      );
      const branchName =
        input.branchName ?? `zero-trust/baseline-${BASELINE_VERSION}`;
      if (!BRANCH.test(branchName)) {
        throw new InputError(
          `branchName ${JSON.stringify(branchName)} is not a valid branch name`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const outcomes: ComponentOutcome[] = [];

      const { entities, refused } = await selectComponents(
        catalog,
        credentials,
        templateRef,
        input.entityRefs,
      );
      for (const { entityRef, error } of refused) {
        ctx.logger.error(`${entityRef} ${error}`);
        outcomes.push({ entityRef, status: 'failed', error });
      }
      ctx.logger.info(
        `Baseline ${BASELINE_VERSION}: planning ${entities.length} component(s) generated by ${templateRef}`,
      );

      // One Octokit and tree reader per repository, with the integration's credentials.
      const readers = new Map<
        string,
        Promise<{ octokit: Octokit; reader: GitHubTreeReader }>
      >();
      const readerFor = (l: TreeLocation) => {
        let entry = readers.get(repoName(l));
        if (!entry) {
          entry = (async () => {
            const octokit = new Octokit({
              ...(await getOctokitOptions({
                integrations,
                credentialsProvider: options.githubCredentialsProvider,
                host: l.host,
                owner: l.owner,
                repo: l.repo,
              })),
              // Expected 404s (a branch not there yet, a blob to store) need no log line.
              log: {
                debug: () => {},
                info: () => {},
                warn: (message: string) => ctx.logger.warn(message),
                error: (message: string) => ctx.logger.debug(message),
              },
            });
            return {
              octokit,
              reader: new GitHubTreeReader(octokit, l.owner, l.repo),
            };
          })();
          readers.set(repoName(l), entry);
        }
        return entry;
      };

      const upgrades = new Map<string, RepositoryUpgrade>();
      const trees = new Map<string, string>();
      for (const [i, entity] of entities.entries()) {
        const entityRef = stringifyEntityRef(entity);
        const prefix = `[${i + 1}/${entities.length}] ${entityRef}`;
        let location: TreeLocation | undefined;
        try {
          location = treeLocation(entity, integrations);
          const { folder, branch } = location;
          const treeKey = `${repoName(location)}#${branch}:${folder}`;
          const owner = trees.get(treeKey);
          if (owner) {
            throw new InputError(
              `points at the tree of ${owner} (${folder}); it is upgraded with that component`,
            );
          }
          trees.set(treeKey, entityRef);
          const { octokit, reader } = await readerFor(location);
          const where = `${folder} on ${branch} of ${location.owner}/${location.repo}`;
          const tree = await reader.gitOpsTree(branch, folder);
          const recordSha = tree?.files[TREE_RECORD_FILE];
          const record = recordSha && (await reader.readBlob(recordSha));
          if (!tree || !record) {
            throw new InputError(
              `has no ${TREE_RECORD_FILE} in ${where}: its pull request is not merged yet, or the tree was generated before trees were recorded`,
            );
          }
          const plan = await planUpgrade({
            record: record.toString('utf8'),
            path: folder,
            tree,
          });
          ctx.logger.info(
            `${prefix}: ${describeUpgradePlan(plan)} (${location.owner}/${
              location.repo
            })`,
          );
          const conflicts = plan.files.filter(f => f.status === 'conflict');
          for (const f of conflicts) {
            ctx.logger.warn(`${prefix}: ${folder}/${f.path} ${f.detail}`);
          }
          const upToDate = isUpToDate(plan);
          outcomes.push({
            entityRef,
            status: upToDate ? 'up-to-date' : 'upgrade',
            repository: repoName(location),
            path: folder,
            from: plan.from,
            to: plan.to,
            files: plan.files.map(f => ({ path: f.path, status: f.status })),
            conflicts: conflicts.map(f => f.path),
          });
          if (!upToDate) {
            const key = `${repoName(location)}#${branch}`;
            const group = upgrades.get(key) ?? {
              location,
              reader,
              octokit,
              components: [],
            };
            group.components.push({ entityRef, plan });
            upgrades.set(key, group);
          }
        } catch (e) {
          const error = (e as Error).message;
          ctx.logger.error(`${prefix}: ${error}; nothing is written for it`);
          outcomes.push({
            entityRef,
            status: 'failed',
            ...(location
              ? { repository: repoName(location), path: location.folder }
              : {}),
            error,
          });
        }
      }

      const pullRequests: PullRequestOutcome[] = [];
      for (const group of upgrades.values()) {
        const { location, octokit, reader, components } = group;
        const { owner, repo, branch: baseBranch } = location;
        const { title, body } = upgradePullRequest(
          components.map(c => ({ title: c.entityRef, plan: c.plan })),
        );
        const outcome: PullRequestOutcome = {
          repository: repoName(location),
          baseBranch,
          branchName,
          components: components.map(c => c.entityRef),
        };
        pullRequests.push(outcome);
        if (ctx.isDryRun) {
          ctx.logger.info(
            `Dry run: would propose "${title}" to ${owner}/${repo} (${branchName} into ${baseBranch}):`,
          );
          for (const { plan } of components) {
            for (const f of plan.files.filter(x => x.status !== 'conflict')) {
              ctx.logger.info(`  ${f.status} ${plan.path}/${f.path}`);
            }
          }
          continue;
        }
        // One commit per component on the repository's one branch and pull request. Each call is
        // a checkpoint, so a retried task does not redo what GitHub already has.
        let changed = 0;
        for (const { entityRef, plan } of components) {
          const result = await ctx.checkpoint({
            key: `zerotrust-baseline-upgrade:${repoName(
              location,
            )}#${branchName}:${plan.path}`,
            fn: async () => ({
              ...(await proposeChange(
                octokit,
                {
                  owner,
                  repo,
                  targetPath: plan.path,
                  files: Object.fromEntries(
                    Object.entries(plan.write).map(([f, text]) => [
                      f,
                      Buffer.from(text),
                    ]),
                  ),
                  deletedFiles: plan.delete,
                  branchName,
                  baseBranch,
                  commitMessage: `${plan.spec.name}: Zero Trust baseline ${plan.from} → ${plan.to}\n\n${entityRef}, ${plan.path}`,
                  title,
                  body,
                  draft: input.draft,
                },
                { logger: ctx.logger },
              )),
            }),
          });
          changed += result.changedFiles.length;
          if (result.pullRequest) {
            outcome.url = result.pullRequest.url;
            outcome.number = result.pullRequest.number;
            outcome.created = outcome.created || result.pullRequest.created;
          }
          // The generated content merged edits were made from, for the next upgrade's merge.
          await reader.ensureBlobs(plan.mergeBases);
        }
        if (outcome.number && !outcome.created && changed > 0) {
          // An open pull request got new commits: describe what it now holds.
          await octokit.rest.pulls.update({
            owner,
            repo,
            pull_number: outcome.number,
            title,
            body,
          });
        }
        ctx.logger.info(
          outcome.url
            ? `${outcome.created ? 'Opened' : 'Kept'} ${outcome.url} for ${
                components.length
              } component(s)`
            : `${owner}/${repo} already has every change on ${baseBranch}`,
        );
      }

      const count = (status: ComponentOutcome['status']) =>
        outcomes.filter(o => o.status === status).length;
      const summary = `${
        outcomes.length
      } component(s) of ${templateRef}: ${count('upgrade')} to upgrade, ${count(
        'up-to-date',
      )} up to date, ${count('failed')} failed; ${
        pullRequests.length
      } pull request(s)${ctx.isDryRun ? ' (dry run: nothing written)' : ''}`;
      ctx.logger.info(summary);
      ctx.output('components', outcomes);
      ctx.output('pullRequests', pullRequests);
      ctx.output('summary', summary);
    },
  });
}
