import { ControlId } from '@zero-trust-k8s/plugin-zero-trust-common';

/**
 * What each control checks and what makes it pass, warn or fail, in words an assistant can repeat
 * to a developer. Kept beside the actions that explain controls; the collectors' doc comments are
 * the long form.
 */
export const CONTROL_DESCRIPTIONS: Record<ControlId, string> = {
  mtls: "Every pod of the workload is in the Istio mesh (sidecar or ambient) and the effective PeerAuthentication (workload > namespace > mesh-wide > Istio's PERMISSIVE default, port-level modes included) requires mutual TLS. Plain-text traffic accepted on any port warns or fails.",
  authorization:
    'Istio AuthorizationPolicies apply to the workload (by selector, namespace, root namespace or a waypoint it is bound to), so that deny-by-default holds, and say who may call it. ALLOW rules open to any source, deny lists without an allow list, Service-attached policies no waypoint enforces, and drift from the callers the catalog declares are warnings.',
  segmentation:
    'NetworkPolicies and Cilium policies put the pods in default-deny for ingress and egress. Ingress open to anywhere on every port, or egress to the internet that nothing denies, warns; FQDN allowlists are listed.',
  admission:
    "Policy engine reports (Kyverno's PolicyReports or openreports Reports, Trivy's ConfigAuditReports) about the workload's pods and controllers: a fail or error result fails the control, a warn result warns.",
  sbom: 'Every image the workload runs has a Trivy SbomReport holding a valid CycloneDX BOM. Some running image uncovered (or only by an unusable BOM) warns; no SbomReport at all fails.',
  vulnerabilities:
    'Trivy VulnerabilityReports of the running images: findings at the configured fail severity or worse fail, at the warn severity warn; a running image without a report warns.',
  rollout:
    'Argo Rollouts progressive delivery: the Rollout step, canary weight and latest AnalysisRun. An aborted or degraded Rollout or a failed analysis fails, an inconclusive analysis warns; plain Deployments are not applicable.',
  gitops:
    'Argo CD Applications manage the workload and the security objects protecting it. A security object (network, Istio or Kyverno policy, RBAC, ExternalSecret) OutOfSync fails; other drift, degraded health or unmanaged objects warn.',
  secrets:
    'The Secrets the pods read come from ExternalSecrets that are synced and current (Secrets themselves are never read). A failed or missing sync fails; a pending or stale sync, or a hand-made Secret, warns.',
  runtime:
    'Falco events about the pods, as falcosidekick reports them: Error and above fail, Warning warns, Notice and below are listed only. Without any falcosidekick report in the cluster the control is unknown.',
  identity:
    'The ServiceAccounts the pods run as, their cloud identity and token mounting, and the roles bound to them. A binding to cluster-admin, admin or edit, wildcard rules or Secret reads fail; pods on the shared default ServiceAccount warn.',
  provenance:
    "Every image the pods run, by digest, was verified at admission: its Cosign signature (key or keyless identity: issuer and subject, the CI workflow that built it) and its SBOM and SLSA provenance attestations, from Kyverno verifyImages results (and Sigstore policy-controller's where installed). An image running without verification (Audit mode, or no policy covering it) fails.",
  flows:
    "Flows Hubble Relay observed to and from the workload's pods in a recent window: dropped or denied flows (verdict, drop reason, peer identity, port) warn, and so do flows the policy let through to or from a peer the catalog does not declare as a dependency. No Hubble Relay configured for the cluster is not-installed.",
  cis: "The CIS Kubernetes benchmark of the clusters the workload runs in, from Trivy Operator's ClusterComplianceReport (k8s-cis) and kube-bench's results as a ClusterPolicyReport. It is cluster context: a failing cluster shows as a warning on the component (not its own fault) and as a failure on the System page.",
};
