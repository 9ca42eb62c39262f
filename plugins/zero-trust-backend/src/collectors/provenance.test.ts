import { contextFor, obj } from '../__testUtils__/clusters';
import { KubeObject } from '../sources/types';
import { loadUpstream } from './__fixtures__/upstream/load';
import { collectProvenance } from './provenance';
import {
  attestationKind,
  imageVerificationRules,
  normalizeRepository,
  podImageVerification,
  regExpRepository,
  signerRepository,
  wildcardMatch,
} from './lib/kyvernoImageVerification';

// Kyverno's own conformance test data (v1.19.0, cited in each fixture file): policies, the pods
// they admitted with the annotation Kyverno wrote, and the PolicyReport of a background scan.
const [keylessPolicy, zuluPod] = loadUpstream('kyverno/keyless-enforce.yaml');
const [keyedAuditPolicy, auditPod] = loadUpstream('kyverno/keyed-audit.yaml');
const [auditReportList] = loadUpstream('kyverno/keyed-audit-report.yaml');
const [slsaPolicy, slsaPod] = loadUpstream(
  'kyverno/keyless-slsa-attestation.yaml',
);
const [bundlePolicy] = loadUpstream('kyverno/sigstore-bundle-slsa-v1.yaml');
const ZULU_DIGEST =
  'sha256:476b21f1a75dc90fac3579ee757f4607bb5546f476195cf645c54badf558c0db';

/** An upstream pod, labelled so the entity's selector finds it, with a uid and a phase. */
function labelled(pod: KubeObject, annotations?: Record<string, string>) {
  const copy = structuredClone(pod);
  copy.metadata.labels = { app: 'web' };
  copy.metadata.uid = `uid-${copy.metadata.name}`;
  if (annotations) copy.metadata.annotations = annotations;
  (copy as any).status = { phase: 'Running' };
  return copy;
}

const run = (
  objects: KubeObject[],
  options: Parameters<typeof contextFor>[1] & { sourceLocation?: string } = {},
) =>
  collectProvenance({
    ...contextFor(objects, options),
    sourceLocation: options.sourceLocation,
  });

// The keyless identity templates/zero-trust-platform generates (policies/kyverno/
// verify-image-provenance.yaml, rendered for acme-shop/cart.service, workflow ci.yaml, branch
// main): the workflow at the branch or at a v* tag, anchored and regex-escaped.
const TEMPLATE_SUBJECT_REGEXP =
  '^https://github\\.com/acme-shop/cart\\.service/\\.github/workflows/ci\\.yaml@refs/(?:heads/main|tags/v[^/]*)$';
const CART = 'https://github.com/acme-shop/cart.service';

/** The verify-image-provenance policy that template generates, for the zulu image. */
function templatePolicy(sources: string[]) {
  const attestors = [
    {
      entries: [
        {
          keyless: {
            issuer: 'https://token.actions.githubusercontent.com',
            subjectRegExp: TEMPLATE_SUBJECT_REGEXP,
            rekor: { url: 'https://rekor.sigstore.dev' },
          },
        },
      ],
    },
  ];
  return obj(
    'kyverno.io/v1',
    'ClusterPolicy',
    'verify-image-provenance',
    undefined,
    {
      spec: {
        rules: [
          {
            name: 'verify-signature-and-provenance',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            verifyImages: [
              {
                imageReferences: [
                  'ghcr.io/kyverno/zulu:*',
                  'ghcr.io/kyverno/zulu@*',
                ],
                failureAction: 'Enforce',
                attestors,
                attestations: [
                  { type: 'https://cyclonedx.org/bom', attestors },
                  {
                    type: 'https://slsa.dev/provenance/v0.2',
                    attestors,
                    conditions: [
                      {
                        any: sources.map(value => ({
                          key: '{{ invocation.configSource.uri }}',
                          operator: 'Equals',
                          value,
                        })),
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    },
  );
}

describe('kyvernoImageVerification', () => {
  it('reads the verify-images annotation Kyverno wrote, and refuses what Kyverno would not parse', () => {
    expect(podImageVerification(zuluPod)!.images).toEqual(
      new Map([[`ghcr.io/kyverno/zulu@${ZULU_DIGEST}`, 'pass']]),
    );
    expect(podImageVerification(auditPod)).toBeUndefined();
    const broken = podImageVerification(
      labelled(zuluPod, {
        'kyverno.io/verify-images': '{not json',
        'kyverno.io/verify-images-scoped': '{"version":2,"policies":{}}',
      }),
    )!;
    expect(broken.images.size).toBe(0);
    expect(broken.problems).toEqual([
      'annotation kyverno.io/verify-images is not a JSON object',
      'annotation kyverno.io/verify-images-scoped has version 2, not 1',
    ]);
    expect(
      podImageVerification(
        labelled(zuluPod, { 'kyverno.io/verify-images': '{"a":"maybe"}' }),
      )!.problems,
    ).toEqual([
      'annotation kyverno.io/verify-images: outcome "maybe" of a is not pass, fail or skip',
    ]);
  });

  it('reads verifyImages rules: signers, failure action, attestations and pinned sources', () => {
    const [keyless] = imageVerificationRules([keylessPolicy]);
    expect(keyless).toMatchObject({
      policy: 'keyless-mutatedigest-verifydigest-required',
      policyKey: '/keyless-mutatedigest-verifydigest-required',
      rule: 'check-builder-id-keyless',
      imageReferences: ['ghcr.io/kyverno/zulu:*'],
      failureAction: 'Enforce',
      required: true,
      signers: [
        {
          kind: 'keyless',
          issuer: 'https://token.actions.githubusercontent.com',
          subject:
            'https://github.com/chipzoller/zulu/.github/workflows/slsa-generic-keyless.yaml@refs/tags/v*',
        },
      ],
      attestations: [],
    });
    const [keyed] = imageVerificationRules([keyedAuditPolicy]);
    expect(keyed.failureAction).toBe('Audit');
    expect(keyed.signers[0]).toMatchObject({ kind: 'key' });
    expect(keyed.signers[0].key).toMatch(/^public key MFkwEwYH…[0-9a-f]{8}$/);
    const [slsa] = imageVerificationRules([slsaPolicy]);
    // No failureAction on the policy: Kyverno audits.
    expect(slsa.attestations).toEqual([
      {
        type: 'https://slsa.dev/provenance/v0.2',
        kind: 'slsa-provenance',
        signers: [
          {
            kind: 'keyless',
            issuer: '/https://token\\.actions\\.githubusercontent.+/',
            subject:
              '/https://github\\.com/slsa-framework/slsa-github-generator/\\.github/workflows/generator_container_slsa3\\.yml@.+/',
          },
        ],
        sourceRepositories: [],
      },
    ]);
    // The deprecated spec.validationFailureAction still decides when the entry sets none.
    const [bundle] = imageVerificationRules([bundlePolicy]);
    expect(bundle.failureAction).toBe('Enforce');
    expect(bundle.attestations[0].kind).toBe('slsa-provenance');
    expect(
      imageVerificationRules([
        obj('kyverno.io/v1', 'ClusterPolicy', 'x', undefined, {
          spec: { rules: 'nope' },
        }),
      ]),
    ).toEqual([]);
  });

  it('matches images and repositories as Kyverno and Backstage write them', () => {
    expect(
      wildcardMatch('ghcr.io/kyverno/zulu:*', 'ghcr.io/kyverno/zulu:v0.0.14'),
    ).toBe(true);
    expect(
      wildcardMatch('ghcr.io/kyverno/zulu:*', 'ghcr.io/kyverno/zulux:v1'),
    ).toBe(false);
    expect(
      wildcardMatch('127.0.0.1:*/zt/*', '127.0.0.1:5000/zt/ledger@sha256:ab'),
    ).toBe(true);
    expect(normalizeRepository('url:https://GitHub.com/o/r/tree/main/')).toBe(
      'https://github.com/o/r',
    );
    expect(
      normalizeRepository('git+https://github.com/o/r.git@refs/heads/main'),
    ).toBe('https://github.com/o/r');
    expect(
      normalizeRepository(
        'https://github.com/o/r/.github/workflows/ci.yaml@refs/heads/main',
      ),
    ).toBe('https://github.com/o/r');
    expect(normalizeRepository('not a url')).toBeUndefined();
    expect(
      signerRepository({
        kind: 'keyless',
        subject:
          'https://github.com/acme/*/.github/workflows/ci.yaml@refs/heads/main',
      }),
    ).toBeUndefined();
    expect(
      signerRepository({
        kind: 'keyless',
        subject:
          'https://github.com/acme/cart/.github/workflows/ci.yaml@refs/tags/v*',
      }),
    ).toBe('https://github.com/acme/cart');
    expect(attestationKind('https://cyclonedx.org/bom')).toBe('sbom');
    expect(attestationKind('https://slsa.dev/provenance/v1')).toBe(
      'slsa-provenance',
    );
    expect(attestationKind('https://example.com/custom')).toBe('other');
  });
  it('names the repository an anchored subjectRegExp pins, and none for a regexp that may admit another', () => {
    expect(regExpRepository(TEMPLATE_SUBJECT_REGEXP)).toBe(CART);
    expect(
      regExpRepository(
        '^https://github\\.com/acme/cart/\\.github/workflows/.+',
      ),
    ).toBe('https://github.com/acme/cart');
    // A | inside a class or group after the workflow path does not widen the repository.
    expect(
      regExpRepository(
        '^https://github\\.com/acme/cart/\\.github/workflows/(ci|cd)[|]\\.yaml$',
      ),
    ).toBe('https://github.com/acme/cart');
    for (const wider of [
      // Kyverno's own shapes (v1.19.1 test/conformance/chainsaw/verify-images/clusterpolicy/
      // standard/sigstore-attestation-verification-regexp/policy.yaml, and the
      // keyless-attestation-regexp one below): unanchored, so any SAN containing it matches.
      'https://github.com/vishal-chdhry/artifact-attestation-example/.github/workflows/.+',
      '.*@refs/heads/main',
      // Anchored, but an unescaped dot admits githubXcom.
      '^https://github.com/acme/cart/.github/workflows/ci.yaml',
      // A top-level alternative admits anything.
      '^https://github\\.com/acme/cart/\\.github/workflows/ci\\.yaml$|.*',
      // The repository itself is a pattern: a group, a quantifier, a class escape.
      '^https://github\\.com/acme/(cart|evil)/\\.github/workflows/ci\\.yaml',
      '^https://github\\.com/acme/carts?/\\.github/workflows/ci\\.yaml',
      '^https://github\\.com/acme/cart\\w*/\\.github/workflows/ci\\.yaml',
      '^https://github\\.com/acme/cart[0-9]/\\.github/workflows/ci\\.yaml',
      // Flags before ^ (case-insensitive), and a path that is not owner/name.
      '(?i)^https://github\\.com/acme/cart/\\.github/workflows/ci\\.yaml',
      '^https://github\\.com/acme/cart/x/\\.github/workflows/ci\\.yaml',
      '^https://github\\.com/acme/\\.github/workflows/ci\\.yaml',
      // Unbalanced: Go would not compile it.
      '^https://github\\.com/acme/cart/\\.github/workflows/(ci\\.yaml',
      '^',
    ]) {
      expect([wider, regExpRepository(wider)]).toEqual([wider, undefined]);
    }
    // Kyverno's keyless-attestation-regexp policy, as read from its own test data.
    const [slsa] = imageVerificationRules([slsaPolicy]);
    expect(signerRepository(slsa.attestations[0].signers[0])).toBeUndefined();
  });

  it('reads the template’s subjectRegExp identities and the v* tag source, conservatively', () => {
    const [rule] = imageVerificationRules([
      templatePolicy([
        `git+${CART}@refs/heads/main`,
        `git+${CART}@refs/tags/v*`,
      ]),
    ]);
    expect(rule.signers).toEqual([
      {
        kind: 'keyless',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: `/${TEMPLATE_SUBJECT_REGEXP}/`,
      },
    ]);
    expect(signerRepository(rule.signers[0])).toBe(CART);
    expect(rule.attestations.map(a => a.sourceRepositories)).toEqual([
      [],
      [CART],
    ]);
    const sources = (conditions: unknown[]) =>
      imageVerificationRules([
        obj('kyverno.io/v1', 'ClusterPolicy', 'p', undefined, {
          spec: {
            rules: [
              {
                name: 'r',
                verifyImages: [
                  {
                    imageReferences: ['*'],
                    attestations: [
                      { type: 'https://slsa.dev/provenance/v0.2', conditions },
                    ],
                  },
                ],
              },
            ],
          },
        }),
      ])[0].attestations[0].sourceRepositories;
    const uri = (value: string, key = '{{ invocation.configSource.uri }}') => ({
      key,
      operator: 'Equals',
      value,
    });
    // An `any` whose other condition is not about the source pins nothing.
    expect(
      sources([
        {
          any: [
            uri(`git+${CART}@refs/heads/main`),
            uri('https://github.com/x', '{{ builder.id }}'),
          ],
        },
      ]),
    ).toEqual([]);
    // A Kyverno wildcard in the repository names none; one in the ref is fine.
    expect(
      sources([
        { all: [uri('git+https://github.com/acme-shop/*@refs/heads/main')] },
      ]),
    ).toEqual([]);
    expect(
      sources([
        {
          all: [
            uri('https://github.com/x', '{{ builder.id }}'),
            uri(`git+${CART}@refs/tags/v*`),
          ],
        },
      ]),
    ).toEqual([CART]);
    // A subject and a subjectRegExp together are alternatives: both must name the repository.
    const both = (subjectRegExp: string) =>
      imageVerificationRules([
        obj('kyverno.io/v1', 'ClusterPolicy', 'p', undefined, {
          spec: {
            rules: [
              {
                name: 'r',
                verifyImages: [
                  {
                    imageReferences: ['*'],
                    attestors: [
                      {
                        entries: [
                          {
                            keyless: {
                              issuer:
                                'https://token.actions.githubusercontent.com',
                              subject: `${CART}/.github/workflows/ci.yaml@refs/heads/main`,
                              subjectRegExp,
                            },
                          },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
        }),
      ])[0].signers[0];
    expect(both('.*')).toMatchObject({
      subject: `${CART}/.github/workflows/ci.yaml@refs/heads/main or /.*/`,
    });
    expect(signerRepository(both('.*'))).toBeUndefined();
    expect(signerRepository(both(TEMPLATE_SUBJECT_REGEXP))).toBe(CART);
  });
});

describe('collectProvenance', () => {
  it('warns for an image verified in Enforce mode by its CI workflow but without SBOM or SLSA attestations', () => {
    const r = run([keylessPolicy, labelled(zuluPod)], {
      sourceLocation: 'url:https://github.com/chipzoller/zulu/tree/main/',
    });
    expect(r.status).toBe('warn');
    expect(r.details!.images).toEqual([
      expect.objectContaining({
        container: 'zulu',
        digest: ZULU_DIGEST,
        verified: true,
        verification: 'verified',
        failureAction: 'Enforce',
        rules: [
          'keyless-mutatedigest-verifydigest-required/check-builder-id-keyless',
        ],
        sbom: false,
        slsaProvenance: false,
        sourceRepositories: ['https://github.com/chipzoller/zulu'],
        status: 'warn',
      }),
    ]);
    expect(r.summary).toBe(
      '1 of 1 running image verified with gaps: zulu (ghcr.io/kyverno/zulu:v0.0.14@sha256:476b21f1a75dc90fac3579ee757f4607bb5546f476195cf645c54badf558c0db) is signed, but no rule requires an SBOM or an SLSA provenance attestation.',
    );
    expect(r.details!.sourceLocation).toBe(
      'https://github.com/chipzoller/zulu',
    );
    expect(r.evidence.map(e => `${e.kind}/${e.name}`)).toEqual([
      'ClusterPolicy/keyless-mutatedigest-verifydigest-required',
      'Pod/zulu',
    ]);
  });

  it('fails when the workflow that signed is not the entity’s repository', () => {
    const r = run([keylessPolicy, labelled(zuluPod)], {
      sourceLocation: 'url:https://github.com/someone-else/zulu/tree/main/',
    });
    expect(r.status).toBe('fail');
    expect(r.details!.images[0].reason).toBe(
      "has provenance from https://github.com/chipzoller/zulu, not from the entity's source https://github.com/someone-else/zulu.",
    );
  });

  it('passes when an Enforce rule verified the signature, an SBOM and an SLSA provenance pinned to the entity’s repository', () => {
    const policy = obj(
      'kyverno.io/v1',
      'ClusterPolicy',
      'verify-image-provenance',
      undefined,
      {
        spec: {
          rules: [
            {
              name: 'verify-signature-and-provenance',
              match: { any: [{ resources: { kinds: ['Pod'] } }] },
              verifyImages: [
                {
                  imageReferences: ['ghcr.io/kyverno/zulu:*'],
                  failureAction: 'Enforce',
                  attestors: (keylessPolicy.spec as any).rules[0]
                    .verifyImages[0].attestors,
                  attestations: [
                    { type: 'https://cyclonedx.org/bom', attestors: [] },
                    {
                      type: 'https://slsa.dev/provenance/v0.2',
                      conditions: [
                        {
                          all: [
                            {
                              key: '{{ invocation.configSource.uri }}',
                              operator: 'Equals',
                              value:
                                'git+https://github.com/chipzoller/zulu@refs/heads/main',
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
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
    );
    const pod = labelled(zuluPod, {
      'kyverno.io/verify-images': `{"ghcr.io/kyverno/zulu@${ZULU_DIGEST}":"pass"}`,
      'kyverno.io/verify-images-scoped': JSON.stringify({
        version: 1,
        policies: {
          '/verify-image-provenance': {
            'verify-signature-and-provenance': {
              [`ghcr.io/kyverno/zulu@${ZULU_DIGEST}`]: 'pass',
            },
          },
        },
      }),
    });
    const r = run([policy, keylessPolicy, pod], {
      sourceLocation: 'url:https://github.com/chipzoller/zulu/tree/main/',
    });
    expect(r.status).toBe('pass');
    expect(r.details!.images[0]).toMatchObject({
      rules: ['verify-image-provenance/verify-signature-and-provenance'],
      sbom: true,
      slsaProvenance: true,
      sourceRepositories: ['https://github.com/chipzoller/zulu'],
    });
    expect(r.summary).toBe(
      '1 running image verified at admission in Enforce mode, with SBOM and SLSA provenance attestations from https://github.com/chipzoller/zulu.',
    );
  });

  it('warns for an image only a background scan verified, in Audit mode (Kyverno’s PolicyReport)', () => {
    const report = (auditReportList as any).items[0] as KubeObject;
    report.metadata.name = 'report-1';
    const r = run([keyedAuditPolicy, labelled(auditPod), report]);
    expect(r.status).toBe('warn');
    expect(r.details!.images[0]).toMatchObject({
      verification: 'unverified',
      failureAction: 'Audit',
      status: 'warn',
    });
    expect(r.details!.images[0].reason).toContain('only by a background scan');
    expect(r.evidence.map(e => e.kind)).toEqual([
      'ClusterPolicy',
      'PolicyReport',
      'Pod',
    ]);
    expect(r.notes).toContain(
      'Kyverno policy keyed-basic-policy is not Ready: its rule keyed-basic-rule may not be enforced.',
    );
  });

  it('fails an image that failed verification and runs because the rule is in Audit mode', () => {
    const pod = labelled(auditPod, {
      'kyverno.io/verify-images':
        '{"ghcr.io/kyverno/test-verify-image:signed":"fail"}',
    });
    const r = run([keyedAuditPolicy, pod]);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(
      '1 of 1 running image not verified: test-secret (ghcr.io/kyverno/test-verify-image:signed) failed verification and runs because keyed-basic-policy/keyed-basic-rule is in Audit mode.',
    );
  });

  it('fails an image no rule covers, and one a rule covers that Kyverno never verified', () => {
    const other = labelled(auditPod);
    (other.spec as any).containers[0].image = 'docker.io/library/nginx:1.27';
    const uncovered = run([keyedAuditPolicy, other]);
    expect(uncovered.details!.images[0].reason).toBe(
      'runs unverified: no Kyverno verifyImages rule covers it.',
    );
    // The running Pod without Kyverno's outcome is the evidence of the failure.
    expect(uncovered.evidence.map(e => `${e.kind}/${e.name}`)).toEqual([
      `Pod/${other.metadata.name}`,
    ]);
    const r = run([slsaPolicy, labelled(slsaPod)]);
    expect(r.status).toBe('fail');
    expect(r.details!.images[0].reason).toContain(
      'check-invalid-attestors-in-attestations/check-invalid-attestation-attestor covers it but Kyverno did not verify it at admission',
    );
  });

  it('explains an unreadable annotation and treats the image as unverified', () => {
    const r = run([
      keylessPolicy,
      labelled(zuluPod, { 'kyverno.io/verify-images': '[1,2' }),
    ]);
    expect(r.status).toBe('fail');
    expect(r.notes).toContain(
      'Pod default/zulu: annotation kyverno.io/verify-images is not a JSON object',
    );
    expect(r.notes).toContain(
      "The entity has no backstage.io/source-location annotation: the provenance's source repository is not compared.",
    );
  });

  it('reads a namespaced Policy only for its own namespace, named namespace/name as reports name it', () => {
    const policy = structuredClone(keyedAuditPolicy);
    policy.kind = 'Policy';
    policy.metadata.namespace = 'test-verify-images';
    (policy.spec as any).rules[0].verifyImages[0].failureAction = undefined;
    (policy.spec as any).validationFailureActionOverrides = [
      { action: 'Enforce', namespaces: ['test-*'] },
    ];
    const [rule] = imageVerificationRules([policy]);
    expect(rule).toMatchObject({
      policy: 'test-verify-images/keyed-basic-policy',
      policyKey: 'test-verify-images/keyed-basic-policy',
      namespace: 'test-verify-images',
      failureAction: 'Enforce',
    });
    const pod = labelled(auditPod, {
      'kyverno.io/verify-images':
        '{"ghcr.io/kyverno/test-verify-image:signed":"pass"}',
    });
    expect(run([policy, pod]).details!.images[0]).toMatchObject({
      verification: 'verified',
      failureAction: 'Enforce',
      rules: ['test-verify-images/keyed-basic-policy/keyed-basic-rule'],
    });
    const elsewhere = structuredClone(pod);
    elsewhere.metadata.namespace = 'other';
    expect(run([policy, elsewhere]).details!.images[0].rules).toEqual([]);
  });

  it('says when Kyverno is not installed or its policies may not be read', () => {
    const pod = labelled(zuluPod);
    expect(
      run([pod], {
        states: { ClusterPolicy: 'not-installed', Policy: 'not-installed' },
      }),
    ).toMatchObject({ status: 'not-installed' });
    const forbidden = run([pod], {
      states: { ClusterPolicy: 'forbidden', Policy: 'forbidden' },
    });
    expect(forbidden.status).toBe('forbidden');
    expect(forbidden.summary).toContain('grant get/list/watch');
  });
  it('passes an image the platform template’s policy verified (branch or v* tag), and warns when a rule also admits another repository', () => {
    const pod = labelled(zuluPod, {
      'kyverno.io/verify-images': `{"ghcr.io/kyverno/zulu@${ZULU_DIGEST}":"pass"}`,
    });
    const source = { sourceLocation: `url:${CART}/tree/main/` };
    const r = run(
      [
        templatePolicy([
          `git+${CART}@refs/heads/main`,
          `git+${CART}@refs/tags/v*`,
        ]),
        pod,
      ],
      source,
    );
    expect(r.status).toBe('pass');
    expect(r.details!.images[0]).toMatchObject({
      failureAction: 'Enforce',
      sbom: true,
      slsaProvenance: true,
      sourceRepositories: [CART],
      signers: [
        {
          kind: 'keyless',
          issuer: 'https://token.actions.githubusercontent.com',
          subject: `/${TEMPLATE_SUBJECT_REGEXP}/`,
        },
      ],
    });
    const widened = run(
      [
        templatePolicy([
          `git+${CART}@refs/heads/main`,
          'git+https://github.com/acme-shop/fork@refs/heads/main',
        ]),
        pod,
      ],
      source,
    );
    expect(widened.status).toBe('warn');
    expect(widened.details!.images[0].reason).toBe(
      'is verified, but its rules also admit provenance from https://github.com/acme-shop/fork.',
    );
  });
});
