import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Write the baseline ClusterPolicies for a cluster whose Falco and kube-bench agents must keep running',
    example: yaml.stringify({
      steps: [
        {
          id: 'policies',
          action: 'zerotrust:policies:kyverno',
          name: 'Write the Kyverno policies',
          input: {
            targetPath: 'security-stack/policies/kyverno',
            additionalExcludedNamespaces: ['falco', 'kube-bench'],
          },
        },
      ],
    }),
  },
];
