import fc from 'fast-check';
import path from 'path';
import YAML from 'yaml';
import { InputError } from '@backstage/errors';
import { checkManifests } from '../policy';
import { generateManifests } from './generateManifests';
import { TREE_RECORD_FILE, parseTreeRecord } from './treeRecord';
import { ENVIRONMENTS, ServiceSpecInput } from './ServiceSpec';

const dnsLabel = (max = 20) =>
  fc.stringMatching(new RegExp(`^[a-z]([a-z0-9-]{0,${max - 2}}[a-z0-9])?$`));

const ISTIO_PORTS = [15001, 15006, 15008, 15020, 15021, 15090];
const port = fc
  .integer({ min: 1, max: 65535 })
  .filter(p => !ISTIO_PORTS.includes(p));

const peer = fc.record({
  name: dnsLabel(),
  namespace: dnsLabel(),
  serviceAccount: fc.option(dnsLabel(), { nil: undefined }),
  ports: fc.uniqueArray(
    fc.record({
      port,
      protocol: fc.constantFrom(
        'grpc' as const,
        'http' as const,
        'tcp' as const,
      ),
    }),
    { selector: p => p.port, minLength: 1, maxLength: 3 },
  ),
  grpcPaths: fc.array(
    fc.stringMatching(
      /^\/[a-z]{1,8}\.[A-Z][a-zA-Z]{0,10}\/([A-Z][a-zA-Z]{0,10}|\*)$/,
    ),
    {
      maxLength: 3,
    },
  ),
  httpMethods: fc.uniqueArray(
    fc.constantFrom('GET' as const, 'POST' as const, 'DELETE' as const),
    {
      maxLength: 3,
    },
  ),
  httpPaths: fc.array(
    fc.stringMatching(/^\/[a-z0-9_-]{0,10}(\/[a-z0-9_-]{1,10}){0,2}\*?$/),
    {
      maxLength: 2,
    },
  ),
});

const peers = fc.uniqueArray(peer, {
  selector: p => `${p.namespace}/${p.name}`,
  maxLength: 4,
});

const resources = fc.record({
  requests: fc.record({
    cpu: fc.integer({ min: 10, max: 500 }).map(m => `${m}m`),
    memory: fc.integer({ min: 16, max: 256 }).map(m => `${m}Mi`),
  }),
  limits: fc.record({
    cpu: fc.integer({ min: 500, max: 4000 }).map(m => `${m}m`),
    memory: fc.integer({ min: 256, max: 4096 }).map(m => `${m}Mi`),
  }),
});

const environment = fc.record(
  {
    replicas: fc.integer({ min: 0, max: 10 }),
    resources,
    image: fc.oneof(
      fc.constant({}),
      fc.record({
        tag: fc.stringMatching(/^v[0-9]{1,3}\.[0-9]{1,3}(-[a-z0-9]{1,8})?$/),
      }),
      fc.record({
        digest: fc.stringMatching(/^[a-f0-9]{64}$/).map(h => `sha256:${h}`),
      }),
    ),
  },
  { requiredKeys: [] },
);

/** Valid ServiceSpecs: every field drawn from its allowed grammar, cross-field rules respected. */
const validSpec: fc.Arbitrary<ServiceSpecInput> = fc
  .record({
    name: dnsLabel(30),
    namespace: dnsLabel(),
    owner: fc.constantFrom(
      'group:default/team-a',
      'user:default/jane',
      'team-b',
    ),
    system: fc.option(dnsLabel(), { nil: undefined }),
    language: fc.constantFrom('go' as const, 'node' as const),
    ports: fc.uniqueArray(
      fc.record({
        port,
        protocol: fc.constantFrom('grpc' as const, 'http' as const),
      }),
      { selector: p => p.port, maxLength: 3 },
    ),
    callers: peers,
    callees: peers,
    egressFqdns: fc.uniqueArray(
      fc.stringMatching(/^(\*\.)?([a-z0-9]{1,10}\.){1,3}[a-z]{2,6}$/),
      { maxLength: 4 },
    ),
    externalSecrets: fc.uniqueArray(
      fc.record(
        {
          name: dnsLabel(),
          remoteKey: fc.stringMatching(
            /^[a-z0-9]{1,10}(\/[a-z0-9_-]{1,10}){0,3}$/,
          ),
          property: fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,10}$/),
        },
        { requiredKeys: ['name', 'remoteKey'] },
      ),
      { selector: s => s.name, maxLength: 3 },
    ),
    mesh: fc.record({
      mode: fc.constantFrom('sidecar' as const, 'ambient' as const),
      waypoint: fc.boolean(),
    }),
    cloudIdentity: fc.constantFrom(
      { provider: 'none' as const },
      {
        provider: 'gke' as const,
        gcpServiceAccount: 'svc-account@my-project.iam.gserviceaccount.com',
      },
      {
        provider: 'eks' as const,
        roleArn: 'arn:aws:iam::123456789012:role/app',
      },
    ),
    environments: fc.record({
      dev: environment,
      stage: environment,
      prod: environment,
    }),
    canary: fc.record({ enabled: fc.boolean() }),
    runAsUser: fc.integer({ min: 1, max: 100000 }).filter(u => u !== 1337),
  })
  .map(s => {
    const hasGrpc = s.ports.some(p => p.protocol === 'grpc');
    const hasHttp = s.ports.some(p => p.protocol === 'http');
    return {
      ...s,
      image: {
        repository: `registry.example.com/apps/${s.name}`,
        tag: '1.0.0',
      },
      // Only callers of a service with ports, and only rules for protocols it serves.
      callers: s.ports.length
        ? s.callers.map(c => ({
            ...c,
            grpcPaths: hasGrpc ? c.grpcPaths : [],
            httpMethods: hasHttp ? c.httpMethods : [],
            httpPaths: hasHttp ? c.httpPaths : [],
          }))
        : [],
      gitops: {
        repoURL: 'https://git.example.com/org/gitops.git',
        path: `apps/${s.name}`,
      },
    };
  });

const TREE =
  /^(base|overlays\/(dev|stage|prod)|argocd)\/[a-z0-9][a-z0-9.-]*\.yaml$/;

function expectInsideTree(files: Record<string, string>) {
  for (const file of Object.keys(files)) {
    // The record of what produced the tree is its one file at the root.
    if (file !== TREE_RECORD_FILE) {
      expect(file).toMatch(TREE);
    }
    expect(path.posix.normalize(file)).toBe(file);
    expect(path.posix.isAbsolute(file)).toBe(false);
  }
}

describe('generateManifests properties', () => {
  it('turns every valid spec into violation-free manifests inside the tree', () => {
    fc.assert(
      fc.property(validSpec, spec => {
        const result = generateManifests(spec);
        expectInsideTree(result.files);
        // The recorded spec reads back as the spec it was generated from, so an upgrade
        // regenerates the same service.
        expect(parseTreeRecord(result.files[TREE_RECORD_FILE]).spec).toEqual(
          result.spec,
        );
        for (const env of ENVIRONMENTS) {
          expect(checkManifests(result.rendered[env])).toEqual([]);
        }
        // Every object file of base/ and of the overlay (its PodDisruptionBudget) is rendered.
        const written = Object.entries(result.files)
          .filter(
            ([f]) =>
              (f.startsWith('base/') || f.startsWith('overlays/dev/')) &&
              !f.endsWith('/kustomization.yaml') &&
              !f.endsWith('/workload-patch.yaml'),
          )
          .map(([, text]) => YAML.parse(text));
        expect(written.length).toBe(result.rendered.dev.length);
      }),
      { numRuns: 100 },
    );
  });

  const STRING_FIELDS: [string, (spec: any, value: string) => void][] = [
    ['name', (s, v) => (s.name = v)],
    ['namespace', (s, v) => (s.namespace = v)],
    ['owner', (s, v) => (s.owner = v)],
    ['system', (s, v) => (s.system = v)],
    ['image.repository', (s, v) => (s.image.repository = v)],
    ['image.tag', (s, v) => (s.image.tag = v)],
    ['healthCheckPath', (s, v) => (s.healthCheckPath = v)],
    [
      'ports[].name',
      (s, v) => (s.ports = [{ name: v, port: 8080, protocol: 'http' }]),
    ],
    [
      'callees[].name',
      (s, v) =>
        (s.callees = [
          { name: v, namespace: 'x', ports: [{ port: 1, protocol: 'tcp' }] },
        ]),
    ],
    [
      'callees[].namespace',
      (s, v) =>
        (s.callees = [
          { name: 'x', namespace: v, ports: [{ port: 1, protocol: 'tcp' }] },
        ]),
    ],
    ['egressFqdns[]', (s, v) => (s.egressFqdns = [v])],
    [
      'externalSecrets[].name',
      (s, v) => (s.externalSecrets = [{ name: v, remoteKey: 'k' }]),
    ],
    [
      'externalSecrets[].remoteKey',
      (s, v) => (s.externalSecrets = [{ name: 'k', remoteKey: v }]),
    ],
    ['secretStore', (s, v) => (s.secretStore = v)],
    [
      'environments.dev.image.tag',
      (s, v) => (s.environments = { dev: { image: { tag: v } } }),
    ],
    ['gitops.path', (s, v) => (s.gitops.path = v)],
    ['gitops.repoURL', (s, v) => (s.gitops.repoURL = v)],
    ['gitops.targetRevision', (s, v) => (s.gitops.targetRevision = v)],
  ];

  it.each(STRING_FIELDS)(
    'arbitrary strings in %s never yield a file outside the tree',
    (_field, set) => {
      fc.assert(
        fc.property(
          validSpec,
          fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 40 }),
            fc.constantFrom(
              '..',
              '../x',
              '/etc/passwd',
              'a/../../b',
              'x\n---\nkind: Secret',
              '$(id)',
              '`id`',
              'a: b',
              '"q"',
            ),
          ),
          (spec, value) => {
            const attacked = structuredClone(spec);
            set(attacked, value);
            let outcome: { files: Record<string, string> } | { error: unknown };
            try {
              outcome = { files: generateManifests(attacked).files };
            } catch (error) {
              outcome = { error };
            }
            // Either a clear InputError, or files that all stay inside the tree.
            const unexpected =
              'error' in outcome && !(outcome.error instanceof InputError)
                ? String(outcome.error)
                : undefined;
            expect(unexpected).toBeUndefined();
            expectInsideTree('files' in outcome ? outcome.files : {});
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it('answers arbitrary JSON with an InputError, never a crash', () => {
    fc.assert(
      fc.property(fc.anything(), input => {
        expect(() => generateManifests(input)).toThrow(InputError);
      }),
      { numRuns: 200 },
    );
  });
});
