import { NetworkPeer } from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeObject } from '../../sources/types';
import { DirectionEffect, PolicyEffect, PolicyTarget } from './networkPolicies';
import {
  LabelSelectorSpec,
  describeSelector,
  matchesLabelSelector,
} from './selectors';

interface PortRule {
  ports?: { port?: string | number; protocol?: string; endPort?: number }[];
  rules?: { dns?: unknown[]; http?: unknown[] };
}

interface CiliumPeerFields {
  fromEndpoints?: LabelSelectorSpec[];
  toEndpoints?: LabelSelectorSpec[];
  fromEntities?: string[];
  toEntities?: string[];
  fromCIDR?: string[];
  toCIDR?: string[];
  fromCIDRSet?: { cidr?: string; except?: string[] }[];
  toCIDRSet?: { cidr?: string; except?: string[] }[];
  toFQDNs?: { matchName?: string; matchPattern?: string }[];
  toServices?: { k8sService?: { serviceName?: string; namespace?: string } }[];
  toPorts?: PortRule[];
}

interface CiliumRule {
  endpointSelector?: LabelSelectorSpec;
  nodeSelector?: LabelSelectorSpec;
  ingress?: CiliumPeerFields[];
  ingressDeny?: CiliumPeerFields[];
  egress?: CiliumPeerFields[];
  egressDeny?: CiliumPeerFields[];
  enableDefaultDeny?: { ingress?: boolean; egress?: boolean };
}

const NAMESPACE_KEY = 'io.kubernetes.pod.namespace';
const SERVICE_ACCOUNT_KEY = 'io.cilium.k8s.policy.serviceaccount';

/** Cilium selector keys carry a source prefix (`k8s:app`, `any:app`); pods' labels do not. */
function normalize(selector: LabelSelectorSpec | undefined): LabelSelectorSpec {
  const strip = (key: string) =>
    key.replace(/^(k8s|any|container|reserved):/, '');
  return {
    matchLabels: Object.fromEntries(
      Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => [
        strip(k),
        v,
      ]),
    ),
    matchExpressions: (Array.isArray(selector?.matchExpressions)
      ? selector!.matchExpressions
      : []
    ).map(e => ({ ...e, key: strip(e.key) })),
  };
}

/** A selector that constrains nothing but the namespace selects a whole namespace (or more). */
function onlyNamespaceKeys(selector: LabelSelectorSpec): boolean {
  return [
    ...Object.keys(selector.matchLabels ?? {}),
    ...(selector.matchExpressions ?? []).map(e => e.key),
  ].every(k => k === NAMESPACE_KEY);
}

function portsOf(fields: CiliumPeerFields): { ports: string[]; l7: string[] } {
  const rules = Array.isArray(fields.toPorts) ? fields.toPorts : [];
  const ports = rules.flatMap(r =>
    (Array.isArray(r?.ports) ? r.ports : []).map(
      p =>
        `${p?.protocol ?? 'ANY'}/${p?.port ?? '*'}${
          p?.endPort ? `-${p.endPort}` : ''
        }`,
    ),
  );
  const l7 = rules.flatMap(r => [
    ...(Array.isArray(r?.rules?.dns) ? ['dns'] : []),
    ...(Array.isArray(r?.rules?.http) ? ['http'] : []),
  ]);
  return { ports, l7 };
}

function peersOf(
  fields: CiliumPeerFields,
  direction: 'ingress' | 'egress',
  policyRef: NetworkPeer['policy'],
  policyNamespace: string | undefined,
): { peers: NetworkPeer[]; fqdns: string[] } {
  const { ports } = portsOf(fields);
  const peers: NetworkPeer[] = [];
  const fqdns: string[] = [];
  const add = (kind: NetworkPeer['kind'], description: string) =>
    peers.push({ kind, description, ports, policy: policyRef });
  const from = direction === 'ingress';
  for (const sel of (from ? fields.fromEndpoints : fields.toEndpoints) ?? []) {
    const n = normalize(sel);
    const ns = n.matchLabels?.[NAMESPACE_KEY] ?? policyNamespace;
    delete n.matchLabels?.[NAMESPACE_KEY];
    add('pods', `endpoints ${describeSelector(n)}${ns ? ` in ${ns}` : ''}`);
  }
  for (const entity of (from ? fields.fromEntities : fields.toEntities) ?? []) {
    add('entity', String(entity));
  }
  for (const cidr of (from ? fields.fromCIDR : fields.toCIDR) ?? []) {
    add('cidr', String(cidr));
  }
  for (const set of (from ? fields.fromCIDRSet : fields.toCIDRSet) ?? []) {
    const except = set?.except?.length
      ? ` except ${set.except.join(', ')}`
      : '';
    add('cidr', `${set?.cidr}${except}`);
  }
  if (!from) {
    for (const fqdn of fields.toFQDNs ?? []) {
      const name = fqdn?.matchName ?? fqdn?.matchPattern;
      if (!name) continue;
      fqdns.push(name);
      add('fqdn', name);
    }
    for (const svc of fields.toServices ?? []) {
      const s = svc?.k8sService;
      if (s?.serviceName)
        add(
          'pods',
          `service ${s.namespace ?? policyNamespace}/${s.serviceName}`,
        );
    }
  }
  if (peers.length === 0 && ports.length > 0) {
    // Only toPorts: any peer on those ports.
    add('any', 'anywhere');
  }
  return { peers, fqdns };
}

/**
 * The effect of a `cilium.io/v2` CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy on a pod, or
 * undefined when no rule of it selects the pod. As in Cilium's default enforcement mode, a rule
 * with an ingress (egress) section — allow or deny — puts the endpoint in default-deny for that
 * direction, unless `enableDefaultDeny` turns that off. Host policies (`nodeSelector`) are skipped.
 */
export function ciliumPolicyEffect(
  policy: KubeObject,
  target: PolicyTarget,
): PolicyEffect | undefined {
  const clusterwide = policy.kind === 'CiliumClusterwideNetworkPolicy';
  const namespace = policy.metadata.namespace;
  if (!clusterwide && namespace !== target.namespace) return undefined;
  const labels = {
    ...target.labels,
    [NAMESPACE_KEY]: target.namespace,
    [SERVICE_ACCOUNT_KEY]: target.serviceAccount,
  };
  const raw = policy as { spec?: CiliumRule; specs?: CiliumRule[] };
  const rules = [
    ...(raw.spec && typeof raw.spec === 'object' ? [raw.spec] : []),
    ...(Array.isArray(raw.specs) ? raw.specs : []),
  ];
  const policyRef = {
    cluster: '',
    namespace,
    name: policy.metadata.name,
    kind: policy.kind,
  };
  const effect: PolicyEffect = {};
  const merge = (key: 'ingress' | 'egress', part: DirectionEffect) => {
    const current = effect[key];
    effect[key] = current
      ? {
          isolates: current.isolates || part.isolates,
          broad: current.broad || part.broad,
          allowed: [...current.allowed, ...part.allowed],
          denied: [...current.denied, ...part.denied],
          fqdns: [...current.fqdns, ...part.fqdns],
        }
      : part;
  };
  let selected = false;
  for (const rule of rules) {
    if (
      !rule ||
      typeof rule !== 'object' ||
      rule.nodeSelector ||
      !rule.endpointSelector
    )
      continue;
    const selector = normalize(rule.endpointSelector);
    if (!matchesLabelSelector(selector, labels)) continue;
    selected = true;
    const broad = onlyNamespaceKeys(selector);
    for (const direction of ['ingress', 'egress'] as const) {
      const allows = rule[direction];
      const denies = rule[`${direction}Deny` as const];
      if (!Array.isArray(allows) && !Array.isArray(denies)) continue;
      const allowed = (Array.isArray(allows) ? allows : []).map(f =>
        peersOf(
          f ?? {},
          direction,
          policyRef,
          clusterwide ? undefined : namespace,
        ),
      );
      const denied = (Array.isArray(denies) ? denies : []).map(f =>
        peersOf(
          f ?? {},
          direction,
          policyRef,
          clusterwide ? undefined : namespace,
        ),
      );
      merge(direction, {
        isolates: rule.enableDefaultDeny?.[direction] !== false,
        broad,
        allowed: allowed.flatMap(a => a.peers),
        denied: denied.flatMap(d => d.peers),
        fqdns: allowed.flatMap(a => a.fqdns),
      });
    }
  }
  return selected ? effect : undefined;
}
