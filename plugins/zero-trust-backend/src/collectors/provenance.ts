import {
  ProvenanceDetails,
  ProvenanceImage,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import {
  INFRASTRUCTURE_CONTAINERS,
  parseImageRef,
  runningContainers,
} from './lib/images';
import {
  ImageVerificationRule,
  KyvernoImageStatus,
  PodImageVerification,
  imageVerificationRules,
  normalizeRepository,
  podImageVerification,
  podRuleName,
  ruleCoversImage,
  signerRepository,
} from './lib/kyvernoImageVerification';
import { list, obj, str } from './lib/json';
import { Verdict, plural, worst } from './lib/status';
import { workloadNameOf } from './lib/workloadName';
import { Collector } from './types';

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

const POLICY_KINDS = [
  { group: 'kyverno.io', kind: 'ClusterPolicy' },
  { group: 'kyverno.io', kind: 'Policy' },
];

/** The entity annotation naming its source repository (Backstage's well-known annotations). */
export const SOURCE_LOCATION_ANNOTATION = 'backstage.io/source-location';

interface ReportResult {
  policy?: string;
  rule?: string;
  result?: string;
  message?: string;
}

/**
 * Image provenance: every image the workload runs (by digest; the mesh proxy excluded) was
 * verified at admission by a Kyverno `verifyImages` rule in Enforce mode, by the signer it
 * names (key, or keyless issuer and subject: the CI workflow), with SBOM and SLSA provenance
 * attestations verified, and the provenance's source repository is the entity's
 * `backstage.io/source-location`. Evidence is only what the cluster holds:
 * - the `kyverno.io/verify-images` pod annotation Kyverno's webhook writes with each image's
 *   outcome (lib/kyvernoImageVerification.ts; Kyverno v1.19 imageverifier.go `Verify`), and its
 *   scoped form, which names the policy and rule;
 * - the `verifyImages` rules of ClusterPolicies and Policies: which images they cover, their
 *   failure action, signers and required attestations (a passed rule means its attestations were
 *   verified: imageverifier.go `verifyAttestations` fails the rule otherwise), and the source
 *   repository their keyless subject or SLSA conditions pin;
 * - PolicyReport results of those rules (admission reports and the reports controller's
 *   background scans, which verify the images again: pkg/controllers/report/utils/scanner.go
 *   `validateImages`).
 * Sigstore policy-controller records nothing readable per image: its webhook admits, denies or
 * warns (github.com/sigstore/policy-controller pkg/webhook/validator.go, `validatePodSpec`
 * returns field errors only) and writes no annotation, event or report, so it is not read.
 *
 * Per image: fail when no rule covers it, Kyverno's outcome is `fail` or `skip`, a report result
 * of a covering rule fails, Kyverno never verified it, or the provenance's repository differs
 * from the entity's; warn when it was verified but only by Audit-mode rules (an unsigned image
 * would have run too), without an SBOM or SLSA provenance attestation, with no repository
 * pinned, or when its rules also admit another repository; pass otherwise. The control is the worst image.
 */
export const collectProvenance: Collector<'provenance'> = ctx => {
  const gated = gateOnKinds('provenance', ctx, POLICY_KINDS);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const notes: string[] = [];
  const entitySource = ctx.sourceLocation
    ? normalizeRepository(ctx.sourceLocation)
    : undefined;
  if (!ctx.sourceLocation) {
    notes.push(
      `The entity has no ${SOURCE_LOCATION_ANNOTATION} annotation: the provenance's source repository is not compared.`,
    );
  }
  const rows = new Map<string, ProvenanceImage>();
  const rulesSeen = new Map<string, ImageVerificationRule>();

  for (const w of ctx.workloads) {
    const policies = [
      ...w.cluster.objects('kyverno.io', 'ClusterPolicy'),
      // A Policy covers its own namespace: read those of the namespaces the pods run in.
      ...[...new Set(w.pods.map(p => p.metadata.namespace ?? ''))].flatMap(ns =>
        w.cluster.objects('kyverno.io', 'Policy', ns),
      ),
    ];
    const rules = imageVerificationRules(policies);
    const policyByName = new Map(
      policies.map(p => [
        p.kind === 'Policy'
          ? `${p.metadata.namespace}/${p.metadata.name}`
          : p.metadata.name,
        p,
      ]),
    );
    for (const rule of rules.filter(r => !r.ready)) {
      notes.push(
        `Kyverno policy ${rule.policy} is not Ready: its rule ${rule.rule} may not be enforced.`,
      );
    }

    for (const pod of w.pods) {
      const verification = podImageVerification(pod);
      verification?.problems.forEach(p =>
        notes.push(`Pod ${pod.metadata.namespace}/${pod.metadata.name}: ${p}`),
      );
      const results = reportResultsFor(pod, w);
      for (const c of runningContainers(pod)) {
        if (INFRASTRUCTURE_CONTAINERS.includes(c.name)) continue;
        const ref = c.image ? parseImageRef(c.image) : undefined;
        const digest = c.digest ?? ref?.digest;
        const forms = imageForms(c.image, digest);
        const covering = rules.filter(
          r =>
            (!r.namespace || r.namespace === pod.metadata.namespace) &&
            ruleCoversImage(r, forms),
        );
        const outcome = outcomeOf(verification, forms, digest);
        const verifiedBy = verification
          ? covering.filter(r => scopedOutcome(verification, r, forms, digest))
          : [];
        const judged = verifiedBy.length > 0 ? verifiedBy : covering;
        judged.forEach(r => {
          rulesSeen.set(`${w.cluster.name}/${r.policy}/${r.rule}`, r);
          const p = policyByName.get(r.policy);
          if (p) evidence.add(w.cluster, p);
        });
        const ruleResults = results.filter(({ result }) =>
          judged.some(
            r =>
              r.policy === result.policy &&
              r.rule === podRuleName(result.rule ?? '') &&
              aboutImage(result.message, forms, digest),
          ),
        );
        ruleResults.forEach(({ report }) => evidence.add(w.cluster, report));
        // The Pod is the evidence either way: its image digest, and Kyverno's outcome or its absence.
        evidence.add(w.cluster, pod);
        const row = judgeImage({
          cluster: w.cluster.name,
          namespace: pod.metadata.namespace ?? '',
          workload: workloadNameOf(pod, w),
          container: c.name,
          image: c.image ?? 'unknown',
          digest,
          outcome,
          covering,
          judged,
          reportResults: ruleResults.map(r => r.result),
          entitySource,
        });
        const key = `${row.cluster}/${row.namespace}/${row.workload}/${
          row.container
        }/${digest ?? row.image}`;
        const previous = rows.get(key);
        // Replicas of one image: the worst pod speaks for them.
        if (!previous || RANK[row.status] > RANK[previous.status]) {
          rows.set(key, row);
        }
      }
    }
  }

  const images = [...rows.values()];
  const details: ProvenanceDetails = {
    images,
    rules: [...rulesSeen.values()].map(r => ({
      policy: r.policy,
      rule: r.rule,
      failureAction: r.failureAction,
      imageReferences: r.imageReferences,
      signers: r.signers,
      attestations: r.attestations.map(a => ({
        type: a.type,
        kind: a.kind,
        sourceRepositories: a.sourceRepositories,
      })),
    })),
    ...(entitySource ? { sourceLocation: entitySource } : {}),
  };
  const base = {
    control: 'provenance' as const,
    details,
    evidence: evidence.list(),
    ...(notes.length ? { notes: [...new Set(notes)] } : {}),
  };
  if (images.length === 0) {
    return {
      ...base,
      status: 'not-applicable',
      summary: 'No running container to verify.',
    };
  }
  const status = worst(images.map(i => i.status));
  const first = images.find(i => i.status === status)!;
  const count = images.filter(i => i.status === status).length;
  if (status === 'pass') {
    return {
      ...base,
      status,
      summary: `${plural(
        images.length,
        'running image',
      )} verified at admission in Enforce mode, with SBOM and SLSA provenance attestations${
        entitySource ? ` from ${entitySource}` : ''
      }.`,
    };
  }
  return {
    ...base,
    status,
    summary: `${count} of ${plural(images.length, 'running image')} ${
      status === 'fail' ? 'not verified' : 'verified with gaps'
    }: ${first.container} (${first.image}) ${first.reason}`,
  };
};

/**
 * The forms Kyverno matches an image in (ImageInfo: `registry/path:tag` and
 * `registry/path@digest`, the default registry `docker.io`), from the spec's image and the digest.
 */
function imageForms(image: string | undefined, digest?: string): string[] {
  const ref = image ? parseImageRef(image) : undefined;
  if (!ref) return image ? [image] : [];
  const registries =
    ref.registry === 'index.docker.io'
      ? ['docker.io', 'index.docker.io']
      : [ref.registry];
  return registries.flatMap(registry => {
    const name = `${registry}/${ref.repository}`;
    return [
      ...(ref.tag ? [`${name}:${ref.tag}`] : []),
      ...(digest ? [`${name}@${digest}`] : []),
      ...(ref.tag && digest ? [`${name}:${ref.tag}@${digest}`] : []),
    ];
  });
}

/** Whether an image key Kyverno wrote names this image (its digest, or one of its forms). */
function sameImage(key: string, forms: string[], digest?: string): boolean {
  if (digest && key.endsWith(`@${digest}`)) return true;
  return forms.includes(key);
}

function outcomeOf(
  v: PodImageVerification | undefined,
  forms: string[],
  digest?: string,
): KyvernoImageStatus | undefined {
  if (!v) return undefined;
  for (const [key, status] of v.images) {
    if (sameImage(key, forms, digest)) return status;
  }
  for (const rules of v.scoped.values()) {
    for (const images of rules.values()) {
      for (const [key, status] of images) {
        if (sameImage(key, forms, digest)) return status;
      }
    }
  }
  return undefined;
}

function scopedOutcome(
  v: PodImageVerification,
  rule: ImageVerificationRule,
  forms: string[],
  digest?: string,
): KyvernoImageStatus | undefined {
  const images = v.scoped.get(rule.policyKey)?.get(rule.rule);
  for (const [key, status] of images ?? []) {
    if (sameImage(key, forms, digest)) return status;
  }
  return undefined;
}

/**
 * Whether a report result is about this image: Kyverno's verifyImages messages name the image
 * (`verified image signatures for <image>`, `failed to verify image <image>: …`,
 * imageverifier.go); a message naming no image applies to every image the rule covers.
 */
function aboutImage(
  message: string | undefined,
  forms: string[],
  digest?: string,
): boolean {
  if (!message) return true;
  const named =
    /(?:image(?: signatures| attestations)? for|verify image) (\S+?)(?::|\s|$)/.exec(
      message,
    );
  if (!named) return true;
  return (
    forms.some(f => message.includes(f)) ||
    (!!digest && message.includes(digest))
  );
}

/** Results of the pod's (or its controllers') policy reports, with the report they are in. */
function reportResultsFor(
  pod: KubeObject,
  w: { reports: { policy: KubeObject[] }; controllers: KubeObject[] },
): Array<{ report: KubeObject; result: ReportResult }> {
  const mine = new Set(
    [pod, ...w.controllers].map(o => o.metadata.uid).filter(Boolean),
  );
  const names = new Set(
    [pod, ...w.controllers].map(
      o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`,
    ),
  );
  const owns = (ref: Record<string, any> | undefined, ns?: string) =>
    !!ref &&
    ((!!ref.uid && mine.has(ref.uid)) ||
      names.has(`${ref.kind}/${ref.namespace ?? ns}/${ref.name}`));
  return w.reports.policy.flatMap(report => {
    const scope = obj(report.scope);
    const byScope =
      owns(scope, report.metadata.namespace) ||
      (report.metadata.ownerReferences ?? []).some(o => mine.has(o.uid));
    return list(report.results)
      .map(obj)
      .filter(
        r =>
          str(r.policy) &&
          (byScope ||
            list(r.resources).some(ref =>
              owns(obj(ref), report.metadata.namespace),
            )),
      )
      .map(r => ({ report, result: r as ReportResult }));
  });
}

interface ImageFacts {
  cluster: string;
  namespace: string;
  workload: string;
  container: string;
  image: string;
  digest?: string;
  outcome?: KyvernoImageStatus;
  covering: ImageVerificationRule[];
  judged: ImageVerificationRule[];
  reportResults: ReportResult[];
  entitySource?: string;
}

function judgeImage(f: ImageFacts): ProvenanceImage {
  const names = (rules: ImageVerificationRule[]) =>
    [...new Set(rules.map(r => `${r.policy}/${r.rule}`))].join(', ');
  const failed = f.reportResults.find(
    r => r.result === 'fail' || r.result === 'error',
  );
  const reportPassed = f.reportResults.some(r => r.result === 'pass');
  const audit =
    f.judged.length > 0 && f.judged.every(r => r.failureAction === 'Audit');
  let mode: 'Enforce' | 'Audit' | undefined;
  if (f.judged.length > 0) mode = audit ? 'Audit' : 'Enforce';
  const signers = f.judged.flatMap(r => [
    ...r.signers,
    ...r.attestations.flatMap(a => a.signers),
  ]);
  const attestations = f.judged.flatMap(r => r.attestations);
  const sbom = attestations.some(a => a.kind === 'sbom');
  const slsa = attestations.some(a => a.kind === 'slsa-provenance');
  const repositories = [
    ...new Set([
      ...attestations.flatMap(a => a.sourceRepositories),
      ...signers.map(signerRepository).filter((r): r is string => !!r),
    ]),
  ];
  let verification: ProvenanceImage['verification'] = 'unverified';
  if (f.outcome === 'pass') verification = 'verified';
  if (f.outcome === 'skip') verification = 'skipped';
  if (f.outcome === 'fail' || failed) verification = 'failed';
  const row = {
    cluster: f.cluster,
    namespace: f.namespace,
    workload: f.workload,
    container: f.container,
    image: f.image,
    ...(f.digest ? { digest: f.digest } : {}),
    verified: verification === 'verified' && !failed,
    verification,
    ...(mode ? { failureAction: mode } : {}),
    rules: f.judged.map(r => `${r.policy}/${r.rule}`),
    signers: dedupe(signers),
    sbom: sbom && verification === 'verified',
    slsaProvenance: slsa && verification === 'verified',
    ...(repositories.length ? { sourceRepositories: repositories } : {}),
  };
  const result = (status: Verdict, reason: string): ProvenanceImage => ({
    ...row,
    status,
    reason,
  });

  if (f.covering.length === 0 && !f.outcome) {
    return result(
      'fail',
      'runs unverified: no Kyverno verifyImages rule covers it.',
    );
  }
  if (f.outcome === 'skip') {
    return result(
      'fail',
      `runs unverified: Kyverno skipped it (skipImageReferences of ${names(
        f.judged,
      )}).`,
    );
  }
  if (f.outcome === 'fail' || failed) {
    const why = failed?.message ? ` (${failed.message})` : '';
    return result(
      'fail',
      audit
        ? `failed verification and runs because ${names(
            f.judged,
          )} is in Audit mode${why}.`
        : `failed verification${why}.`,
    );
  }
  if (!f.outcome) {
    return reportPassed
      ? result(
          'warn',
          `was not verified at admission (no kyverno.io/verify-images annotation; it predates ${names(
            f.judged,
          )}?), only by a background scan.`,
        )
      : result(
          'fail',
          `runs unverified: ${names(
            f.judged,
          )} covers it but Kyverno did not verify it at admission (created before the policy, or the webhook was bypassed).`,
        );
  }
  if (
    repositories.length &&
    f.entitySource &&
    !repositories.includes(f.entitySource)
  ) {
    return result(
      'fail',
      `has provenance from ${repositories.join(
        ', ',
      )}, not from the entity's source ${f.entitySource}.`,
    );
  }
  // A rule that also admits another repository's provenance does not vouch for this one's.
  const others = f.entitySource
    ? repositories.filter(r => r !== f.entitySource)
    : [];
  if (others.length) {
    return result(
      'warn',
      `is verified, but its rules also admit provenance from ${others.join(
        ', ',
      )}.`,
    );
  }
  if (audit) {
    return result(
      'warn',
      `is verified, but ${names(
        f.judged,
      )} is in Audit mode: an unsigned image would run too.`,
    );
  }
  const missing = [
    ...(sbom ? [] : ['an SBOM']),
    ...(slsa ? [] : ['an SLSA provenance']),
  ];
  if (missing.length) {
    return result(
      'warn',
      `is signed, but no rule requires ${missing.join(' or ')} attestation.`,
    );
  }
  if (repositories.length === 0) {
    return result(
      'warn',
      'is verified, but no rule pins the source repository (keyless subject or SLSA conditions).',
    );
  }
  return result(
    'pass',
    `is verified in Enforce mode with SBOM and SLSA provenance from ${repositories.join(
      ', ',
    )}.`,
  );
}

function dedupe<T>(items: T[]): T[] {
  const seen = new Map(items.map(i => [JSON.stringify(i), i]));
  return [...seen.values()];
}
