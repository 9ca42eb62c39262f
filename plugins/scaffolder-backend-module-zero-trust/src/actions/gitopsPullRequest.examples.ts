import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Propose generated manifests to the GitOps repository under apps/cartservice',
    example: yaml.stringify({
      steps: [
        {
          id: 'gitopsPr',
          action: 'zerotrust:gitops:pull-request',
          name: 'Propose the manifests to the GitOps repository',
          input: {
            repoUrl: 'github.com?owner=acme&repo=gitops',
            sourcePath: 'gitops',
            targetPath: 'apps/cartservice',
            branchName: 'zero-trust/add-cartservice',
            title: 'Add cartservice (Zero Trust service)',
            description: 'Generated and validated by the Zero Trust template.',
          },
        },
      ],
    }),
  },
  {
    description:
      'Propose to a release branch as a draft and ask a user and the platform team for review',
    example: yaml.stringify({
      steps: [
        {
          id: 'gitopsPr',
          action: 'zerotrust:gitops:pull-request',
          name: 'Propose the manifests for review',
          input: {
            repoUrl: 'github.com?owner=acme&repo=gitops',
            sourcePath: 'gitops',
            targetPath: 'apps/cartservice',
            branchName: 'zero-trust/add-cartservice',
            baseBranch: 'release',
            title: 'Add cartservice (Zero Trust service)',
            description: 'Generated and validated by the Zero Trust template.',
            commitMessage: 'cartservice: Zero Trust manifests',
            draft: true,
            reviewers: ['octocat'],
            teamReviewers: ['platform-security'],
          },
        },
      ],
    }),
  },
];
