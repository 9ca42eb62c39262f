import { InputError } from '@backstage/errors';
import { generateManifests } from './generateManifests';
import { ServiceSpecInput } from './ServiceSpec';
import { boutiqueSpec } from './__fixtures__/onlineBoutique';

/** A spec that uses every string field, so each can be attacked. */
function fullSpec(): any {
  return {
    ...boutiqueSpec('frontend'),
    ports: [
      { name: 'http', port: 8080, protocol: 'http' },
      { name: 'grpc', port: 9090, protocol: 'grpc' },
    ],
    callers: [
      {
        entityRef: 'component:default/loadgenerator',
        name: 'loadgenerator',
        namespace: 'online-boutique',
        serviceAccount: 'loadgenerator',
        ports: [],
        grpcPaths: ['/hipstershop.Frontend/Home'],
        httpMethods: ['GET'],
        httpPaths: ['/cart'],
      },
    ],
    callees: [
      {
        entityRef: 'component:default/cartservice',
        name: 'cartservice',
        namespace: 'online-boutique',
        serviceAccount: 'cartservice',
        ports: [{ port: 7070, protocol: 'grpc' }],
      },
    ],
    readinessPath: '/readyz',
    grpcReadinessService: 'frontend-readiness',
    topologySpread: { nodes: 'ScheduleAnyway', zones: 'DoNotSchedule' },
    egressFqdns: ['api.example.com'],
    externalSecrets: [
      { name: 'session-key', remoteKey: 'boutique/session', property: 'key' },
    ],
    secretStore: 'vault',
    cloudIdentity: {
      provider: 'gke',
      gcpServiceAccount: 'frontend@boutique-prod.iam.gserviceaccount.com',
    },
    environments: {
      dev: {
        image: { tag: 'dev-1' },
        cluster: 'https://dev.example.com:6443',
        resources: {
          requests: {
            cpu: '100m',
            memory: '64Mi',
            'ephemeral-storage': '128Mi',
          },
          limits: {
            cpu: '200m',
            memory: '128Mi',
            'ephemeral-storage': '1Gi',
          },
        },
      },
      prod: { image: { digest: `sha256:${'c'.repeat(64)}` } },
    },
    canary: {
      enabled: true,
      steps: [
        { setWeight: 20 },
        { pause: { duration: '1m' } },
        { analysis: true },
      ],
      prometheusAddress: 'http://prometheus.monitoring:9090',
    },
    monitoringNamespace: 'monitoring',
    mesh: { mode: 'sidecar', waypoint: true },
    gitops: {
      repoURL: 'https://git.example.com/boutique/gitops.git',
      path: 'apps/frontend',
      targetRevision: 'main',
      project: 'boutique',
      argocdNamespace: 'argocd',
    },
  };
}

type Path = (string | number)[];

/** Every string leaf of a value, with its path. */
function stringLeaves(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') {
    return [path];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      stringLeaves(v, [...path, Array.isArray(value) ? Number(k) : k]),
    );
  }
  return [];
}

function withValue(spec: any, path: Path, value: unknown): any {
  const copy = structuredClone(spec);
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  parent[path[path.length - 1]] = value;
  return copy;
}

const valueAt = (spec: any, path: Path) => path.reduce((v, k) => v[k], spec);

const formatPath = (path: Path) =>
  path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`))
    .join('');

function expectInputError(spec: unknown): InputError {
  let result: unknown;
  try {
    result = generateManifests(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error(
    `expected an InputError, got ${
      Object.keys((result as any).files).length
    } files`,
  );
}

describe('generateManifests refuses hostile input', () => {
  it('accepts the full spec the attacks start from', () => {
    expect(
      Object.keys(generateManifests(fullSpec()).files).length,
    ).toBeGreaterThan(10);
  });

  const leaves = stringLeaves(fullSpec());
  const payloads = [
    '"',
    "'",
    '\n',
    '\nkind: Secret',
    ': ',
    '$(id)',
    '`id`',
    '/../x',
    ' #',
    '{}',
    '\\',
    ';rm -rf /',
    '|',
    '&',
    '<x>',
    '\u0000',
  ];

  it('covers every string field of the spec', () => {
    expect(leaves.length).toBeGreaterThan(40);
  });

  it.each(leaves.map(p => [formatPath(p), p] as const))(
    '%s: metacharacters and traversal are refused by name',
    (shown, path) => {
      const original = valueAt(fullSpec(), path);
      for (const payload of payloads) {
        for (const value of [
          `${original}${payload}`,
          `${payload}${original}`,
        ]) {
          const error = expectInputError(withValue(fullSpec(), path, value));
          expect(error.message).toContain(shown);
          // The offending value is shown JSON-escaped, never as raw lines.
          expect(error.message).not.toContain('\nkind: Secret');
        }
      }
    },
  );

  it.each([
    'Cart',
    'cart_service',
    '-cart',
    'cart-',
    'a'.repeat(51),
    '',
    '..',
    'cart/x',
    'cart.svc',
  ])('refuses the service name %p', name => {
    const error = expectInputError({ ...boutiqueSpec('cartservice'), name });
    expect(error.message).toMatch(/^Invalid ServiceSpec/);
    expect(error.message).toMatch(/\n {2}- name: /);
  });

  it.each(['../etc', 'kube system', 'a'.repeat(64)])(
    'refuses the namespace %p',
    namespace => {
      expect(
        expectInputError({ ...boutiqueSpec('cartservice'), namespace }).message,
      ).toContain('namespace:');
    },
  );

  // The baseline skips these namespaces (validation and Kyverno), so a service there would be
  // checked by nothing; `default` is refused because the platform does not manage it.
  it.each([
    [
      'kube-system',
      /namespace: is a system namespace the Zero Trust baseline excludes \(kube-\*, istio-system, kyverno\)/,
    ],
    ['istio-system', /namespace: is a system namespace/],
    ['kyverno', /namespace: is a system namespace/],
    ['kube-public', /namespace: is a system namespace/],
    ['kube-node-lease', /namespace: is a system namespace/],
    ['kube-flannel', /namespace: is a system namespace/],
    [
      'default',
      /namespace: is refused for generated services: the platform does not manage the default namespace/,
    ],
    [
      'Kube-System',
      /namespace: is not a DNS-1123 label[^\n]*\n {2}- namespace: is a system namespace/,
    ],
    ['KYVERNO', /namespace: is a system namespace/],
    ['DEFAULT', /namespace: is refused for generated services/],
  ])('refuses the namespace %p and says why', (namespace, message) => {
    const error = expectInputError({
      ...boutiqueSpec('cartservice'),
      namespace,
    });
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`(got ${JSON.stringify(namespace)})`);
  });

  it.each(['kube', 'kubes-system', 'istio-system2', 'my-kyverno', 'defaults'])(
    'accepts the ordinary namespace %p',
    namespace => {
      expect(
        generateManifests({ ...boutiqueSpec('cartservice'), namespace }).spec
          .namespace,
      ).toBe(namespace);
    },
  );

  it('refuses duplicate ports and port names, listing both', () => {
    const error = expectInputError({
      ...boutiqueSpec('cartservice'),
      ports: [
        { port: 7070, protocol: 'grpc' },
        { port: 7070, protocol: 'http' },
        { name: 'http', port: 7071, protocol: 'grpc' },
      ],
    });
    expect(error.message).toContain(
      'ports[1].port: duplicates port 7070 of ports[0]',
    );
    expect(error.message).toContain(
      'ports[2].name: duplicates the port name "http" of ports[1]',
    );
  });

  it.each(['udp', 'tcp', 'GRPC', 'h2'])('refuses the protocol %p', protocol => {
    const error = expectInputError({
      ...boutiqueSpec('cartservice'),
      ports: [{ port: 7070, protocol }],
    });
    expect(error.message).toContain(
      `ports[0].protocol: is not a known protocol: expected "grpc" or "http" (got "${protocol}")`,
    );
  });

  it.each([0, -1, 65536, 80.5, '80'])('refuses the port %p', port => {
    expect(
      expectInputError({
        ...boutiqueSpec('cartservice'),
        ports: [{ port, protocol: 'grpc' }],
      }).message,
    ).toContain('ports[0].port');
  });

  it('refuses ports the Istio proxy owns', () => {
    expect(
      expectInputError({
        ...boutiqueSpec('cartservice'),
        ports: [{ port: 15008, protocol: 'grpc' }],
      }).message,
    ).toContain('15008 is reserved by the Istio proxy');
  });

  it.each([
    [['image', 'tag'], 'latest'],
    [['image', 'tag'], 'LATEST'],
    [['environments', 'stage', 'image', 'tag'], 'latest'],
  ])('refuses the mutable %j tag %p', (path, tag) => {
    const spec = withValue(
      {
        ...boutiqueSpec('cartservice'),
        environments: { stage: { image: {} } },
      },
      path,
      tag,
    );
    expect(expectInputError(spec).message).toContain('must not be `latest`');
  });

  it('refuses an image repository that carries a tag or digest', () => {
    for (const repository of [
      'registry.example.com/cart:1.0',
      'registry.example.com/cart@sha256:abc',
      'cart',
    ]) {
      const spec = {
        ...boutiqueSpec('cartservice'),
        image: { repository, tag: '1.0' },
      };
      expect(expectInputError(spec).message).toContain('image.repository');
    }
  });

  it('lists every problem of a spec at once', () => {
    const error = expectInputError({
      ...boutiqueSpec('cartservice'),
      name: 'Cart',
      namespace: '../x',
      ports: [
        { port: 7070, protocol: 'udp' },
        { port: 7070, protocol: 'grpc' },
      ],
      image: { repository: 'registry.example.com/cart', tag: 'latest' },
      surprise: true,
    });
    expect(error.message).toMatch(/^Invalid ServiceSpec, \d+ problems:/);
    for (const field of [
      'name:',
      'namespace:',
      'ports[0].protocol:',
      'image.tag:',
      '"surprise"',
    ]) {
      expect(error.message).toContain(field);
    }
  });

  it('refuses inconsistent specs with clear messages', () => {
    const cases: [Partial<ServiceSpecInput>, string][] = [
      [
        { ports: [] },
        'callers[0]: this service has no ports, so nothing can call it',
      ],
      [
        { ports: [{ port: 8080, protocol: 'http' }] },
        'callers[0].grpcPaths: this service has no grpc port',
      ],
      [
        {
          callees: [
            { name: 'redis-cart', namespace: 'online-boutique', ports: [] },
          ],
        },
        'callees[0].ports: is empty',
      ],
      [
        {
          environments: {
            dev: {
              resources: {
                requests: { cpu: '1', memory: '1Gi' },
                limits: { cpu: '500m', memory: '512Mi' },
              },
            },
          },
        },
        'environments.dev.resources.limits.cpu: is below the CPU request',
      ],
      [
        {
          environments: {
            dev: { image: { tag: 'v1', digest: `sha256:${'d'.repeat(64)}` } },
          },
        },
        'environments.dev.image: set either tag or digest, not both',
      ],
      [
        { canary: { enabled: true, steps: [{ setWeight: 50 }] } },
        'canary.steps: need at least one { analysis: true } step',
      ],
      [{ runAsUser: 0 } as any, 'runAsUser: must not be 0 (root)'],
      [{ runAsUser: 1337 } as any, 'runAsUser: must not be 1337'],
      [
        { cloudIdentity: { provider: 'azure' } as any },
        'cloudIdentity.provider: provider must be "gke", "eks" or "none"',
      ],
      [
        {
          callers: [
            { name: 'frontend', namespace: 'online-boutique', ports: [] },
            { name: 'frontend', namespace: 'online-boutique', ports: [] },
          ],
        },
        'callers[1]: lists online-boutique/frontend twice',
      ],
    ];
    for (const [overrides, message] of cases) {
      expect(
        expectInputError(boutiqueSpec('cartservice', overrides)).message,
      ).toContain(message);
    }
  });

  it.each([null, undefined, 42, 'name: x', [], {}])(
    'refuses %p as a spec',
    input => {
      expect(expectInputError(input).message).toMatch(/^Invalid ServiceSpec/);
    },
  );
});
