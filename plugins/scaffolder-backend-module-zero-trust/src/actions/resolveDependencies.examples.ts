import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Resolve the services a new checkout service calls and is called by',
    example: yaml.stringify({
      steps: [
        {
          id: 'peers',
          action: 'zerotrust:catalog:resolve-dependencies',
          name: 'Resolve network peers',
          input: {
            callees: [
              'component:default/cartservice',
              'component:default/paymentservice',
            ],
            callers: ['component:default/frontend'],
          },
        },
      ],
    }),
  },
];
