import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { ownSchema } from './actionInput';

// What our actions accept as GitHub names before they reach an API path or a git ref. Shared by
// every action that writes to GitHub, so a name one accepts the other accepts too.

/** A GitHub user or organization login. */
export const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
/** A repository name; not . or ..: in /repos/{owner}/{repo}/... they would climb to another endpoint. */
export const REPO = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;
/**
 * git check-ref-format, restricted to what a template would produce; no leading - or . either,
 * no segment ending in . (git refuses them), not HEAD and not a full ref (refs/...), which
 * GitHub would take as something other than a branch.
 */
export const BRANCH =
  /^(?![.-])(?!HEAD$)(?!refs\/)(?!.*\.\.)(?!.*\/[.-])(?!.*\.(\/|$))(?!.*\.lock(\/|$))(?!.*\/$)[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
/** A folder of a repository: segments of safe characters, none of them ., .. or .git. */
export const REPO_FOLDER =
  /^(?!.*(^|\/)(\.{1,2}|\.git)(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/i;
const TEAM_SLUG = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The reviewer inputs of the actions that open pull requests (built with our zod: a shared
 * constant typed with the scaffolder's copy could not be declared; checkReviewers types them).
 */
export const REVIEWER_INPUTS: Record<
  'reviewers' | 'teamReviewers',
  ReturnType<typeof ownSchema>
> = {
  reviewers: ownSchema(
    z
      .array(z.string(), {
        description:
          'GitHub users asked to review the pull request when it is opened or updated',
      })
      .default([]),
  ),
  teamReviewers: ownSchema(
    z
      .array(z.string(), {
        description:
          'Team slugs (without the organization) asked to review the pull request when it is opened or updated',
      })
      .default([]),
  ),
};

/** Refuses a reviewer or team that is not a GitHub name, before any request. */
export function checkReviewers(input: {
  reviewers: string[];
  teamReviewers: string[];
}): void {
  const badReviewer = input.reviewers.find(r => !OWNER.test(r));
  if (badReviewer !== undefined) {
    throw new InputError(
      `reviewers: ${JSON.stringify(badReviewer)} is not a GitHub user name`,
    );
  }
  const badTeam = input.teamReviewers.find(t => !TEAM_SLUG.test(t));
  if (badTeam !== undefined) {
    throw new InputError(
      `teamReviewers: ${JSON.stringify(
        badTeam,
      )} is not a team slug (give the slug without the organization)`,
    );
  }
}
