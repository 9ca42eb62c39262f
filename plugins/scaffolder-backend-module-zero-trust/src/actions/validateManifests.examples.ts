import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Validate the overlays written by zerotrust:manifests:generate; the run stops on any violation',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'zerotrust:manifests:validate',
          name: 'Validate against the Zero Trust baseline',
          input: { path: 'gitops' },
        },
      ],
    }),
  },
  {
    description:
      "Report, without failing, the violations of another team's hand-written manifests",
    example: yaml.stringify({
      steps: [
        {
          id: 'audit',
          action: 'zerotrust:manifests:validate',
          name: 'Audit manifests',
          input: { path: 'deploy', failOnViolations: false },
        },
      ],
    }),
  },
];
