import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Entity } from '@backstage/catalog-model';
import { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import { ProvenanceDetails } from '@zero-trust-k8s/plugin-zero-trust-common';
import { kubeRequest, useTestCluster } from '@zero-trust-k8s/test-cluster';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { eventually } from '../__testUtils__/FakeApiServer';
import { ClusterRegistry } from '../service/ClusterRegistry';
import { PostureService } from '../service/PostureService';
import {
  DEFAULT_LIVE_CLUSTER_OPTIONS,
  LiveClusterSource,
} from '../sources/LiveClusterSource';

jest.setTimeout(300_000);

// Test data next to the repository's scripts, read by tests only.
// eslint-disable-next-line no-restricted-syntax
const REPO_ROOT = path.resolve(__dirname, '../../../..');
const NAMESPACE = 'ledger';
const SOURCE = 'https://github.com/example/ledger';

/** What tools/oci-fixture prints once its registry holds the images. */
interface Fixture {
  registry: string;
  publicKey: string;
  signed: { ref: string; digest: string; attestations: string[] };
  unsigned: { ref: string; digest: string };
}

/**
 * The oci-fixture tool from the Go tools' cache (scripts/go-tools.sh builds it); a missing build
 * fails with the command that makes it.
 */
async function startFixture(): Promise<{
  fixture: Fixture;
  child: ChildProcess;
}> {
  const binDir = await new Promise<string>((resolve, reject) =>
    execFile(
      'bash',
      [path.join(REPO_ROOT, 'scripts/go-tools.sh')],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          ZT_GO_TOOLS: 'oci-fixture',
          ZT_GO_TOOLS_CHECK: '1',
        },
      },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(
                `oci-fixture is not built; run \`ZT_GO_TOOLS=oci-fixture scripts/go-tools.sh\` (needs Go 1.26+).\n${stderr}`,
              ),
            )
          : resolve(stdout.trim()),
    ),
  );
  const child = spawn(
    path.join(binDir, 'oci-fixture'),
    ['--source-repo', SOURCE],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const fixture = await new Promise<Fixture>((resolve, reject) => {
    child.once('exit', code =>
      reject(new Error(`oci-fixture exited with ${code} before it was ready`)),
    );
    readline
      .createInterface({ input: child.stdout! })
      .once('line', line => resolve(JSON.parse(line)));
  });
  child.removeAllListeners('exit');
  return { fixture, child };
}

/**
 * The ClusterPolicy a platform verifies its images with (the shape of
 * templates/zero-trust-platform's verify-image-provenance, with the fixture's key instead of a
 * keyless identity, as no OIDC issuer signs here): the signature, a CycloneDX SBOM and an SLSA
 * provenance whose source is the service's repository, all by the key. The key is checked
 * offline: no transparency log (rekor.ignoreTlog) nor certificate log (ctlog.ignoreSCT), as
 * Kyverno v1.19's imageverifier.go `buildCosignVerifier` reads them for keys.
 */
function verifyPolicy(fixture: Fixture, failureAction: 'Enforce' | 'Audit') {
  const entries = [
    {
      keys: {
        publicKeys: fixture.publicKey,
        rekor: { ignoreTlog: true, url: 'https://rekor.sigstore.dev' },
        ctlog: { ignoreSCT: true },
      },
    },
  ];
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: 'verify-image-provenance',
      annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' },
    },
    spec: {
      webhookTimeoutSeconds: 30,
      background: true,
      rules: [
        {
          name: 'verify-signature-and-provenance',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          verifyImages: [
            {
              imageReferences: [`${fixture.registry}/zt/*`],
              failureAction,
              // Kyverno refuses mutateDigest in Audit mode (api/kyverno/v1/
              // image_verification_types.go `Validate`); in Enforce it is on by default.
              mutateDigest: failureAction === 'Enforce',
              attestors: [{ entries }],
              attestations: [
                { type: 'https://cyclonedx.org/bom', attestors: [{ entries }] },
                {
                  type: 'https://slsa.dev/provenance/v0.2',
                  attestors: [{ entries }],
                  // The branch, or a v* release tag, as the template generates it.
                  conditions: [
                    {
                      any: [
                        {
                          key: '{{ invocation.configSource.uri }}',
                          operator: 'Equals',
                          value: `git+${SOURCE}@refs/heads/main`,
                        },
                        {
                          key: '{{ invocation.configSource.uri }}',
                          operator: 'Equals',
                          value: `git+${SOURCE}@refs/tags/v*`,
                        },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  };
}

function pod(name: string, image: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: { app: name } },
    spec: {
      containers: [{ name: 'server', image }],
      tolerations: [{ operator: 'Exists' }],
    },
  };
}

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-label-selector': `app=${name}`,
      'backstage.io/kubernetes-namespace': NAMESPACE,
      'backstage.io/source-location': `url:${SOURCE}/tree/main/`,
    },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'test' },
});

// A local registry holding an image signed and attested with cosign (tools/oci-fixture), the
// real Kyverno in front of a real API server verifying it at admission: the signed image is
// admitted and annotated, the unsigned one denied in Enforce mode and admitted but reported in
// Audit mode, and the backend's provenance control says which digest is verified.
describe('image provenance through real Kyverno verifyImages', () => {
  const cluster = useTestCluster({
    producers: ['kwok', 'kyverno'],
    apply: [path.join(REPO_ROOT, 'examples/rbac')],
  });
  let fixture: Fixture;
  let registry: ChildProcess | undefined;

  beforeAll(async () => {
    ({ fixture, child: registry } = await startFixture());
    await cluster().apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE },
    });
  });
  afterAll(() => {
    registry?.stdin?.end();
  });

  async function applyPolicy(failureAction: 'Enforce' | 'Audit') {
    await cluster().apply(
      verifyPolicy(fixture, failureAction) as KubernetesObject,
    );
    const custom = cluster().kubeConfig().makeApiClient(CustomObjectsApi);
    await eventually(
      async () => {
        const policy = (await custom.getClusterCustomObject({
          group: 'kyverno.io',
          version: 'v1',
          plural: 'clusterpolicies',
          name: 'verify-image-provenance',
        })) as any;
        const rule = policy.spec.rules[0].verifyImages[0];
        expect(rule.failureAction).toBe(failureAction);
        expect(
          policy.status?.conditions?.find((c: any) => c.type === 'Ready')
            ?.status,
        ).toBe('True');
      },
      120_000,
      1000,
    );
  }

  const create = (name: string, image: string) =>
    kubeRequest(
      cluster().kubeConfig(),
      'POST',
      `/api/v1/namespaces/${NAMESPACE}/pods`,
      pod(name, image),
    );

  async function provenanceOf(names: string[]) {
    const kc = await cluster().kubeConfigFor(
      'backstage',
      'zero-trust-backstage',
    );
    const live = new LiveClusterSource('e2e', kc, {
      ...DEFAULT_LIVE_CLUSTER_OPTIONS,
      recheckMs: 500,
    });
    await live.start();
    const posture = new PostureService(
      new ClusterRegistry([live]),
      catalogServiceMock({ entities: names.map(entity) }),
    );
    return {
      of: async (name: string) =>
        (
          await posture.postureOf(entity(name), mockCredentials.user())
        ).controls.find(c => c.control === 'provenance')!,
      stop: () => live.stop(),
    };
  }

  it('admits the signed image, pinned to its digest, with Kyverno’s verify-images annotation; denies the unsigned one in Enforce mode', async () => {
    await applyPolicy('Enforce');
    const admitted = await create('ledger', fixture.signed.ref);
    expect(admitted.status).toBe(201);
    const created = JSON.parse(admitted.body);
    const name = fixture.signed.ref.replace(/:v1$/, '');
    // Kyverno's mutateDigest (default true) pins the tag to the digest it verified.
    expect(created.spec.containers[0].image).toBe(
      `${fixture.signed.ref}@${fixture.signed.digest}`,
    );
    expect(
      JSON.parse(created.metadata.annotations['kyverno.io/verify-images']),
    ).toEqual({ [`${name}@${fixture.signed.digest}`]: 'pass' });

    const denied = await create('unsigned', fixture.unsigned.ref);
    expect(denied.status).toBe(400);
    expect(denied.body).toContain('verify-image-provenance');
    expect(denied.body).toContain('verify-signature-and-provenance');
  });

  it('shows the signed digest verified by the key, with its SBOM and SLSA provenance from the entity’s repository', async () => {
    const backend = await provenanceOf(['ledger']);
    try {
      await eventually(
        async () => {
          const result = await backend.of('ledger');
          expect(result.status).toBe('pass');
          const [image] = (result.details as ProvenanceDetails).images;
          expect(image).toMatchObject({
            digest: fixture.signed.digest,
            verified: true,
            verification: 'verified',
            failureAction: 'Enforce',
            sbom: true,
            slsaProvenance: true,
            sourceRepositories: [SOURCE],
            signers: [expect.objectContaining({ kind: 'key' })],
          });
        },
        60_000,
        1000,
      );
    } finally {
      await backend.stop();
    }
  });

  it('admits the unsigned image in Audit mode, annotated and reported as failed, and the backend fails it', async () => {
    await applyPolicy('Audit');
    // By digest: in Audit mode Kyverno does not pin tags, and KWOK's pods report no imageID.
    const unsigned = `${fixture.unsigned.ref}@${fixture.unsigned.digest}`;
    const admitted = await create('unsigned', unsigned);
    expect(admitted.status).toBe(201);
    const annotations = JSON.parse(admitted.body).metadata.annotations;
    expect(JSON.parse(annotations['kyverno.io/verify-images'])).toEqual({
      [`${fixture.unsigned.ref.replace(/:v1$/, '')}@${
        fixture.unsigned.digest
      }`]: 'fail',
    });

    const backend = await provenanceOf(['ledger', 'unsigned']);
    try {
      // Kyverno's reports controller turns the admission result into the pod's PolicyReport.
      await eventually(
        async () => {
          const result = await backend.of('unsigned');
          expect(result.status).toBe('fail');
          expect(result.evidence.map(e => e.kind)).toContain('PolicyReport');
          const [image] = (result.details as ProvenanceDetails).images;
          expect(image).toMatchObject({
            digest: fixture.unsigned.digest,
            verified: false,
            verification: 'failed',
            failureAction: 'Audit',
          });
          expect(image.reason).toContain(
            'verify-image-provenance/verify-signature-and-provenance is in Audit mode',
          );
        },
        180_000,
        1000,
      );
      // The signed image is still verified, but an Audit rule would have let anything run.
      const signed = await backend.of('ledger');
      expect(signed.status).toBe('warn');
      expect(signed.summary).toContain('is in Audit mode');
    } finally {
      await backend.stop();
    }
  });
});
