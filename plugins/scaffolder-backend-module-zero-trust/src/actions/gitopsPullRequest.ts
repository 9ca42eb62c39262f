import { InputError } from '@backstage/errors';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { getOctokitOptions } from '@backstage/plugin-scaffolder-backend-module-github';
import {
  createTemplateAction,
  parseRepoUrl,
} from '@backstage/plugin-scaffolder-node';
import { Octokit } from '@octokit/rest';
import { examples } from './gitopsPullRequest.examples';
import { commitToBranch, ensurePullRequest } from './proposeChanges';
import { readFiles, workspaceFolder } from './workspaceFiles';
import { InputShape, parseActionInput } from './actionInput';

// A folder of the GitOps repository: segments of safe characters, none of them . or ..
const REPO_FOLDER =
  /^(?!.*(^|\/)\.{1,2}(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
// git check-ref-format, restricted to what a template would produce.
const BRANCH =
  /^(?!.*\.\.)(?!.*\/\.)(?!.*\.lock$)(?!.*\/$)(?!\/)[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

const INPUT = {
  repoUrl: z =>
    z.string({
      description:
        'Repository in RepoUrlPicker format, e.g. github.com?owner=acme&repo=gitops',
    }),
  sourcePath: z =>
    z.string({ description: 'Workspace folder to propose' }).default('gitops'),
  targetPath: z =>
    z.string({
      description: 'Folder of the repository, e.g. apps/cartservice',
    }),
  branchName: z => z.string({ description: 'Branch to create or update' }),
  baseBranch: z =>
    z
      .string({
        description: "Branch to merge into; the repository's default",
      })
      .optional(),
  title: z => z.string({ description: 'Pull request title' }).min(1).max(256),
  description: z =>
    z
      .string({ description: 'Pull request body (Markdown)' })
      .max(65536)
      .default(''),
  commitMessage: z =>
    z.string({ description: 'Defaults to the title' }).optional(),
  draft: z =>
    z
      .boolean({ description: 'Open the pull request as a draft' })
      .default(false),
} satisfies InputShape;

/**
 * `zerotrust:gitops:pull-request`: proposes a workspace folder to a GitHub repository as a pull
 * request (branch, commit, PR) with the GitHub integration's credentials. Reruns update the same
 * branch and pull request; an unchanged rerun makes no commit.
 *
 * @public
 */
export function createGitopsPullRequestAction(options: {
  integrations: ScmIntegrationRegistry;
  githubCredentialsProvider?: GithubCredentialsProvider;
}) {
  return createTemplateAction({
    id: 'zerotrust:gitops:pull-request',
    description:
      'Opens (or updates) a pull request that puts a workspace folder into a folder of a GitHub repository, e.g. generated manifests into the GitOps repository Argo CD syncs. Uses the GitHub integration configured in Backstage; idempotent; supports dry-run.',
    examples,
    supportsDryRun: true,
    schema: {
      input: INPUT,
      output: {
        pullRequestUrl: z =>
          z.string({ description: 'URL of the pull request' }),
        pullRequestNumber: z =>
          z.number({ description: 'Number of the pull request' }).optional(),
        branchName: z => z.string({ description: 'The branch' }),
        commitSha: z =>
          z.string({ description: 'Head commit of the branch' }).optional(),
        changedFiles: z =>
          z.array(z.string(), {
            description: 'Files this run committed (empty when unchanged)',
          }),
      },
    },
    async handler(ctx) {
      const input = parseActionInput(INPUT, ctx.input);
      const { host, owner, repo } = parseRepoUrl(
        input.repoUrl,
        options.integrations,
      );
      if (!owner || !OWNER.test(owner) || !repo || !REPO.test(repo)) {
        throw new InputError(
          `repoUrl ${JSON.stringify(
            input.repoUrl,
          )} must name a GitHub owner and repository`,
        );
      }
      const integration = options.integrations.github.byHost(host);
      if (!integration) {
        throw new InputError(
          `No GitHub integration is configured for ${host}; add it under integrations.github in app-config`,
        );
      }
      if (!REPO_FOLDER.test(input.targetPath)) {
        throw new InputError(
          `targetPath ${JSON.stringify(
            input.targetPath,
          )} must be a relative folder such as apps/cartservice, without . or .. segments`,
        );
      }
      if (!BRANCH.test(input.branchName)) {
        throw new InputError(
          `branchName ${JSON.stringify(
            input.branchName,
          )} is not a valid branch name`,
        );
      }
      if (input.baseBranch !== undefined && !BRANCH.test(input.baseBranch)) {
        throw new InputError(
          `baseBranch ${JSON.stringify(
            input.baseBranch,
          )} is not a valid branch name`,
        );
      }
      const folder = workspaceFolder(
        ctx.workspacePath,
        input.sourcePath,
        'sourcePath',
      );
      const files = await readFiles(folder);
      if (Object.keys(files).length === 0) {
        throw new InputError(`sourcePath ${input.sourcePath} holds no files`);
      }
      const repoPage = `https://${host}/${owner}/${repo}`;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would propose ${Object.keys(files).length} files to ${
            input.targetPath
          } on branch ${input.branchName} of ${owner}/${repo}`,
        );
        ctx.output('pullRequestUrl', `${repoPage}/pulls`);
        ctx.output('branchName', input.branchName);
        ctx.output('changedFiles', []);
        return;
      }

      const octokit = new Octokit({
        ...(await getOctokitOptions({
          integrations: options.integrations,
          credentialsProvider: options.githubCredentialsProvider,
          host,
          owner,
          repo,
        })),
        // Expected 404s (a branch that does not exist yet) are not errors worth a log line.
        log: {
          debug: () => {},
          info: () => {},
          warn: (message: string) => ctx.logger.warn(message),
          error: (message: string) => ctx.logger.debug(message),
        },
      });
      const change = {
        owner,
        repo,
        files,
        targetPath: input.targetPath,
        branchName: input.branchName,
        baseBranch: input.baseBranch,
        commitMessage: input.commitMessage ?? input.title,
        title: input.title,
        body: input.description,
        draft: input.draft,
      };
      // Checkpoints make a retried task reuse what a previous attempt already did on GitHub.
      const key = `${host}/${owner}/${repo}#${input.branchName}`;
      const commit = await ctx.checkpoint({
        key: `zerotrust-gitops-commit:${key}`,
        fn: async () => ({ ...(await commitToBranch(octokit, change)) }),
      });
      ctx.output('branchName', input.branchName);
      ctx.output('commitSha', commit.commitSha);
      ctx.output('changedFiles', commit.changedFiles);
      if (!commit.branchExists) {
        ctx.logger.info(
          `${owner}/${repo} already has these files on ${commit.baseBranch}; no pull request needed`,
        );
        ctx.output(
          'pullRequestUrl',
          `${repoPage}/tree/${commit.baseBranch}/${input.targetPath}`,
        );
        return;
      }
      const pr = await ctx.checkpoint({
        key: `zerotrust-gitops-pr:${key}`,
        fn: async () => ({
          ...(await ensurePullRequest(octokit, change, commit.baseBranch)),
        }),
      });
      ctx.logger.info(
        `${pr.created ? 'Opened' : 'Updated'} pull request ${pr.url} (${
          commit.changedFiles.length
        } files changed)`,
      );
      ctx.output('pullRequestUrl', pr.url);
      ctx.output('pullRequestNumber', pr.number);
    },
  });
}
