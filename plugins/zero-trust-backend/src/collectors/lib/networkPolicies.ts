import { NetworkPeer } from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeObject } from '../../sources/types';
import { specOf } from './istio';
import {
  LabelSelectorSpec,
  describeSelector,
  matchesLabelSelector,
} from './selectors';

/** What one policy says about one direction of traffic of a pod. */
export interface DirectionEffect {
  /** The policy puts the pod in default-deny for this direction. */
  isolates: boolean;
  /** …and selects every pod of its namespace (or cluster), so it is a baseline deny. */
  broad: boolean;
  allowed: NetworkPeer[];
  denied: NetworkPeer[];
  fqdns: string[];
}

export interface PolicyEffect {
  ingress?: DirectionEffect;
  egress?: DirectionEffect;
}

/** The pod as policies see it. */
export interface PolicyTarget {
  namespace: string;
  labels: Record<string, string>;
  serviceAccount: string;
}

interface NetworkPolicyPeer {
  podSelector?: LabelSelectorSpec;
  namespaceSelector?: LabelSelectorSpec;
  ipBlock?: { cidr?: string; except?: string[] };
}

interface NetworkPolicyRule {
  from?: NetworkPolicyPeer[];
  to?: NetworkPolicyPeer[];
  ports?: { protocol?: string; port?: number | string; endPort?: number }[];
}

interface NetworkPolicySpec {
  podSelector?: LabelSelectorSpec;
  policyTypes?: string[];
  ingress?: NetworkPolicyRule[];
  egress?: NetworkPolicyRule[];
}

const isEmptySelector = (s: LabelSelectorSpec | undefined) =>
  !s ||
  (Object.keys(s.matchLabels ?? {}).length === 0 &&
    (s.matchExpressions ?? []).length === 0);

export const ANY_CIDRS = ['0.0.0.0/0', '::/0'];

function portsOf(rule: NetworkPolicyRule): string[] {
  const ports = Array.isArray(rule.ports) ? rule.ports : [];
  return ports.map(p => {
    const proto = p?.protocol ?? 'TCP';
    if (p?.port === undefined) return `${proto}/*`;
    return p.endPort ? `${proto}/${p.port}-${p.endPort}` : `${proto}/${p.port}`;
  });
}

function describePeer(
  peer: NetworkPolicyPeer,
  policyNamespace: string,
): Pick<NetworkPeer, 'kind' | 'description'> {
  if (peer.ipBlock) {
    const except = peer.ipBlock.except?.length
      ? ` except ${peer.ipBlock.except.join(', ')}`
      : '';
    return { kind: 'cidr', description: `${peer.ipBlock.cidr}${except}` };
  }
  if (peer.namespaceSelector && peer.podSelector) {
    return {
      kind: 'pods',
      description: `pods ${describeSelector(
        peer.podSelector,
      )} in namespaces ${describeSelector(peer.namespaceSelector)}`,
    };
  }
  if (peer.namespaceSelector) {
    return {
      kind: 'namespace',
      description: `namespaces ${describeSelector(peer.namespaceSelector)}`,
    };
  }
  return {
    kind: 'pods',
    description: `pods ${describeSelector(
      peer.podSelector,
    )} in ${policyNamespace}`,
  };
}

/**
 * The effect of a `networking.k8s.io/v1` NetworkPolicy on a pod, or undefined when it does not
 * select it. `policyTypes` defaults as the API server does: Ingress always, Egress when the policy
 * has egress rules.
 */
export function networkPolicyEffect(
  policy: KubeObject,
  target: PolicyTarget,
): PolicyEffect | undefined {
  const spec = specOf<NetworkPolicySpec>(policy);
  const namespace = policy.metadata.namespace ?? '';
  if (namespace !== target.namespace) return undefined;
  if (!matchesLabelSelector(spec.podSelector ?? {}, target.labels)) {
    return undefined;
  }
  const types = Array.isArray(spec.policyTypes)
    ? spec.policyTypes
    : ['Ingress', ...(Array.isArray(spec.egress) ? ['Egress'] : [])];
  const ref = {
    cluster: '',
    namespace,
    name: policy.metadata.name,
    kind: 'NetworkPolicy',
  };
  const direction = (
    rules: unknown,
    peersKey: 'from' | 'to',
  ): DirectionEffect => {
    const allowed: NetworkPeer[] = [];
    for (const rule of Array.isArray(rules)
      ? (rules as NetworkPolicyRule[])
      : []) {
      if (!rule || typeof rule !== 'object') continue;
      const ports = portsOf(rule);
      const peers = rule[peersKey];
      if (!Array.isArray(peers) || peers.length === 0) {
        allowed.push({
          kind: 'any',
          description: 'anywhere',
          ports,
          policy: ref,
        });
        continue;
      }
      for (const peer of peers) {
        if (!peer || typeof peer !== 'object') continue;
        allowed.push({ ...describePeer(peer, namespace), ports, policy: ref });
      }
    }
    return {
      isolates: true,
      broad: isEmptySelector(spec.podSelector),
      allowed,
      denied: [],
      fqdns: [],
    };
  };
  return {
    ...(types.includes('Ingress')
      ? { ingress: direction(spec.ingress, 'from') }
      : {}),
    ...(types.includes('Egress')
      ? { egress: direction(spec.egress, 'to') }
      : {}),
  };
}

/** Does a peer open the direction to the internet? */
export function isWorld(peer: NetworkPeer): boolean {
  if (peer.kind === 'any') return true;
  if (peer.kind === 'entity')
    return ['world', 'all'].includes(peer.description);
  if (peer.kind === 'cidr')
    return ANY_CIDRS.some(c => peer.description.startsWith(c));
  return false;
}
