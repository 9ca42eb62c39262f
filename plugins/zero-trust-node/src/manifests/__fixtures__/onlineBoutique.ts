import { ServiceSpecInput } from '../ServiceSpec';

/**
 * Google's Online Boutique (microservices-demo) as ServiceSpecs: ports, the call graph and the
 * gRPC methods of its demo.proto (package hipstershop).
 */

const NAMESPACE = 'online-boutique';

type Port = { port: number; protocol: 'grpc' | 'http' };

const SERVICES: Record<
  string,
  { ports: Port[]; methods: string[]; language: 'go' | 'node' }
> = {
  frontend: {
    ports: [{ port: 8080, protocol: 'http' }],
    methods: [],
    language: 'go',
  },
  cartservice: {
    ports: [{ port: 7070, protocol: 'grpc' }],
    methods: [
      '/hipstershop.CartService/AddItem',
      '/hipstershop.CartService/GetCart',
      '/hipstershop.CartService/EmptyCart',
    ],
    language: 'go',
  },
  productcatalogservice: {
    ports: [{ port: 3550, protocol: 'grpc' }],
    methods: [
      '/hipstershop.ProductCatalogService/ListProducts',
      '/hipstershop.ProductCatalogService/GetProduct',
      '/hipstershop.ProductCatalogService/SearchProducts',
    ],
    language: 'go',
  },
  currencyservice: {
    ports: [{ port: 7000, protocol: 'grpc' }],
    methods: [
      '/hipstershop.CurrencyService/GetSupportedCurrencies',
      '/hipstershop.CurrencyService/Convert',
    ],
    language: 'node',
  },
  paymentservice: {
    ports: [{ port: 50051, protocol: 'grpc' }],
    methods: ['/hipstershop.PaymentService/Charge'],
    language: 'node',
  },
  shippingservice: {
    ports: [{ port: 50051, protocol: 'grpc' }],
    methods: [
      '/hipstershop.ShippingService/GetQuote',
      '/hipstershop.ShippingService/ShipOrder',
    ],
    language: 'go',
  },
  emailservice: {
    ports: [{ port: 8080, protocol: 'grpc' }],
    methods: ['/hipstershop.EmailService/SendOrderConfirmation'],
    language: 'go',
  },
  checkoutservice: {
    ports: [{ port: 5050, protocol: 'grpc' }],
    methods: ['/hipstershop.CheckoutService/PlaceOrder'],
    language: 'go',
  },
  recommendationservice: {
    ports: [{ port: 8080, protocol: 'grpc' }],
    methods: ['/hipstershop.RecommendationService/ListRecommendations'],
    language: 'go',
  },
  adservice: {
    ports: [{ port: 9555, protocol: 'grpc' }],
    methods: ['/hipstershop.AdService/GetAds'],
    language: 'go',
  },
  loadgenerator: { ports: [], methods: [], language: 'go' },
};

/** caller → callees */
export const ONLINE_BOUTIQUE_CALLS: Record<string, string[]> = {
  frontend: [
    'productcatalogservice',
    'currencyservice',
    'cartservice',
    'recommendationservice',
    'shippingservice',
    'checkoutservice',
    'adservice',
  ],
  checkoutservice: [
    'productcatalogservice',
    'shippingservice',
    'paymentservice',
    'emailservice',
    'currencyservice',
    'cartservice',
  ],
  recommendationservice: ['productcatalogservice'],
  loadgenerator: ['frontend'],
};

export const ONLINE_BOUTIQUE_SERVICES = Object.keys(SERVICES);

/** Per-service details the tests assert against. */
export function boutiqueService(name: string) {
  return SERVICES[name];
}

/** The ServiceSpec of one Online Boutique service, with overrides for a test. */
export function boutiqueSpec(
  name: string,
  overrides: Partial<ServiceSpecInput> = {},
): ServiceSpecInput {
  const svc = SERVICES[name];
  const callers = Object.entries(ONLINE_BOUTIQUE_CALLS)
    .filter(([, callees]) => callees.includes(name))
    .map(([caller]) => ({
      name: caller,
      namespace: NAMESPACE,
      serviceAccount: caller,
      ports: SERVICES[caller].ports,
      ...(svc.ports[0]?.protocol === 'grpc'
        ? { grpcPaths: svc.methods }
        : { httpMethods: ['GET' as const, 'POST' as const, 'HEAD' as const] }),
    }));
  const callees = (ONLINE_BOUTIQUE_CALLS[name] ?? []).map(callee => ({
    entityRef: `component:default/${callee}`,
    name: callee,
    namespace: NAMESPACE,
    ports: SERVICES[callee].ports,
  }));
  return {
    name,
    namespace: NAMESPACE,
    owner: 'group:default/boutique-team',
    system: 'online-boutique',
    language: svc.language,
    ports: svc.ports,
    image: {
      repository: `registry.example.com/online-boutique/${name}`,
      tag: 'v0.10.3',
    },
    healthCheckPath: name === 'frontend' ? '/_healthz' : '/healthz',
    callers,
    callees,
    ...(name === 'cartservice'
      ? {
          externalSecrets: [
            { name: 'redis-password', remoteKey: 'boutique/redis-password' },
          ],
          callees: [
            {
              name: 'redis-cart',
              namespace: NAMESPACE,
              ports: [{ port: 6379, protocol: 'tcp' as const }],
            },
          ],
        }
      : {}),
    ...(name === 'paymentservice' ? { egressFqdns: ['api.stripe.com'] } : {}),
    ...(name === 'emailservice'
      ? {
          egressFqdns: ['smtp.sendgrid.net', '*.googleapis.com'],
          cloudIdentity: {
            provider: 'gke' as const,
            gcpServiceAccount:
              'emailservice@boutique-prod.iam.gserviceaccount.com',
          },
        }
      : {}),
    ...(name === 'checkoutservice' ? { canary: { enabled: true } } : {}),
    environments: {
      prod: {
        replicas: 3,
        image: { digest: `sha256:${'a'.repeat(64)}` },
        resources: {
          requests: { cpu: '200m', memory: '128Mi' },
          limits: { cpu: '1', memory: '512Mi' },
        },
      },
    },
    gitops: {
      repoURL: 'https://git.example.com/boutique/gitops.git',
      path: `apps/${name}`,
    },
    ...overrides,
  };
}
