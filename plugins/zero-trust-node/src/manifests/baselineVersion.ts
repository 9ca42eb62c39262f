/**
 * One entry of the baseline's changelog: what a version changed in the generated trees and why.
 * Upgrade pull requests quote the entries between a tree's recorded version and the current one.
 *
 * @public
 */
export interface BaselineChange {
  /** 1, 2, 3, …: what trees record as `baseline`. */
  version: number;
  /** What the generated files gained or lost, in a sentence or two. */
  summary: string;
  /** Why, for the reviewer of an upgrade pull request. */
  why: string;
}

/**
 * The versions of the Zero Trust baseline, oldest first. Add an entry and bump
 * {@link BASELINE_VERSION} in the same change whenever `generateManifests` writes different files
 * for the same ServiceSpec (the baseline fingerprint test fails until you do): trees record the
 * version that produced them, and `zerotrust:baseline:upgrade` proposes the difference.
 *
 * @public
 */
export const BASELINE_CHANGELOG: readonly BaselineChange[] = [
  {
    version: 1,
    summary:
      'The first Zero Trust baseline: restricted Pod Security with a read-only root filesystem, default-deny NetworkPolicies and Cilium egress to the catalog dependencies only, Istio mTLS STRICT with an AuthorizationPolicy per caller, ExternalSecrets, Kustomize overlays and Argo CD Applications per environment.',
    why: 'A new service is secure before its first pod exists.',
  },
  {
    version: 2,
    summary:
      'Production overlays: a PodDisruptionBudget in every overlay with more than one replica, topology spread across nodes and zones, a readiness probe apart from liveness, and ephemeral-storage requests and limits.',
    why: 'A node drain could evict every replica at once, all replicas could land on one node or zone, a pod that was only unready got restarted, and a pod writing logs or /tmp had no disk bound, so the kubelet could evict its neighbours.',
  },
  {
    version: 3,
    summary:
      'Containers pull their image on every start (imagePullPolicy Always).',
    why: "With IfNotPresent a pod could run a private image another tenant left in the node's cache without having pull credentials for it (CIS Kubernetes 1.2.11, kube-score's container-image-pull-policy); with a pinned tag it costs one manifest request per start.",
  },
  {
    version: 4,
    summary:
      'The tree records what produced it in zero-trust.yaml: the ServiceSpec with its defaults, the baseline version and the git blob sha of every generated file.',
    why: 'So later baselines can be rolled out to every generated service by zerotrust:baseline:upgrade, which tells hand edits from generated content and keeps them.',
  },
];

/**
 * The baseline version `generateManifests` writes today: the last entry of
 * {@link BASELINE_CHANGELOG}.
 *
 * @public
 */
export const BASELINE_VERSION: number =
  BASELINE_CHANGELOG[BASELINE_CHANGELOG.length - 1].version;

/** The changelog entries a tree at `version` has not seen yet, oldest first. */
export function baselineChangesSince(version: number): BaselineChange[] {
  return BASELINE_CHANGELOG.filter(c => c.version > version);
}

/** True for a version of the changelog. */
export function isKnownBaselineVersion(version: unknown): version is number {
  return BASELINE_CHANGELOG.some(c => c.version === version);
}
