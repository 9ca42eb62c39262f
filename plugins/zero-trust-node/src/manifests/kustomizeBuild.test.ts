import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import YAML from 'yaml';
import { checkManifests, renderManifestFolder } from '../policy';
import { generateManifests, GeneratedManifests } from './generateManifests';
import { ManifestObject } from './objectMeta';
import { ENVIRONMENTS } from './ServiceSpec';
import {
  ONLINE_BOUTIQUE_SERVICES,
  boutiqueSpec,
} from './__fixtures__/onlineBoutique';

const run = promisify(execFile);

/** The kustomize scripts/go-tools.sh installs, or one on PATH. */
function findKustomize(): string | undefined {
  const cache =
    process.env.ZT_CACHE_DIR ??
    path.join(
      process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
      'zero-trust-backstage',
    );
  const candidates = [
    path.join(cache, 'go-bin', 'kustomize'),
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .map(dir => path.join(dir, 'kustomize')),
  ];
  return candidates.find(file => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const KUSTOMIZE = findKustomize();

/** Never skips: without kustomize the test fails and says how to get it. */
function requireKustomize(): string {
  if (!KUSTOMIZE) {
    throw new Error(
      'kustomize was not found in the Go tools cache or on PATH: run scripts/go-tools.sh, which installs the pinned kustomize v5',
    );
  }
  return KUSTOMIZE;
}

const key = (o: ManifestObject) =>
  `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
const byKey = (objects: ManifestObject[]) =>
  [...objects].sort((a, b) => key(a).localeCompare(key(b)));

const variants: [string, GeneratedManifests][] = [
  ...ONLINE_BOUTIQUE_SERVICES.map(
    name =>
      [name, generateManifests(boutiqueSpec(name))] as [
        string,
        GeneratedManifests,
      ],
  ),
  [
    'cartservice (sidecar)',
    generateManifests(
      boutiqueSpec('cartservice', { mesh: { mode: 'sidecar' } }),
    ),
  ],
  [
    'paymentservice (canary, EKS, ambient L4)',
    generateManifests(
      boutiqueSpec('paymentservice', {
        canary: { enabled: true },
        mesh: { mode: 'ambient', waypoint: false },
        cloudIdentity: {
          provider: 'eks',
          roleArn: 'arn:aws:iam::123456789012:role/payment',
        },
      }),
    ),
  ],
];

// ServiceAccount, two NetworkPolicies (+ the waypoint's), PeerAuthentication, AuthorizationPolicy
// (+ waypoint Gateway and the L4 policy), Service, workload, plus ExternalSecrets/AnalysisTemplate,
// in dev (1 replica); stage and prod (2 and 3 replicas) add a PodDisruptionBudget.
const EXPECTED_COUNTS: Record<string, number> = {
  loadgenerator: 6,
  cartservice: 11,
  checkoutservice: 11,
  emailservice: 11,
  'cartservice (sidecar)': 8,
};

describe('kustomize build of the generated overlays', () => {
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-kustomize-'));
  });

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('has a kustomize binary', () => {
    expect(requireKustomize).not.toThrow();
  });

  it.each(variants)(
    '%s: every overlay builds to exactly the rendered objects',
    async (label, generated) => {
      const kustomize = requireKustomize();
      const dir = path.join(root, label.replace(/[^a-z0-9]+/g, '-'));
      for (const [file, text] of Object.entries(generated.files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
      }
      for (const env of ENVIRONMENTS) {
        const { stdout } = await run(
          kustomize,
          ['build', path.join(dir, 'overlays', env)],
          {
            maxBuffer: 16 * 1024 * 1024,
          },
        );
        const built = YAML.parseAllDocuments(stdout).map(d =>
          d.toJS(),
        ) as ManifestObject[];
        expect(built).toHaveLength(generated.rendered[env].length);
        const expected = EXPECTED_COUNTS[label];
        expect(built).toHaveLength(
          expected ? expected + (env === 'dev' ? 0 : 1) : built.length,
        );
        expect(byKey(built)).toEqual(byKey(generated.rendered[env]));
        expect(checkManifests(built)).toEqual([]);
      }
      // The renderer behind `rendered` and the validate action, on the tree as written to disk.
      const ours = renderManifestFolder(dir);
      expect(ours.map(b => b.root).sort()).toEqual(
        ENVIRONMENTS.map(env => `overlays/${env}`).sort(),
      );
      for (const build of ours) {
        const env = build.root.split('/')[1] as (typeof ENVIRONMENTS)[number];
        expect(byKey(build.objects as ManifestObject[])).toEqual(
          byKey(generated.rendered[env]),
        );
      }
    },
  );
});
