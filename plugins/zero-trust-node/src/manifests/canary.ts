import { ServiceSpec } from './ServiceSpec';
import { ManifestObject, POLICY_SYNC_WAVE, objectMeta } from './objectMeta';

const REVISION_LABEL = 'service.istio.io/canonical-revision';

export function analysisTemplateName(spec: ServiceSpec): string {
  return `${spec.name}-canary`;
}

/**
 * Canary steps for an Argo Rollout. Without trafficRouting, Argo Rollouts approximates the weight
 * by scaling canary and stable ReplicaSets behind the same Service, which needs no extra mesh
 * objects and works in sidecar and ambient mode alike.
 */
export function rolloutStrategy(spec: ServiceSpec) {
  const analysis = {
    templates: [{ templateName: analysisTemplateName(spec) }],
    args: [
      { name: 'service-name', value: spec.name },
      { name: 'namespace', value: spec.namespace },
      // The canary's pods are named <rollout>-<pod-template-hash>-<suffix>.
      { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
    ],
  };
  return {
    canary: {
      maxSurge: 1,
      maxUnavailable: 0,
      // Istio labels its metrics with the canonical revision, so the analysis can look at the
      // canary's pods alone instead of the whole service.
      canaryMetadata: { labels: { [REVISION_LABEL]: 'canary' } },
      stableMetadata: { labels: { [REVISION_LABEL]: 'stable' } },
      steps: spec.canary.steps.map(step => {
        if ('setWeight' in step) {
          return { setWeight: step.setWeight };
        }
        if ('pause' in step) {
          return {
            pause: step.pause.duration ? { duration: step.pause.duration } : {},
          };
        }
        return { analysis };
      }),
    },
  };
}

function prometheusMetric(
  spec: ServiceSpec,
  name: string,
  query: string,
  successCondition: string,
  failureLimit: number,
) {
  return {
    name,
    interval: '1m',
    count: 3,
    successCondition,
    failureLimit,
    provider: { prometheus: { address: spec.canary.prometheusAddress, query } },
  };
}

// Istio's standard metric for the canary's pods, as reported by the destination (sidecar or
// waypoint).
const istioRequests = (extra: string) =>
  `istio_requests_total{reporter="destination",destination_workload_namespace="{{args.namespace}}",destination_workload="{{args.service-name}}",destination_canonical_revision="canary"${extra}}`;

/**
 * Gates each analysis step on three signals: the success rate, requests the AuthorizationPolicy
 * denied (a canary that suddenly calls what it should not) and Falco alerts raised in the canary's
 * pods (falcosidekick's Prometheus output). `or vector(...)` keeps a quiet service from failing
 * the analysis for lack of data.
 */
export function analysisTemplate(spec: ServiceSpec): ManifestObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: objectMeta(spec, analysisTemplateName(spec), {
      annotations: POLICY_SYNC_WAVE,
    }),
    spec: {
      args: [
        { name: 'service-name' },
        { name: 'namespace' },
        { name: 'canary-hash' },
      ],
      metrics: [
        prometheusMetric(
          spec,
          'success-rate',
          `(sum(rate(${istioRequests(
            ',response_code!~"5.."',
          )}[2m])) / sum(rate(${istioRequests('')}[2m]))) or vector(1)`,
          'result[0] >= 0.99',
          1,
        ),
        prometheusMetric(
          spec,
          'authorization-denies',
          `sum(increase(${istioRequests(
            ',response_code="403",response_flags=~".*RBAC.*"',
          )}[2m])) or vector(0)`,
          'result[0] == 0',
          0,
        ),
        prometheusMetric(
          spec,
          'falco-alerts',
          'sum(increase(falcosecurity_falcosidekick_falco_events_total{k8s_ns_name="{{args.namespace}}",k8s_pod_name=~"{{args.service-name}}-{{args.canary-hash}}-.*",priority=~"Emergency|Alert|Critical|Error|Warning"}[5m])) or vector(0)',
          'result[0] == 0',
          0,
        ),
      ],
    },
  };
}
