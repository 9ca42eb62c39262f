import { z } from 'zod';
import {
  EXCLUDED_NAMESPACES_TEXT,
  isExcludedNamespace,
} from '../policy/baseline';
import {
  AWS_ROLE_ARN,
  CPU_QUANTITY,
  DNS_LABEL,
  DURATION,
  EGRESS_FQDN,
  ENTITY_REF,
  GCP_SERVICE_ACCOUNT,
  GIT_REPO_URL,
  GIT_REVISION,
  GRPC_HEALTH_SERVICE,
  GRPC_PATH,
  HTTP_METHODS,
  HTTP_PATH,
  IMAGE_DIGEST,
  IMAGE_REPOSITORY,
  IMAGE_TAG,
  MEMORY_QUANTITY,
  PORT_NAME,
  PROBE_PATH,
  REMOTE_KEY,
  REPO_PATH,
  SECRET_PROPERTY,
  SERVICE_URL,
  hasDotSegment,
  hasTraversalSegment,
  urlHasDotSegment,
} from './patterns';

const dnsLabel = (description: string, max = 63) =>
  z
    .string({ description })
    .max(max, `must be at most ${max} characters`)
    .regex(
      DNS_LABEL,
      "is not a DNS-1123 label: use lower-case letters, digits and '-', starting and ending with a letter or digit",
    );

const matching = (pattern: RegExp, description: string, expected: string) =>
  z.string({ description }).regex(pattern, `is not ${expected}`);

/** A URL: its pattern, and no `.`/`..` path segments a server would normalise away. */
const url = (pattern: RegExp, description: string, expected: string) =>
  matching(pattern, description, expected).refine(
    u => !urlHasDotSegment(u),
    'must not contain . or .. path segments',
  );

const portNumber = z
  .number({ description: 'TCP port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const protocolError = (allowed: readonly string[]) => ({
  errorMap: () => ({
    message: `is not a known protocol: expected ${allowed
      .map(p => `"${p}"`)
      .join(' or ')}`,
  }),
});

/** Protocols a generated service can serve. @public */
export const SERVICE_PROTOCOLS = ['grpc', 'http'] as const;

const servicePortSchema = z
  .object({
    name: z
      .string({
        description:
          'Port name (IANA service name, at most 15 characters); defaults to the protocol',
      })
      .regex(
        PORT_NAME,
        "is not a valid port name: at most 15 lower-case letters, digits and '-', with at least one letter",
      )
      .optional(),
    port: portNumber.describe(
      'Port the container listens on and the Service exposes',
    ),
    protocol: z
      .enum(SERVICE_PROTOCOLS, protocolError(SERVICE_PROTOCOLS))
      .describe('Application protocol; decides probe type and Istio rules'),
  })
  .strict();

// Schemas used more than once are factories, not shared constants: the scaffolder turns the spec
// into a JSON schema, which writes a reused zod instance as a `$ref` that the template editor's
// action reference (/create/actions) does not follow, hiding the fields of the second use.
const peerPortSchema = () =>
  z
    .object({
      port: portNumber.describe('Port the peer serves on'),
      protocol: z
        .enum(['grpc', 'http', 'tcp'], protocolError(['grpc', 'http', 'tcp']))
        .describe('Protocol of the peer port'),
    })
    .strict();

const httpPath = () =>
  z
    .string({ description: 'HTTP path, a trailing * matches a prefix' })
    .regex(HTTP_PATH, 'is not an HTTP path such as /api/cart or /static/*')
    .refine(p => !hasTraversalSegment(p), 'must not contain . or .. segments');

const peerSchema = () =>
  z
    .object({
      entityRef: matching(
        ENTITY_REF,
        'Catalog entity of the peer',
        'an entity ref',
      ).optional(),
      name: dnsLabel('Workload name of the peer (its `app` label)'),
      namespace: dnsLabel('Namespace of the peer'),
      serviceAccount: dnsLabel(
        'ServiceAccount of the peer, its mesh identity; defaults to the name',
      ).optional(),
      ports: z
        .array(peerPortSchema(), {
          description: "The peer's own service ports",
        })
        .max(32)
        .default([]),
      grpcPaths: z
        .array(
          matching(
            GRPC_PATH,
            'Allowed gRPC method',
            'a gRPC path such as /hipstershop.CartService/AddItem',
          ),
          {
            description:
              'For a caller: the gRPC methods of this service it may call, as /<package>.<Service>/<Method>',
          },
        )
        .max(256)
        .default([]),
      httpMethods: z
        .array(
          z.enum(HTTP_METHODS, {
            errorMap: () => ({
              message: `is not an HTTP method: expected one of ${HTTP_METHODS.join(
                ', ',
              )}`,
            }),
          }),
          {
            description:
              'For a caller: the HTTP methods it may use on this service',
          },
        )
        .max(HTTP_METHODS.length)
        .default([]),
      httpPaths: z
        .array(httpPath(), {
          description:
            'For a caller: the HTTP paths it may request on this service',
        })
        .max(256)
        .default([]),
    })
    .strict();

/** Size of the writable /tmp (an emptyDir), which counts towards the ephemeral-storage limit. */
export const TMP_SIZE_LIMIT = '64Mi';

const resourceListSchema = (ephemeralStorage: string) =>
  z
    .object({
      cpu: matching(
        CPU_QUANTITY,
        'CPU quantity, e.g. 100m',
        'a CPU quantity such as 100m or 0.5',
      ),
      memory: matching(
        MEMORY_QUANTITY,
        'Memory quantity, e.g. 128Mi',
        'a memory quantity such as 128Mi',
      ),
      'ephemeral-storage': matching(
        MEMORY_QUANTITY,
        `Local disk for container logs and the writable /tmp (${TMP_SIZE_LIMIT}), e.g. 256Mi; above the limit the kubelet evicts the pod`,
        'a storage quantity such as 256Mi',
      ).default(ephemeralStorage),
    })
    .strict();

const imageTag = () =>
  z
    .string({ description: 'Image tag (never `latest`)' })
    .regex(IMAGE_TAG, 'is not a valid image tag')
    .refine(
      t => t.toLowerCase() !== 'latest',
      'must not be `latest`: the tag is mutable, pin a version or a digest',
    );

const environmentSchema = (replicas: number) =>
  z
    .object({
      replicas: z
        .number({ description: 'Replicas in this environment' })
        .int('must be a whole number')
        .min(0)
        .max(100)
        .default(replicas),
      resources: z
        .object({
          requests: resourceListSchema('128Mi').describe(
            'Resources the scheduler reserves for the container',
          ),
          limits: resourceListSchema('256Mi').describe(
            'Most the container may use; not below the requests',
          ),
        })
        .strict()
        .default({
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { cpu: '500m', memory: '256Mi' },
        })
        .describe('Container requests and limits'),
      image: z
        .object({
          tag: imageTag().optional(),
          digest: matching(
            IMAGE_DIGEST,
            'Image digest',
            'a sha256 digest',
          ).optional(),
        })
        .strict()
        .default({})
        .describe(
          "Overrides the image's tag or pins a digest in this environment",
        ),
      cluster: url(
        SERVICE_URL,
        'API server URL of the cluster Argo CD deploys to',
        'an http(s) URL',
      ).default('https://kubernetes.default.svc'),
    })
    .strict()
    .superRefine(checkEnvironment);

/** The environments every service gets an overlay for. @public */
export const ENVIRONMENTS = ['dev', 'stage', 'prod'] as const;

/** @public */
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

const canaryStepSchema = z.union(
  [
    z
      .object({
        setWeight: z
          .number({ description: 'Percent of traffic sent to the canary' })
          .int()
          .min(1)
          .max(100),
      })
      .strict(),
    z
      .object({
        pause: z
          .object({
            duration: matching(
              DURATION,
              'How long to wait, e.g. 5m',
              'a duration such as 5m',
            ).optional(),
          })
          .strict()
          .describe(
            'Waits before the next step; without a duration, until promoted by hand',
          ),
      })
      .strict(),
    z
      .object({
        analysis: z
          .literal(true)
          .describe(
            'Runs the AnalysisTemplate (success rate, denials, Falco alerts); a failure aborts the rollout',
          ),
      })
      .strict(),
  ],
  {
    errorMap: () => ({
      message:
        'is not a canary step: expected { setWeight: 1-100 }, { pause: { duration?: "5m" } } or { analysis: true }',
    }),
  },
);

const cloudIdentitySchema = z.discriminatedUnion(
  'provider',
  [
    z
      .object({
        provider: z
          .literal('none')
          .describe('No cloud identity: the pods get no cloud credentials'),
      })
      .strict(),
    z
      .object({
        provider: z.literal('gke').describe('GKE Workload Identity'),
        gcpServiceAccount: matching(
          GCP_SERVICE_ACCOUNT,
          'Google service account the pods act as (Workload Identity)',
          'a Google service account email',
        ),
      })
      .strict(),
    z
      .object({
        provider: z
          .literal('eks')
          .describe('EKS IAM roles for service accounts (IRSA)'),
        roleArn: matching(
          AWS_ROLE_ARN,
          'IAM role the pods assume (IRSA)',
          'an IAM role ARN',
        ),
      })
      .strict(),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === 'invalid_union_discriminator'
        ? { message: 'provider must be "gke", "eks" or "none"' }
        : { message: ctx.defaultError },
  },
);

/** What a topology spread constraint does when it cannot be met, or `none` for no constraint. */
export const SPREAD_MODES = [
  'DoNotSchedule',
  'ScheduleAnyway',
  'none',
] as const;

const spreadSchema = (
  mode: (typeof SPREAD_MODES)[number],
  description: string,
) =>
  z
    .enum(SPREAD_MODES, {
      errorMap: () => ({
        message: `must be one of ${SPREAD_MODES.map(m => `"${m}"`).join(', ')}`,
      }),
    })
    .describe(description)
    .default(mode);

const DEFAULT_CANARY_STEPS = [
  { setWeight: 10 },
  { pause: { duration: '2m' } },
  { analysis: true as const },
  { setWeight: 50 },
  { pause: { duration: '5m' } },
  { analysis: true as const },
];

const serviceSpecObject = z
  .object({
    name: dnsLabel(
      'Service name: Deployment, Service, ServiceAccount and `app` label (at most 50 characters, so derived names such as <name>-default-deny stay valid)',
      50,
    ),
    namespace: dnsLabel(
      'Namespace the service runs in, usually one per system. Not `default` nor a namespace the Zero Trust baseline excludes (kube-*, istio-system, kyverno): no policy would check the service there',
    ).superRefine(checkServiceNamespace),
    owner: matching(
      ENTITY_REF,
      'Owner entity ref, e.g. group:default/team',
      'an entity ref',
    ),
    system: dnsLabel('System the service belongs to').optional(),
    language: z
      .enum(['go', 'node'], {
        errorMap: () => ({ message: 'must be "go" or "node"' }),
      })
      .describe('Implementation language of the skeleton'),
    ports: z
      .array(servicePortSchema, { description: 'Ports the service serves' })
      .max(16)
      .superRefine(checkServicePorts)
      .default([]),
    image: z
      .object({
        repository: matching(
          IMAGE_REPOSITORY,
          'Image repository without tag or digest, e.g. registry.example.com/shop/cart',
          'an image repository without tag or digest (registry/path)',
        ),
        tag: imageTag().describe(
          'Initial image tag; environments may override it',
        ),
      })
      .strict()
      .describe('Container image of the service'),
    healthCheckPath: z
      .string({
        description: 'Path of the HTTP health endpoint (HTTP services only)',
      })
      .regex(PROBE_PATH, 'is not an HTTP path such as /healthz')
      .refine(p => !hasTraversalSegment(p), 'must not contain . or .. segments')
      .default('/healthz'),
    readinessPath: z
      .string({
        description:
          'Path of the HTTP readiness endpoint (HTTP services only), apart from healthCheckPath: readiness takes the pod out of the Service while it cannot serve (starting, draining, a dependency down), liveness restarts it only when it is stuck',
      })
      .regex(PROBE_PATH, 'is not an HTTP path such as /readyz')
      .refine(p => !hasTraversalSegment(p), 'must not contain . or .. segments')
      .default('/readyz'),
    grpcReadinessService: z
      .string({
        description:
          'gRPC services only: the `service` the readiness probe asks grpc.health.v1.Health/Check about, so readiness differs from liveness (which asks about the whole server, ""); the server must report a status for it',
      })
      .max(128, 'must be at most 128 characters')
      .regex(
        GRPC_HEALTH_SERVICE,
        'is not a gRPC health service name such as readiness or hipstershop.CartService',
      )
      .default('readiness'),
    runAsUser: z
      .number({ description: 'Non-root UID (and GID) the containers run as' })
      .int()
      .min(1, 'must not be 0 (root)')
      .max(2147483647)
      .refine(
        u => u !== 1337,
        'must not be 1337, the UID Istio reserves for its proxy',
      )
      .default(65532),
    callers: z
      .array(peerSchema(), {
        description: 'Workloads allowed to call this service',
      })
      .max(128)
      .superRefine(checkPeers)
      .default([]),
    callees: z
      .array(peerSchema(), { description: 'Workloads this service calls' })
      .max(128)
      .superRefine(checkPeers)
      .default([]),
    egressFqdns: z
      .array(
        matching(
          EGRESS_FQDN,
          'External host',
          'a host name such as api.example.com or *.example.com',
        ),
        { description: 'External hosts reachable on 443 (Cilium toFQDNs)' },
      )
      .max(64)
      .superRefine(
        uniqueBy(
          h => h,
          h => `lists ${h} twice`,
        ),
      )
      .default([]),
    externalSecrets: z
      .array(
        z
          .object({
            name: dnsLabel(
              'Name of the Kubernetes Secret ExternalSecrets creates',
              50,
            ),
            remoteKey: z
              .string({ description: 'Key in the external secret manager' })
              .regex(
                REMOTE_KEY,
                'is not a secret key such as boutique/redis-password',
              )
              .refine(
                k => !hasDotSegment(k),
                'must not contain empty, . or .. segments',
              ),
            property: matching(
              SECRET_PROPERTY,
              'Property inside the remote secret; also the file name in the mount',
              'a property name',
            ).optional(),
          })
          .strict(),
        {
          description:
            'Secrets synced by External Secrets and mounted under /etc/secrets/<name>',
        },
      )
      .max(32)
      .superRefine(
        uniqueBy(
          s => s.name,
          s => `duplicates the secret "${s.name}"`,
          ['name'],
        ),
      )
      .default([]),
    secretStore: dnsLabel(
      'ClusterSecretStore the ExternalSecrets read from',
    ).default('cluster-secret-store'),
    mesh: z
      .object({
        mode: z
          .enum(['sidecar', 'ambient'], {
            errorMap: () => ({ message: 'must be "sidecar" or "ambient"' }),
          })
          .describe(
            'How the pods join the Istio mesh: ztunnel (ambient) or an Envoy sidecar',
          )
          .default('ambient'),
        waypoint: z
          .boolean({
            description:
              'Ambient only: deploy a waypoint so L7 rules (gRPC paths, HTTP methods) are enforced; false falls back to L4',
          })
          .default(true),
      })
      .strict()
      .describe('Istio mesh mode')
      .default({}),
    cloudIdentity: cloudIdentitySchema
      .describe('Cloud IAM identity of the pods, through the ServiceAccount')
      .default({ provider: 'none' }),
    environments: z
      .object({
        dev: environmentSchema(1)
          .describe('The dev overlay (1 replica by default)')
          .default({}),
        stage: environmentSchema(2)
          .describe('The stage overlay (2 replicas by default)')
          .default({}),
        prod: environmentSchema(3)
          .describe('The prod overlay (3 replicas by default)')
          .default({}),
      })
      .strict()
      .describe('Settings per environment overlay and Argo CD Application')
      .default({}),
    canary: z
      .object({
        enabled: z
          .boolean({
            description:
              'Deploy an Argo Rollout with canary steps instead of a Deployment',
          })
          .default(false),
        steps: z
          .array(canaryStepSchema, {
            description:
              'Canary steps: setWeight, pause and analysis, in order',
          })
          .min(1)
          .max(32)
          .default(DEFAULT_CANARY_STEPS),
        prometheusAddress: url(
          SERVICE_URL,
          'Prometheus the AnalysisTemplate queries',
          'an http(s) URL',
        ).default('http://prometheus.istio-system:9090'),
      })
      .strict()
      .describe('Progressive delivery with Argo Rollouts')
      .default({}),
    podDisruptionBudget: z
      .object({
        enabled: z
          .boolean({
            description:
              'Write a PodDisruptionBudget in every overlay with more than one replica, so a node drain or cluster upgrade never takes down more pods than maxUnavailable',
          })
          .default(true),
        maxUnavailable: z
          .number({
            description:
              'Pods a voluntary disruption (eviction during a drain) may take down at once; below the replicas of every environment with more than one',
          })
          .int('must be a whole number')
          .min(1, 'must be at least 1, or a drain could never evict a pod')
          .max(99)
          .default(1),
      })
      .strict()
      .describe(
        'PodDisruptionBudget of the overlays with more than one replica',
      )
      .default({}),
    topologySpread: z
      .object({
        nodes: spreadSchema(
          'DoNotSchedule',
          'Spread across nodes (kubernetes.io/hostname): DoNotSchedule keeps a pod pending rather than exceed maxSkew, ScheduleAnyway only prefers spreading, none turns it off',
        ),
        zones: spreadSchema(
          'ScheduleAnyway',
          'Spread across zones (topology.kubernetes.io/zone): ScheduleAnyway by default, so a single-zone cluster or a zone outage never blocks scheduling',
        ),
        maxSkew: z
          .number({
            description:
              'Most pods one node (or zone) may have above the emptiest one',
          })
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(10)
          .default(1),
      })
      .strict()
      .describe('Topology spread constraints of the pods')
      .default({}),
    monitoringNamespace: dnsLabel(
      'Namespace of the Prometheus that scrapes Istio metrics (allowed to reach port 15020)',
    ).default('istio-system'),
    gitops: z
      .object({
        repoURL: url(
          GIT_REPO_URL,
          'GitOps repository URL',
          'an https or git@ repository URL',
        ),
        path: z
          .string({
            description: 'Folder of this service in the GitOps repository',
          })
          .regex(
            REPO_PATH,
            'is not a repository folder such as apps/cartservice',
          )
          .refine(p => !hasDotSegment(p), 'must not contain . or .. segments'),
        targetRevision: z
          .string({ description: 'Branch, tag or commit Argo CD follows' })
          .regex(GIT_REVISION, 'is not a git revision')
          .refine(p => !hasDotSegment(p), 'must not contain . or .. segments')
          .default('main'),
        project: dnsLabel('Argo CD project').default('default'),
        argocdNamespace: dnsLabel('Namespace Argo CD runs in').default(
          'argocd',
        ),
      })
      .strict()
      .describe('Where Argo CD finds the generated tree'),
  })
  .strict();

/**
 * Everything the manifest engine needs to know about a service. Every string is matched against
 * an allow-list, so a value cannot change the structure of a manifest or escape the file tree.
 *
 * @public
 */
export const serviceSpecSchema = serviceSpecObject.superRefine((spec, ctx) =>
  checkCrossFieldRules(spec, ctx),
);

/** A validated service description, with defaults filled in. @public */
export type ServiceSpec = z.output<typeof serviceSpecSchema>;

/** What callers pass in; optional fields get defaults. @public */
export type ServiceSpecInput = z.input<typeof serviceSpecSchema>;

/** @public */
export type ServicePeerSpec = ServiceSpec['callers'][number];

type Problem = (path: (string | number)[], message: string) => void;

const reporter =
  (ctx: z.RefinementCtx): Problem =>
  (path, message) =>
    ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });

function uniqueBy<T>(
  key: (item: T) => string,
  message: (item: T) => string,
  subPath: string[] = [],
) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(key(item))) {
        reporter(ctx)([i, ...subPath], message(item));
      }
      seen.add(key(item));
    });
  };
}

// Ports Istio's sidecar and ztunnel claim inside the pod.
const ISTIO_PORTS = [15001, 15006, 15008, 15020, 15021, 15090];

/**
 * Why a service may not run in `namespace`, or undefined when it may. The baseline's excluded
 * namespaces are skipped by zerotrust:manifests:validate and by the Kyverno policies, so a service
 * there would be checked by nothing. `default` is checked, but the platform does not manage it.
 *
 * @public
 */
export function refusedServiceNamespace(namespace: string): string | undefined {
  if (isExcludedNamespace(namespace)) {
    return `is a system namespace the Zero Trust baseline excludes (${EXCLUDED_NAMESPACES_TEXT}): neither zerotrust:manifests:validate nor the Kyverno policies check workloads there; use a namespace of the service's own, e.g. online-boutique`;
  }
  if (namespace.trim().toLowerCase() === 'default') {
    return "is refused for generated services: the platform does not manage the default namespace (no Pod Security labels), and every object applied without a namespace lands there, where the service's namespace-wide default-deny and mTLS rules would reach unrelated workloads; use a namespace of the service's own, e.g. online-boutique";
  }
  return undefined;
}

function checkServiceNamespace(namespace: string, ctx: z.RefinementCtx) {
  const refused = refusedServiceNamespace(namespace);
  if (refused) {
    reporter(ctx)([], refused);
  }
}

function checkServicePorts(
  ports: z.output<typeof servicePortSchema>[],
  ctx: z.RefinementCtx,
) {
  const problem = reporter(ctx);
  const numbers = new Map<number, number>();
  const names = new Map<string, number>();
  ports.forEach((p, i) => {
    if (numbers.has(p.port)) {
      problem(
        [i, 'port'],
        `duplicates port ${p.port} of ports[${numbers.get(p.port)}]`,
      );
    }
    numbers.set(p.port, i);
    const name = p.name ?? defaultPortName({ ports }, i);
    if (names.has(name)) {
      problem(
        [i, 'name'],
        `duplicates the port name "${name}" of ports[${names.get(name)}]`,
      );
    }
    names.set(name, i);
    if (ISTIO_PORTS.includes(p.port)) {
      problem([i, 'port'], `${p.port} is reserved by the Istio proxy`);
    }
  });
}

function checkPeers(
  peers: z.output<ReturnType<typeof peerSchema>>[],
  ctx: z.RefinementCtx,
) {
  const problem = reporter(ctx);
  const seen = new Set<string>();
  peers.forEach((peer, i) => {
    const key = `${peer.namespace}/${peer.name}`;
    if (seen.has(key)) {
      problem([i], `lists ${key} twice`);
    }
    seen.add(key);
    const ports = new Set<number>();
    peer.ports.forEach((p, j) => {
      if (ports.has(p.port)) {
        problem([i, 'ports', j, 'port'], `duplicates port ${p.port}`);
      }
      ports.add(p.port);
    });
  });
}

function checkEnvironment(
  env: {
    resources: {
      requests: { cpu: string; memory: string; 'ephemeral-storage': string };
      limits: { cpu: string; memory: string; 'ephemeral-storage': string };
    };
    image: { tag?: string; digest?: string };
  },
  ctx: z.RefinementCtx,
) {
  const problem = reporter(ctx);
  const { requests, limits } = env.resources;
  if (cpuMillis(limits.cpu) < cpuMillis(requests.cpu)) {
    problem(['resources', 'limits', 'cpu'], 'is below the CPU request');
  }
  if (memoryBytes(limits.memory) < memoryBytes(requests.memory)) {
    problem(['resources', 'limits', 'memory'], 'is below the memory request');
  }
  if (
    memoryBytes(limits['ephemeral-storage']) <
    memoryBytes(requests['ephemeral-storage'])
  ) {
    problem(
      ['resources', 'limits', 'ephemeral-storage'],
      'is below the ephemeral-storage request',
    );
  }
  if (memoryBytes(limits['ephemeral-storage']) < memoryBytes(TMP_SIZE_LIMIT)) {
    problem(
      ['resources', 'limits', 'ephemeral-storage'],
      `is below the ${TMP_SIZE_LIMIT} of /tmp: the kubelet would evict the pod before /tmp is full`,
    );
  }
  if (env.image.tag && env.image.digest) {
    problem(['image'], 'set either tag or digest, not both');
  }
}

function checkCrossFieldRules(
  s: z.output<typeof serviceSpecObject>,
  ctx: z.RefinementCtx,
) {
  const problem = reporter(ctx);
  const hasGrpc = s.ports.some(p => p.protocol === 'grpc');
  const hasHttp = s.ports.some(p => p.protocol === 'http');
  s.callers.forEach((caller, i) => {
    if (s.ports.length === 0) {
      problem(
        ['callers', i],
        'this service has no ports, so nothing can call it',
      );
    }
    if (caller.grpcPaths.length > 0 && !hasGrpc) {
      problem(['callers', i, 'grpcPaths'], 'this service has no grpc port');
    }
    if (
      (caller.httpMethods.length > 0 || caller.httpPaths.length > 0) &&
      !hasHttp
    ) {
      problem(['callers', i, 'httpMethods'], 'this service has no http port');
    }
  });
  s.callees.forEach((callee, i) => {
    if (callee.ports.length === 0) {
      problem(
        ['callees', i, 'ports'],
        'is empty: egress is allowed per port, so declare the ports the callee serves (zero-trust.io/ports)',
      );
    }
  });
  if (hasHttp && s.readinessPath === s.healthCheckPath) {
    problem(
      ['readinessPath'],
      'must differ from healthCheckPath: one endpoint for both would restart pods that are only unready (starting, draining, a dependency down)',
    );
  }
  if (s.podDisruptionBudget.enabled) {
    for (const env of ENVIRONMENTS) {
      const replicas = s.environments[env].replicas;
      if (replicas > 1 && s.podDisruptionBudget.maxUnavailable >= replicas) {
        problem(
          ['podDisruptionBudget', 'maxUnavailable'],
          `is not below the ${replicas} replicas of ${env}: the budget would let one drain evict every pod at once`,
        );
      }
    }
  }
  if (s.canary.enabled && !s.canary.steps.some(step => 'analysis' in step)) {
    problem(
      ['canary', 'steps'],
      'need at least one { analysis: true } step, so the AnalysisTemplate can stop a bad canary',
    );
  }
}

/** Port name used when the spec gives none: the protocol, suffixed with the port if needed. */
export function defaultPortName(
  spec: { ports: { port: number; protocol: string }[] },
  index: number,
): string {
  const port = spec.ports[index];
  const sameProtocol = spec.ports.filter(
    p => p.protocol === port.protocol,
  ).length;
  return sameProtocol > 1 ? `${port.protocol}-${port.port}` : port.protocol;
}

function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

function memoryBytes(q: string): number {
  const m = /^(\d+)([A-Za-z]*)$/.exec(q);
  // Refinements also run on values that failed their pattern; those compare as NaN (never below).
  return m && m[2] in MEMORY_UNITS ? Number(m[1]) * MEMORY_UNITS[m[2]] : NaN;
}
