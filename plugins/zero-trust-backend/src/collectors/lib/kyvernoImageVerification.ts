// Readers of what Kyverno's `verifyImages` rules leave in a cluster: the ClusterPolicies and
// Policies that declare them, the annotation Kyverno's mutating webhook writes on every pod whose
// images it verified, and the PolicyReport results of those rules. Every shape follows Kyverno
// v1.19 (github.com/kyverno/kyverno, the version tools/kyverno/go.mod pins); the files named
// below are at that version.

import { KubeObject } from '../../sources/types';
import { Json, list, obj, str } from './json';

const regExp = (v: unknown) => (str(v) ? `/${v}/` : undefined);

/** Joins a keyless `subject` and `subjectRegExp` set together in {@link Signer.subject}. */
const SUBJECT_OR = ' or ';

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * The pod annotation Kyverno writes after verifying its images: a JSON object from image to
 * `pass`, `fail` or `skip` (api/kyverno/constants.go `AnnotationImageVerify`,
 * pkg/engine/api/imageverifymetadata.go `ImageVerificationMetadata.Patches`). The image is
 * Kyverno's `ImageInfo.String()` (pkg/utils/image/infos.go): `registry/path@digest` once it knows
 * the digest, `registry/path:tag` otherwise.
 */
export const VERIFY_IMAGES_ANNOTATION = 'kyverno.io/verify-images';

/**
 * The same outcomes per policy and rule (`AnnotationImageVerifyScoped`):
 * `{"version":1,"policies":{"<namespace>/<policy>":{"<rule>":{"<image>":"pass"}}}}`; a
 * ClusterPolicy's key has an empty namespace (`/name`).
 */
export const VERIFY_IMAGES_SCOPED_ANNOTATION =
  'kyverno.io/verify-images-scoped';

/** `ImageVerificationMetadataStatus` of pkg/engine/api/imageverifymetadata.go. */
export type KyvernoImageStatus = 'pass' | 'fail' | 'skip';

const STATUSES: readonly string[] = ['pass', 'fail', 'skip'];

/** A pod's verification annotations, read. */
export interface PodImageVerification {
  /** Image (as Kyverno writes it) → outcome. */
  images: Map<string, KyvernoImageStatus>;
  /** Policy key (`<namespace>/<name>`) → rule → image → outcome. */
  scoped: Map<string, Map<string, Map<string, KyvernoImageStatus>>>;
  /** What could not be read, one sentence each. */
  problems: string[];
}

/**
 * Reads a pod's `kyverno.io/verify-images` and `kyverno.io/verify-images-scoped` annotations.
 * Undefined when Kyverno wrote neither (it verified none of the pod's images). A value that is not
 * JSON, or an outcome other than pass/fail/skip, is reported as a problem and left out, as
 * Kyverno's own `ParseImageMetadata` refuses it.
 */
export function podImageVerification(
  pod: KubeObject,
): PodImageVerification | undefined {
  const annotations = pod.metadata.annotations ?? {};
  const plain = annotations[VERIFY_IMAGES_ANNOTATION];
  const scoped = annotations[VERIFY_IMAGES_SCOPED_ANNOTATION];
  if (plain === undefined && scoped === undefined) return undefined;
  const result: PodImageVerification = {
    images: new Map(),
    scoped: new Map(),
    problems: [],
  };
  const parse = (key: string, value: string): Json | undefined => {
    try {
      const parsed = JSON.parse(value);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return parsed;
      }
    } catch {
      // reported below
    }
    result.problems.push(`annotation ${key} is not a JSON object`);
    return undefined;
  };
  const outcomes = (key: string, value: unknown) => {
    const map = new Map<string, KyvernoImageStatus>();
    for (const [image, status] of Object.entries(obj(value))) {
      if (typeof status === 'string' && STATUSES.includes(status)) {
        map.set(image, status as KyvernoImageStatus);
      } else {
        result.problems.push(
          `annotation ${key}: outcome ${JSON.stringify(
            status,
          )} of ${image} is not pass, fail or skip`,
        );
      }
    }
    return map;
  };
  if (typeof plain === 'string') {
    const parsed = parse(VERIFY_IMAGES_ANNOTATION, plain);
    if (parsed) result.images = outcomes(VERIFY_IMAGES_ANNOTATION, parsed);
  }
  if (typeof scoped === 'string') {
    const parsed = parse(VERIFY_IMAGES_SCOPED_ANNOTATION, scoped);
    // `ParseImageMetadata` reads the scoped form only with version 1.
    if (parsed && parsed.version !== 1) {
      result.problems.push(
        `annotation ${VERIFY_IMAGES_SCOPED_ANNOTATION} has version ${JSON.stringify(
          parsed.version,
        )}, not 1`,
      );
    } else if (parsed) {
      for (const [policy, rules] of Object.entries(obj(parsed.policies))) {
        const byRule = new Map<string, Map<string, KyvernoImageStatus>>();
        for (const [rule, images] of Object.entries(obj(rules))) {
          byRule.set(rule, outcomes(VERIFY_IMAGES_SCOPED_ANNOTATION, images));
        }
        result.scoped.set(policy, byRule);
      }
    }
  }
  return result;
}

/** Who must have signed: one entry of an attestor set (api/kyverno/v1/image_verification_types.go `Attestor`). */
export interface Signer {
  kind: 'key' | 'keyless' | 'certificate';
  /** For keys: `public key <first 8 characters of the PEM body>…<FNV-1a hash of it>`, `secret <ns>/<name>` or the KMS URI. */
  key?: string;
  /** Keyless: the OIDC issuer (`issuer`, or `issuerRegExp` as `/re/`). */
  issuer?: string;
  /**
   * Keyless: the certificate subject, e.g. the CI workflow (`subject`, or `subjectRegExp` as
   * `/re/`, or `<subject> or /re/` when both are set).
   */
  subject?: string;
}

/** What an attestation of a rule is about. */
export type AttestationKind = 'sbom' | 'slsa-provenance' | 'other';

/** One required attestation (`verifyImages[].attestations[]`). */
export interface RequiredAttestation {
  /** `type` (or the deprecated `predicateType`), e.g. `https://slsa.dev/provenance/v0.2`. */
  type: string;
  kind: AttestationKind;
  signers: Signer[];
  /**
   * Source repositories the rule's conditions pin the provenance to (`Equals`/`AnyIn`/`AllIn` on
   * the SLSA fields that name the source), normalized by {@link normalizeRepository}.
   */
  sourceRepositories: string[];
}

/** A `verifyImages` entry of a Kyverno policy rule, read. */
export interface ImageVerificationRule {
  /** The name PolicyReport results use: `name` for a ClusterPolicy, `namespace/name` for a Policy. */
  policy: string;
  /** The key the scoped annotation uses: `<namespace>/<name>`. */
  policyKey: string;
  /** A Policy only covers its own namespace. */
  namespace?: string;
  rule: string;
  imageReferences: string[];
  skipImageReferences: string[];
  /** The rule's effective failure action (see {@link failureActionOf}). */
  failureAction: 'Enforce' | 'Audit';
  /** `required` (default true): the image must carry the verified-images annotation. */
  required: boolean;
  signers: Signer[];
  attestations: RequiredAttestation[];
  /** `status.conditions[type=Ready]` is True. */
  ready: boolean;
}

/**
 * The `verifyImages` rules of Kyverno policies (kyverno.io/v1 ClusterPolicy and Policy), one entry
 * per `verifyImages[]` item, with the legacy single-image fields (`image`, `key`, `issuer`,
 * `subject`) converted as `ImageVerification.Convert` does. Malformed policies give no rules.
 */
export function imageVerificationRules(
  policies: KubeObject[],
): ImageVerificationRule[] {
  return policies.flatMap(policy => {
    const spec = obj(policy.spec);
    const namespace =
      policy.kind === 'Policy' ? policy.metadata.namespace : undefined;
    const ready = list(obj(policy.status).conditions).some(
      c => obj(c).type === 'Ready' && obj(c).status === 'True',
    );
    return list(spec.rules).flatMap(r => {
      const rule = obj(r);
      const ruleName = str(rule.name);
      if (!ruleName) return [];
      return list(rule.verifyImages).map(v => {
        const iv = obj(v);
        const imageReferences = list(iv.imageReferences).filter(isString);
        if (str(iv.image)) imageReferences.push(iv.image);
        const signers = list(iv.attestors).flatMap(signersOf);
        if (str(iv.key)) signers.push(keySigner({ publicKeys: iv.key }));
        else if (str(iv.issuer)) {
          signers.push({
            kind: 'keyless',
            issuer: iv.issuer,
            subject: str(iv.subject),
          });
        }
        return {
          policy: namespace
            ? `${namespace}/${policy.metadata.name}`
            : policy.metadata.name,
          policyKey: `${namespace ?? ''}/${policy.metadata.name}`,
          ...(namespace ? { namespace } : {}),
          rule: ruleName,
          imageReferences,
          skipImageReferences: list(iv.skipImageReferences).filter(isString),
          failureAction: failureActionOf(spec, iv, namespace),
          required: iv.required !== false,
          signers,
          attestations: list(iv.attestations).map(a => {
            const att = obj(a);
            const type = str(att.type) ?? str(att.predicateType) ?? 'unknown';
            return {
              type,
              kind: attestationKind(type),
              signers: list(att.attestors).flatMap(signersOf),
              sourceRepositories: sourceRepositoriesOf(att.conditions),
            };
          }),
          ready,
        };
      });
    });
  });
}

/**
 * A `verifyImages` entry's failure action as Kyverno resolves it for a rule
 * (pkg/engine/api/engineresponse.go `ruleAction`, `failureActionForRule`): the entry's own
 * `failureAction`, else the policy's `validationFailureActionOverrides` whose namespaces match
 * (overrides with a namespace selector are not evaluated here), else the deprecated
 * `spec.validationFailureAction`; `Enforce`/`enforce` enforce, anything else audits.
 */
export function failureActionOf(
  spec: Json,
  entry: Json,
  namespace?: string,
): 'Enforce' | 'Audit' {
  const enforce = (a: unknown) => a === 'Enforce' || a === 'enforce';
  if (str(entry.failureAction)) {
    return enforce(entry.failureAction) ? 'Enforce' : 'Audit';
  }
  for (const o of list(spec.validationFailureActionOverrides).map(obj)) {
    const namespaces = list(o.namespaces).filter(isString);
    if (o.namespaceSelector) continue;
    if (
      namespaces.length === 0 ||
      (namespace !== undefined &&
        namespaces.some(n => wildcardMatch(n, namespace)))
    ) {
      return enforce(o.action) ? 'Enforce' : 'Audit';
    }
  }
  return enforce(spec.validationFailureAction) ? 'Enforce' : 'Audit';
}

function signersOf(attestorSet: unknown): Signer[] {
  return list(obj(attestorSet).entries).flatMap(e => {
    const entry = obj(e);
    if (entry.keys) return [keySigner(obj(entry.keys))];
    if (entry.keyless) {
      const k = obj(entry.keyless);
      const subject = str(k.subject);
      const subjectRegExp = regExp(k.subjectRegExp);
      return [
        {
          kind: 'keyless' as const,
          issuer: str(k.issuer) ?? regExp(k.issuerRegExp),
          // Both set: Kyverno's cosign verifier admits a certificate that matches either
          // (pkg/image/verifiers/cpol/cosign/cosign.go `matchCertificateData`).
          subject:
            subject && subjectRegExp
              ? `${subject}${SUBJECT_OR}${subjectRegExp}`
              : subject ?? subjectRegExp,
        },
      ];
    }
    if (entry.certificates) return [{ kind: 'certificate' as const }];
    // A nested attestor set (`entries[].attestor`) is flattened.
    if (entry.attestor) return signersOf(entry.attestor);
    return [];
  });
}

function keySigner(keys: Json): Signer {
  if (str(keys.publicKeys)) {
    return {
      kind: 'key',
      key: `public key ${pemFingerprint(keys.publicKeys)}`,
    };
  }
  const secret = obj(keys.secret);
  if (str(secret.name)) {
    return {
      kind: 'key',
      key: `secret ${secret.namespace ?? ''}/${secret.name}`,
    };
  }
  return { kind: 'key', key: str(keys.kms) };
}

/** A short, stable name for a PEM public key: the first 12 hex of a FNV-1a hash of its body. */
function pemFingerprint(pem: string): string {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  let hash = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) {
    hash ^= body.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${body.slice(0, 8)}…${hash.toString(16).padStart(8, '0')}`;
}

/**
 * SBOM and SLSA provenance by predicate type: the URIs cosign writes for `--type cyclonedx`,
 * `spdx`/`spdxjson` and `slsaprovenance`/`slsaprovenance1` (cosign v3.1.2
 * pkg/cosign/attestation/attestation.go), and the short names Kyverno's Notary attestations use
 * (`sbom/cyclone-dx`, see its chainsaw test multiple-image-verification-attestations-pass).
 */
export function attestationKind(type: string): AttestationKind {
  const t = type.toLowerCase();
  if (t.startsWith('https://slsa.dev/provenance/')) return 'slsa-provenance';
  if (
    t === 'https://cyclonedx.org/bom' ||
    t.startsWith('https://cyclonedx.org/bom/') ||
    t === 'https://spdx.dev/document' ||
    t.startsWith('sbom/')
  ) {
    return 'sbom';
  }
  return 'other';
}

/**
 * The SLSA fields that name the source repository: v0.2 `invocation.configSource.uri` and
 * `materials[0].uri` (`git+https://github.com/o/r@refs/heads/main`, as slsa-github-generator
 * writes them), v1 `buildDefinition.externalParameters.workflow.repository` and
 * `buildDefinition.resolvedDependencies[0].uri`. Conditions are Kyverno's `AnyAllConditions`
 * (`key` a JMESPath in `{{ }}`, `operator`, `value`).
 */
const SOURCE_FIELDS = [
  'invocation.configSource.uri',
  'materials[0].uri',
  'buildDefinition.externalParameters.workflow.repository',
  'buildDefinition.resolvedDependencies[0].uri',
];

function sourceRepositoriesOf(conditions: unknown): string[] {
  const found = new Set<string>();
  // Every block must hold (pkg/engine/internal/imageverifier.go `verifyAttestations`
  // evaluates each), all of an `all`, one of an `any`: an `any` pins only when each of its
  // conditions does, since the one that holds may be another.
  for (const block of list(conditions).map(obj)) {
    for (const c of list(block.all))
      conditionRepositories(c).forEach(r => found.add(r));
    const any = list(block.any).map(conditionRepositories);
    if (any.every(r => r.length > 0)) any.flat().forEach(r => found.add(r));
  }
  return [...found];
}

/**
 * The repositories one condition pins the source to, none when it does not. Equals and In match
 * their values as wildcards (pkg/engine/variables/operator/equal.go, in.go: ext/wildcard): a
 * value with `*` or `?` before its `@ref` names no repository.
 */
function conditionRepositories(condition: unknown): string[] {
  const c = obj(condition);
  const key = str(c.key)?.replace(/^\{\{\s*|\s*\}\}$/g, '');
  if (!key || !SOURCE_FIELDS.includes(key)) return [];
  const operator = String(c.operator ?? '');
  let values: unknown[] = [];
  if (['Equals', 'Equal'].includes(operator)) values = [c.value];
  else if (['AnyIn', 'AllIn', 'In'].includes(operator)) values = list(c.value);
  const strings = values.filter(isString);
  const repositories = strings
    .map(v =>
      /[*?]/.test(v.split('@')[0]) ? undefined : normalizeRepository(v),
    )
    .filter((r): r is string => !!r);
  // One value that names no repository (a wildcard, not a URL) may admit any.
  return strings.length > 0 && repositories.length === strings.length
    ? repositories
    : [];
}

/**
 * A repository URL in one form, for comparing the provenance's source with the entity's
 * `backstage.io/source-location` (`url:https://github.com/o/r/tree/main/`): without `url:`,
 * `git+`, `@ref`, `/tree|blob/...`, `.git` and trailing slashes, host lower-cased. A keyless
 * subject of a GitHub workflow (`https://github.com/o/r/.github/workflows/ci.yaml@refs/heads/main`)
 * gives its repository. Undefined for what is not an http(s) URL.
 */
export function normalizeRepository(value: string): string | undefined {
  let v = value
    .trim()
    .replace(/^url:/, '')
    .replace(/^git\+/, '');
  const match = /^(https?):\/\/([^/]+)(\/[^@?#]*)?/.exec(v);
  if (!match) return undefined;
  let path = match[3] ?? '';
  path = path.replace(/\/\.github\/workflows\/.*$/, '');
  path = path.replace(/\/(tree|blob|-\/tree|-\/blob)\/.*$/, '');
  path = path.replace(/\/+$/, '').replace(/\.git$/, '');
  v = `${match[1]}://${match[2].toLowerCase()}${path}`;
  return v;
}

/**
 * The repository of a keyless signer's subject, when it is a CI workflow URL or a
 * `subjectRegExp` that admits only workflows of one repository ({@link regExpRepository}). A
 * `subject` and a `subjectRegExp` together name one only when both name the same.
 */
export function signerRepository(signer: Signer): string | undefined {
  if (signer.kind !== 'keyless' || !signer.subject) return undefined;
  const repositories = signer.subject.split(SUBJECT_OR).map(subjectRepository);
  return repositories.every(r => r && r === repositories[0])
    ? repositories[0]
    : undefined;
}

const WORKFLOWS = '/.github/workflows/';

function subjectRepository(subject: string): string | undefined {
  if (subject.length > 2 && subject.startsWith('/') && subject.endsWith('/')) {
    return regExpRepository(subject.slice(1, -1));
  }
  // A Kyverno wildcard (`*`, `?`) in the repository names no single one.
  if (/[*?]/.test(subject.split('/.github/')[0])) return undefined;
  if (!subject.includes(WORKFLOWS)) return undefined;
  return normalizeRepository(subject);
}

/**
 * The repository a keyless `subjectRegExp` pins, when every subject it admits is a workflow of
 * that one repository. Kyverno matches it with Go's `regexp.MatchString`, unanchored, against
 * the certificate's SANs (pkg/image/verifiers/cpol/cosign/cosign.go `matchCertificateData`;
 * sigstore-go's SAN matcher for bundles), so only this shape qualifies: `^` first, no top-level
 * `|`, and a literal start (plain characters and backslash-escaped punctuation, before the
 * first other metacharacter; a character a quantifier follows is not literal) that reaches
 * `https://<host>/<owner>/<repo>/.github/workflows/`. Anything else, such as Kyverno's own
 * unanchored `https://github\.com/slsa-framework/.../generator_container_slsa3\.yml@.+`, names
 * none: the control then says no repository is pinned rather than guess.
 */
export function regExpRepository(re: string): string | undefined {
  if (!re.startsWith('^') || hasTopLevelAlternation(re)) return undefined;
  let literal = '';
  for (let i = 1; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const next = re[i + 1];
      // \d, \w, \pL, \Q…\E, \x41, \1 … are classes or special, not the character.
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break;
      literal += next;
      i++;
    } else if ('*+?{'.includes(c)) {
      literal = literal.slice(0, -1);
      break;
    } else if ('.[]()|^$'.includes(c)) {
      break;
    } else {
      literal += c;
    }
  }
  const at = literal.indexOf(WORKFLOWS);
  if (
    at < 0 ||
    !/^https?:\/\/[^/]+\/[^/]+\/[^/]+$/.test(literal.slice(0, at))
  ) {
    return undefined;
  }
  return normalizeRepository(literal.slice(0, at + WORKFLOWS.length));
}

/** Whether a regular expression has a `|` outside every group and class, or is unbalanced. */
function hasTopLevelAlternation(re: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') i++;
    else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      // A `]` first in the class (after an optional `^`) is a literal.
      if (re[i + 1] === '^') i++;
      if (re[i + 1] === ']') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth <= 0) return true;
  }
  return depth !== 0 || inClass;
}

/**
 * Kyverno's image pattern match (github.com/kyverno/go-wildcard `Match`, used by
 * pkg/engine/internal/utils.go `matchReferences`): `*` any run of characters, `?` one.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = pattern
    .split('')
    .map(ch => {
      if (ch === '*') return '.*';
      if (ch === '?') return '.';
      return ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${re}$`).test(value);
}

/**
 * Whether a rule verifies an image: one of its `imageReferences` matches and none of its
 * `skipImageReferences` (imageverifier.go `verifyImage`), tried on the forms Kyverno matches,
 * `registry/path:tag` and `registry/path@digest`.
 */
export function ruleCoversImage(
  rule: ImageVerificationRule,
  forms: string[],
): boolean {
  const any = (patterns: string[]) =>
    patterns.some(p => forms.some(f => wildcardMatch(p, f)));
  return any(rule.imageReferences) && !any(rule.skipImageReferences);
}

/** The autogen prefixes Kyverno gives a Pod rule's copies for controllers (pkg/autogen). */
export function podRuleName(rule: string): string {
  return rule.replace(/^autogen-(cronjob-)?/, '');
}
