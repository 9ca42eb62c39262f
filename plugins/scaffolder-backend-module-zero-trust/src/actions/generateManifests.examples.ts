import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Generate Online Boutique's cartservice: gRPC, called by frontend and checkoutservice, ambient mesh with a waypoint",
    example: yaml.stringify({
      steps: [
        {
          id: 'generate',
          action: 'zerotrust:manifests:generate',
          name: 'Generate Zero Trust manifests',
          input: {
            targetPath: 'gitops',
            spec: {
              name: 'cartservice',
              namespace: 'online-boutique',
              owner: 'group:default/boutique-team',
              system: 'online-boutique',
              language: 'go',
              ports: [{ port: 7070, protocol: 'grpc' }],
              image: {
                repository: 'ghcr.io/acme/cartservice',
                tag: '1.4.2',
              },
              callers: [
                {
                  name: 'frontend',
                  namespace: 'online-boutique',
                  grpcPaths: [
                    '/hipstershop.CartService/AddItem',
                    '/hipstershop.CartService/GetCart',
                    '/hipstershop.CartService/EmptyCart',
                  ],
                },
                {
                  name: 'checkoutservice',
                  namespace: 'online-boutique',
                  grpcPaths: [
                    '/hipstershop.CartService/GetCart',
                    '/hipstershop.CartService/EmptyCart',
                  ],
                },
              ],
              callees: [
                {
                  name: 'redis-cart',
                  namespace: 'online-boutique',
                  ports: [{ port: 6379, protocol: 'tcp' }],
                },
              ],
              externalSecrets: [
                { name: 'redis-password', remoteKey: 'boutique/redis' },
              ],
              mesh: { mode: 'ambient', waypoint: true },
              gitops: {
                repoURL: 'https://github.com/acme/gitops.git',
                path: 'apps/cartservice',
              },
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'An HTTP service on EKS with an IAM role, a canary rollout and FQDN egress, in sidecar mode',
    example: yaml.stringify({
      steps: [
        {
          id: 'generate',
          action: 'zerotrust:manifests:generate',
          name: 'Generate Zero Trust manifests',
          input: {
            spec: {
              name: 'checkout-api',
              namespace: 'shop',
              owner: 'group:default/payments',
              language: 'node',
              ports: [{ port: 8080, protocol: 'http' }],
              image: { repository: 'ghcr.io/acme/checkout-api', tag: '2.0.0' },
              egressFqdns: ['api.stripe.com'],
              mesh: { mode: 'sidecar' },
              cloudIdentity: {
                provider: 'eks',
                roleArn: 'arn:aws:iam::123456789012:role/checkout-api',
              },
              environments: {
                prod: {
                  replicas: 4,
                  resources: {
                    requests: { cpu: '250m', memory: '256Mi' },
                    limits: { cpu: '1', memory: '512Mi' },
                  },
                },
              },
              canary: { enabled: true },
              gitops: {
                repoURL: 'https://github.com/acme/gitops.git',
                path: 'apps/checkout-api',
              },
            },
          },
        },
      ],
    }),
  },
];
