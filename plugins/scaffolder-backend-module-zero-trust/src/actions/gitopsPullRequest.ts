import { InputError, isError } from '@backstage/errors';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { getOctokitOptions } from '@backstage/plugin-scaffolder-backend-module-github';
import {
  createTemplateAction,
  parseRepoUrl,
  serializeDirectoryContents,
} from '@backstage/plugin-scaffolder-node';
import { Octokit } from '@octokit/rest';
import fs from 'fs';
import path from 'path';
import { examples } from './gitopsPullRequest.examples';
import {
  proposeChange,
  ProposedChange,
  ProposedFileMode,
} from './proposeChanges';
import { workspaceFolder } from './workspaceFiles';
import { InputShape, parseActionInput } from './actionInput';
import {
  BRANCH,
  OWNER,
  REPO,
  REPO_FOLDER,
  REVIEWER_INPUTS,
  checkReviewers,
} from './githubNames';

/**
 * The files of a workspace folder, read as publish:github:pull-request reads them
 * (serializeDirectoryContents, .gitignore honoured): executables get mode 100755, a link whose
 * target is not in the workspace is committed as a link (mode 120000), a link to a file of the
 * workspace is left out. A link that points outside the folder (absolute, or climbing out with
 * ..) is refused: in the repository it would point outside the target folder.
 */
async function readSourceFolder(folder: string, sourcePath: string) {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new InputError(`sourcePath ${sourcePath} is not a folder`);
  }
  const links: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await fs.promises.readdir(dir, {
      withFileTypes: true,
    })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(folder, full).split(path.sep).join('/');
      if (entry.isSymbolicLink()) {
        const target = await fs.promises.readlink(full);
        const resolved = path.posix.normalize(
          path.posix.join(path.posix.dirname(relative), target),
        );
        if (
          path.isAbsolute(target) ||
          path.posix.isAbsolute(target) ||
          resolved === '..' ||
          resolved.startsWith('../')
        ) {
          throw new InputError(
            `${relative} is a symbolic link to ${target}, outside ${sourcePath}; only links within the folder can be proposed`,
          );
        }
        links.push(relative);
      } else if (entry.isDirectory()) {
        await walk(full);
      }
    }
  };
  await walk(folder);

  let contents;
  try {
    contents = await serializeDirectoryContents(folder, { gitignore: true });
  } catch (e) {
    if (isError(e) && e.name === 'NotAllowedError') {
      throw new InputError(`${sourcePath} holds a link that leaves it`, e);
    }
    throw e;
  }
  const files: Record<string, Buffer> = {};
  const modes: Record<string, ProposedFileMode> = {};
  for (const file of contents.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    files[file.path] = file.content;
    if (file.symlink) modes[file.path] = '120000';
    else if (file.executable) modes[file.path] = '100755';
  }
  const skipped = links.filter(l => !(l in files));
  return { files, modes, skipped };
}

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
  ...REVIEWER_INPUTS,
} satisfies InputShape;

/**
 * `zerotrust:gitops:pull-request`: proposes a workspace folder to a GitHub repository (github.com
 * or GitHub Enterprise, from `integrations.github`) as a pull request, with
 * octokit-plugin-create-pull-request as `publish:github:pull-request` does. Reruns add a commit to
 * the same branch and update the same pull request; an unchanged rerun writes nothing.
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
          )} must be a relative folder such as apps/cartservice, without ., .. or .git segments`,
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
      checkReviewers(input);
      const folder = workspaceFolder(
        ctx.workspacePath,
        input.sourcePath,
        'sourcePath',
      );
      const { files, modes, skipped } = await readSourceFolder(
        folder,
        input.sourcePath,
      );
      if (Object.keys(files).length === 0) {
        throw new InputError(`sourcePath ${input.sourcePath} holds no files`);
      }
      for (const link of skipped) {
        ctx.logger.warn(
          `${link} is a symbolic link to a file of the workspace and is not proposed (as in publish:github:pull-request); commit the file it points to instead`,
        );
      }
      const repoPage = `https://${host}/${owner}/${repo}`;
      const change: ProposedChange = {
        owner,
        repo,
        files,
        modes,
        targetPath: input.targetPath,
        branchName: input.branchName,
        baseBranch: input.baseBranch,
        commitMessage: input.commitMessage ?? input.title,
        title: input.title,
        body: input.description,
        draft: input.draft,
        reviewers: input.reviewers,
        teamReviewers: input.teamReviewers,
      };

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would propose ${Object.keys(files).length} files to ${
            input.targetPath
          } of ${repoPage} on branch ${input.branchName} (into ${
            input.baseBranch ?? 'the default branch'
          }), committing only those that differ:`,
        );
        for (const file of Object.keys(files)) {
          ctx.logger.info(
            `  ${modes[file] ?? '100644'} ${path.posix.join(
              input.targetPath,
              file,
            )}`,
          );
        }
        if (input.reviewers.length || input.teamReviewers.length) {
          ctx.logger.info(
            `  reviewers: ${[
              ...input.reviewers,
              ...input.teamReviewers.map((t: string) => `team ${t}`),
            ].join(', ')}`,
          );
        }
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
      // A retried task reuses what a previous attempt already did on GitHub; a run that failed
      // midway is finished by the next one, since proposeChange builds on the pushed branch.
      const result = await ctx.checkpoint({
        key: `zerotrust-gitops-pr:${host}/${owner}/${repo}#${input.branchName}`,
        fn: async () => ({
          ...(await proposeChange(octokit, change, { logger: ctx.logger })),
        }),
      });
      ctx.output('branchName', input.branchName);
      if (result.commitSha) ctx.output('commitSha', result.commitSha);
      ctx.output('changedFiles', result.changedFiles);
      if (!result.pullRequest) {
        ctx.output(
          'pullRequestUrl',
          `${repoPage}/tree/${result.baseBranch}/${input.targetPath}`,
        );
        return;
      }
      ctx.output('pullRequestUrl', result.pullRequest.url);
      ctx.output('pullRequestNumber', result.pullRequest.number);
    },
  });
}
