import {
  ClusterHealth,
  ControlId,
  WATCHED_KINDS,
} from '@zero-trust-k8s/plugin-zero-trust-common';

// Who serves each API group, so "not installed" can say what to install.
const PROVIDERS: Record<string, string> = {
  'security.istio.io': 'Istio',
  'networking.istio.io': 'Istio',
  'gateway.networking.k8s.io': 'the Gateway API CRDs',
  'cilium.io': 'Cilium',
  'wgpolicyk8s.io':
    'Kyverno (or another PolicyReport producer such as falcosidekick)',
  'openreports.io': 'Kyverno 1.15+ with OpenReports',
  'aquasecurity.github.io': 'the Trivy Operator',
  'argoproj.io': 'Argo Rollouts / Argo CD',
  'external-secrets.io': 'the External Secrets Operator',
};

const resource = (group: string, plural: string) =>
  group ? `${plural}.${group}` : plural;

/**
 * What to do about a control that reads "not installed" or "forbidden": the kinds it needs that
 * are in that state in some cluster, with the product to install or the RBAC rule to add.
 */
export function stateHelp(
  control: ControlId,
  clusters: ClusterHealth[],
): string[] {
  const needed = WATCHED_KINDS.filter(k =>
    k.usedBy.split(/[,\s()]+/).includes(control),
  );
  return clusters.flatMap(cluster =>
    (cluster.kinds ?? []).flatMap(kind => {
      const watched = needed.find(
        k => k.group === kind.group && k.kind === kind.kind,
      );
      if (!watched) return [];
      if (kind.state === 'not-installed') {
        return [
          `${cluster.name}: ${kind.kind} (${
            kind.group
          }) is not served; install ${
            PROVIDERS[kind.group] ??
            `the CRD ${resource(kind.group, watched.plural)}`
          }.`,
        ];
      }
      if (kind.state === 'forbidden') {
        return [
          `${cluster.name}: the backend may not read ${
            kind.kind
          }; add get, list, watch on ${resource(
            kind.group,
            watched.plural,
          )} to its ClusterRole (see the rbac/ folder of @zero-trust-k8s/plugin-zero-trust-backend).`,
        ];
      }
      return [];
    }),
  );
}
