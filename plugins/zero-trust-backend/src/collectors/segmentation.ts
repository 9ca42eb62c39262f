import {
  NetworkPeer,
  SegmentationDetails,
  SegmentationDirection,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { ciliumPolicyEffect } from './lib/cilium';
import {
  PolicyEffect,
  isWorld,
  networkPolicyEffect,
} from './lib/networkPolicies';
import { Verdict, worst } from './lib/status';
import { Collector } from './types';

const POLICY_KINDS = [
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumNetworkPolicy' },
  { group: 'cilium.io', kind: 'CiliumClusterwideNetworkPolicy' },
];

const emptyDirection = (): SegmentationDirection => ({
  isolated: false,
  defaultDeny: false,
  allowed: [],
  denied: [],
});

const allPorts = (p: NetworkPeer) =>
  p.ports.length === 0 || p.ports.some(port => port.endsWith('/*'));

const peerKey = (p: NetworkPeer) =>
  `${p.policy.kind}/${p.policy.namespace}/${p.policy.name}/${p.kind}/${
    p.description
  }/${p.ports.join()}`;

/**
 * Segmentation: do NetworkPolicies and Cilium policies put the pods in default-deny both ways, and
 * what do they still allow? Ingress open to anywhere on every port, or egress to the internet
 * (`world`, `0.0.0.0/0`, a rule without peers) not denied elsewhere, are warnings; FQDN
 * allowlists (`toFQDNs`) are listed as such.
 */
export const collectSegmentation: Collector<'segmentation'> = ctx => {
  const gated = gateOnKinds('segmentation', ctx, POLICY_KINDS);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const ingress = emptyDirection();
  const egress = { ...emptyDirection(), fqdns: [] as string[], world: false };
  const seen = new Set<string>();
  const policies: SegmentationDetails['policies'] = [];
  let pods = 0;
  let isolatedIngressPods = 0;
  let isolatedEgressPods = 0;
  let worldPods = 0;

  for (const w of ctx.workloads) {
    const candidates = POLICY_KINDS.flatMap(k =>
      w.cluster.objects(k.group, k.kind),
    );
    for (const pod of w.pods) {
      pods++;
      const target = {
        namespace: pod.metadata.namespace ?? '',
        labels: pod.metadata.labels ?? {},
        serviceAccount:
          ((pod.spec as { serviceAccountName?: string })
            ?.serviceAccountName as string) || 'default',
      };
      const podEffects: PolicyEffect[] = [];
      for (const policy of candidates) {
        const effect =
          policy.kind === 'NetworkPolicy'
            ? networkPolicyEffect(policy, target)
            : ciliumPolicyEffect(policy, target);
        if (!effect) continue;
        podEffects.push(effect);
        evidence.add(w.cluster, policy);
        const id = `${w.cluster.name}/${policy.kind}/${
          policy.metadata.namespace ?? ''
        }/${policy.metadata.name}`;
        if (!seen.has(id)) {
          seen.add(id);
          policies.push({
            cluster: w.cluster.name,
            namespace: policy.metadata.namespace,
            name: policy.metadata.name,
            kind: policy.kind,
          });
        }
      }
      const withCluster = (p: NetworkPeer): NetworkPeer => ({
        ...p,
        policy: { ...p.policy, cluster: w.cluster.name },
      });
      let podIngressIsolated = false;
      let podEgressIsolated = false;
      let podWorld = false;
      let podWorldDenied = false;
      for (const effect of podEffects) {
        if (effect.ingress) {
          podIngressIsolated ||= effect.ingress.isolates;
          ingress.defaultDeny ||=
            effect.ingress.isolates &&
            effect.ingress.broad &&
            effect.ingress.allowed.length === 0;
          ingress.allowed.push(...effect.ingress.allowed.map(withCluster));
          ingress.denied.push(...effect.ingress.denied.map(withCluster));
        }
        if (effect.egress) {
          podEgressIsolated ||= effect.egress.isolates;
          egress.defaultDeny ||=
            effect.egress.isolates &&
            effect.egress.broad &&
            effect.egress.allowed.length === 0;
          egress.allowed.push(...effect.egress.allowed.map(withCluster));
          egress.denied.push(...effect.egress.denied.map(withCluster));
          egress.fqdns.push(...effect.egress.fqdns);
          podWorld ||= effect.egress.allowed.some(isWorld);
          podWorldDenied ||= effect.egress.denied.some(isWorld);
        }
      }
      if (podIngressIsolated) isolatedIngressPods++;
      if (podEgressIsolated) isolatedEgressPods++;
      // A pod not isolated for egress reaches everything, the internet included.
      if (!podEgressIsolated || (podWorld && !podWorldDenied)) worldPods++;
    }
  }

  const dedupe = (peers: NetworkPeer[]) => {
    const byKey = new Map(peers.map(p => [peerKey(p), p]));
    return [...byKey.values()];
  };
  ingress.isolated = pods > 0 && isolatedIngressPods === pods;
  ingress.allowed = dedupe(ingress.allowed);
  ingress.denied = dedupe(ingress.denied);
  egress.isolated = pods > 0 && isolatedEgressPods === pods;
  egress.allowed = dedupe(egress.allowed);
  egress.denied = dedupe(egress.denied);
  egress.fqdns = [...new Set(egress.fqdns)];
  egress.world = worldPods > 0;
  const details: SegmentationDetails = { ingress, egress, policies };
  const base = {
    control: 'segmentation' as const,
    details,
    evidence: evidence.list(),
  };

  if (pods === 0) {
    return { ...base, status: 'unknown', summary: 'No running pods to check.' };
  }
  if (isolatedIngressPods === 0 && isolatedEgressPods === 0) {
    return {
      ...base,
      status: 'fail',
      summary:
        'No NetworkPolicy or Cilium policy selects the pods: all traffic is allowed both ways.',
    };
  }
  const verdicts: Verdict[] = [];
  const problems: string[] = [];
  if (!ingress.isolated) {
    verdicts.push('warn');
    problems.push('ingress is not restricted');
  }
  if (!egress.isolated) {
    verdicts.push('warn');
    problems.push('egress is not restricted');
  } else if (egress.world) {
    verdicts.push('warn');
    problems.push('egress to the internet is allowed');
  }
  const openIngress = ingress.allowed.filter(
    p => p.kind === 'any' && allPorts(p),
  );
  if (openIngress.length > 0) {
    verdicts.push('warn');
    problems.push(
      `ingress from anywhere on every port is allowed by ${openIngress
        .map(p => p.policy.name)
        .join(', ')}`,
    );
  }
  const status = worst(verdicts);
  if (status !== 'pass') {
    const text = problems.join('; ');
    return {
      ...base,
      status,
      summary: `${text.charAt(0).toUpperCase()}${text.slice(1)}.`,
    };
  }
  const fqdns = egress.fqdns.length ? `; FQDNs ${egress.fqdns.join(', ')}` : '';
  return {
    ...base,
    status: 'pass',
    summary: `Default-deny both ways; ingress from ${ingress.allowed.length} peer rule(s), egress to ${egress.allowed.length}${fqdns}.`,
  };
};
