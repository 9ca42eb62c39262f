import {
  ClusterHealth,
  ControlResult,
  EntityPosture,
} from '@zero-trust-k8s/plugin-zero-trust-common';

const at = '2026-12-01T08:00:00Z';
const ev = (kind: string, name: string, namespace = 'online-boutique') => ({
  cluster: 'demo',
  apiVersion: 'v1',
  kind,
  namespace,
  name,
  resourceVersion: '42',
  observedAt: at,
});

export const healthyCluster: ClusterHealth = {
  name: 'demo',
  source: 'live',
  healthy: true,
  stale: false,
  stalenessSeconds: 5,
  lastSyncAt: at,
  errors: [],
  kinds: [
    {
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'Rollout',
      count: 0,
      state: 'not-installed',
    },
    {
      group: 'external-secrets.io',
      version: 'v1',
      kind: 'ExternalSecret',
      count: 0,
      state: 'forbidden',
    },
  ],
};

/** A component posture with typed details for every control, as the backend returns it. */
export const currencyservice: EntityPosture = {
  entityRef: 'component:default/currencyservice',
  // As scoreControls computes it: a weighted 69, capped at 59 because admission and GitOps fail.
  score: 59,
  generatedAt: at,
  clusters: [healthyCluster],
  drift: {
    trustDomain: 'cluster.local',
    declared: [
      {
        entityRef: 'component:default/checkoutservice',
        principal: 'cluster.local/ns/online-boutique/sa/checkoutservice',
      },
      {
        entityRef: 'component:default/frontend',
        principal: 'cluster.local/ns/online-boutique/sa/frontend',
      },
    ],
    declaredNotAllowed: [
      {
        entityRef: 'component:default/checkoutservice',
        principal: 'cluster.local/ns/online-boutique/sa/checkoutservice',
      },
    ],
    allowedNotDeclared: [
      {
        principal: 'cluster.local/ns/loadgenerator/sa/loadgenerator',
        policy: {
          cluster: 'demo',
          namespace: 'online-boutique',
          name: 'currencyservice-allow-callers',
        },
      },
    ],
    unresolved: [],
  },
  controls: [
    {
      control: 'mtls',
      status: 'pass',
      summary: 'STRICT for every port.',
      evidence: [ev('PeerAuthentication', 'default', 'istio-system')],
      details: {
        rootNamespace: 'istio-system',
        workloads: [
          {
            cluster: 'demo',
            namespace: 'online-boutique',
            workload: 'Deployment/currencyservice',
            pods: 1,
            dataplane: 'ambient',
            enrolledBy: 'namespace label',
            mode: 'STRICT',
            modeSource: {
              level: 'mesh',
              policy: {
                cluster: 'demo',
                namespace: 'istio-system',
                name: 'default',
              },
            },
            portModes: [],
          },
        ],
      },
    },
    {
      control: 'authorization',
      status: 'warn',
      summary:
        'Deny by default. Drift from the catalog: 1 declared caller(s) not allowed.',
      evidence: [ev('AuthorizationPolicy', 'currencyservice-allow-callers')],
      details: {
        denyByDefault: true,
        policies: [
          {
            cluster: 'demo',
            namespace: 'online-boutique',
            name: 'currencyservice-allow-callers',
            action: 'ALLOW',
            scope: 'workload',
            allowsNothing: false,
            allowsAnySource: false,
            rules: [
              {
                principals: [
                  'cluster.local/ns/online-boutique/sa/frontend',
                  'cluster.local/ns/loadgenerator/sa/loadgenerator',
                ],
                notPrincipals: [],
                namespaces: [],
                notNamespaces: [],
                ipBlocks: [],
                anySource: false,
                ports: ['7000'],
                methods: [],
                paths: ['/hipstershop.CurrencyService/Convert'],
                notPaths: [],
                conditions: 0,
              },
            ],
          },
        ],
      },
    },
    {
      control: 'segmentation',
      status: 'pass',
      summary: 'Default deny in both directions.',
      evidence: [ev('NetworkPolicy', 'default-deny')],
      details: {
        ingress: {
          isolated: true,
          defaultDeny: true,
          allowed: [
            {
              kind: 'pods',
              description: 'app=frontend',
              ports: ['TCP/7000'],
              policy: {
                cluster: 'demo',
                namespace: 'online-boutique',
                name: 'currencyservice',
                kind: 'NetworkPolicy',
              },
            },
          ],
          denied: [],
        },
        egress: {
          isolated: true,
          defaultDeny: true,
          allowed: [],
          denied: [],
          fqdns: ['api.example.com'],
          world: false,
        },
        policies: [
          {
            cluster: 'demo',
            namespace: 'online-boutique',
            name: 'default-deny',
            kind: 'NetworkPolicy',
          },
        ],
      },
    },
    {
      control: 'admission',
      status: 'fail',
      summary: '1 failed: require-ro-rootfs.',
      evidence: [ev('PolicyReport', 'cpol-currencyservice')],
      details: {
        counts: { pass: 6, fail: 1, warn: 0, error: 0, skip: 0 },
        byPolicy: [],
        findings: [
          {
            cluster: 'demo',
            report: 'PolicyReport online-boutique/cpol-currencyservice',
            resource: 'Deployment/currencyservice',
            policy: 'require-ro-rootfs',
            rule: 'validate-readonly-rootfilesystem',
            result: 'fail',
            severity: 'medium',
            message: 'Root filesystem must be read-only.',
          },
          {
            cluster: 'demo',
            report: 'PolicyReport online-boutique/cpol-currencyservice',
            resource: 'Deployment/currencyservice',
            policy: 'disallow-latest-tag',
            rule: 'require-image-tag',
            result: 'pass',
            severity: 'medium',
          },
        ],
      },
    },
    {
      control: 'sbom',
      status: 'pass',
      summary: 'An SBOM for every image (120 components).',
      evidence: [ev('SbomReport', 'replicaset-currencyservice-server')],
      details: {
        components: 120,
        licenses: [
          { license: 'MIT', count: 80 },
          { license: 'Apache-2.0', count: 39 },
          { license: 'unknown', count: 1 },
        ],
        images: [
          {
            cluster: 'demo',
            namespace: 'online-boutique',
            report: 'replicaset-currencyservice-server',
            container: 'server',
            image: 'registry.test/currencyservice:v0.10.3',
            digest: 'sha256:0123456789abcdef0123456789abcdef',
            components: 120,
            scanner: 'Trivy',
            types: { library: 110, application: 9, 'operating-system': 1 },
          },
        ],
      },
    },
    {
      control: 'vulnerabilities',
      status: 'warn',
      summary: '1 high.',
      evidence: [
        ev('VulnerabilityReport', 'replicaset-currencyservice-server'),
      ],
      details: {
        counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 },
        fixable: 1,
        images: [
          {
            cluster: 'demo',
            namespace: 'online-boutique',
            report: 'replicaset-currencyservice-server',
            container: 'server',
            image: 'registry.test/currencyservice:v0.10.3',
            counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 },
          },
        ],
        top: [],
      },
    },
    {
      control: 'rollout',
      status: 'not-installed',
      summary: 'Argo Rollouts is not installed.',
      evidence: [],
    },
    {
      control: 'gitops',
      status: 'fail',
      summary: 'A security object is OutOfSync.',
      evidence: [ev('Application', 'online-boutique-security', 'argocd')],
      details: {
        unmanaged: [],
        applications: [
          {
            cluster: 'demo',
            namespace: 'argocd',
            name: 'online-boutique-security',
            sync: 'OutOfSync',
            health: 'Healthy',
            resources: [
              {
                group: 'security.istio.io',
                kind: 'AuthorizationPolicy',
                namespace: 'online-boutique',
                name: 'currencyservice-allow-callers',
                status: 'OutOfSync',
                security: true,
              },
            ],
          },
        ],
      },
    },
    {
      control: 'secrets',
      status: 'forbidden',
      summary: 'The backend may not read ExternalSecrets.',
      evidence: [],
    },
    {
      control: 'runtime',
      status: 'pass',
      summary: 'No Falco alert.',
      evidence: [],
      details: { alerts: [], falcoReporting: true },
    },
    {
      control: 'identity',
      status: 'pass',
      summary: 'Own ServiceAccount, no extra roles.',
      evidence: [ev('ServiceAccount', 'currencyservice')],
      details: {
        serviceAccounts: [
          {
            cluster: 'demo',
            namespace: 'online-boutique',
            name: 'currencyservice',
            isDefault: false,
            automountToken: false,
          },
        ],
        grants: [],
      },
    },
    {
      control: 'provenance',
      status: 'not-installed',
      summary: 'Kyverno is not installed in demo.',
      evidence: [],
    },
    {
      control: 'flows',
      status: 'pass',
      summary:
        'No dropped flow and no undeclared peer in the last 15 minutes (12 flows seen).',
      evidence: [],
      details: {
        windowSeconds: 900,
        relays: [
          {
            cluster: 'demo',
            address: 'hubble-relay.kube-system.svc:80',
            state: 'ok',
            flows: 12,
          },
        ],
        dropped: [],
        undeclared: [],
      },
    },
    {
      control: 'cis',
      status: 'pass',
      summary: 'demo passes the CIS benchmark (kube-bench).',
      evidence: [],
      details: {
        clusters: [
          {
            cluster: 'demo',
            status: 'pass',
            summary: 'demo passes the CIS benchmark (kube-bench).',
            kubeBench: {
              report: 'ClusterPolicyReport kube-bench',
              pass: 37,
              fail: 0,
              warn: 0,
            },
            checks: [],
          },
        ],
      },
    },
  ] as ControlResult[],
};

/** A System posture: the aggregate and one row per component. */
export const onlineBoutique: EntityPosture = {
  entityRef: 'system:default/online-boutique',
  score: 59,
  generatedAt: at,
  clusters: [healthyCluster],
  controls: currencyservice.controls.map(c => ({
    ...c,
    summary: `aggregate: ${c.status}`,
  })) as ControlResult[],
  components: [
    {
      entityRef: 'component:default/adservice',
      score: 60,
      controls: [
        {
          control: 'admission',
          status: 'fail',
          summary: 'require-ro-rootfs',
          evidence: 1,
        },
      ],
    },
    {
      entityRef: 'component:default/cartservice',
      score: 100,
      controls: [
        { control: 'admission', status: 'pass', summary: 'ok', evidence: 1 },
      ],
    },
  ],
};
