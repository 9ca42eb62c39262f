import { ServiceSpec } from './ServiceSpec';
import {
  ManifestObject,
  POLICY_SYNC_WAVE,
  objectMeta,
  selectorLabels,
} from './objectMeta';

/** Hosts IRSA needs: the SDKs exchange the projected token at the (regional) STS endpoint. */
const EKS_STS_HOSTS = ['sts.amazonaws.com', 'sts.*.amazonaws.com'];

/** External hosts the service may reach: the spec's list plus what its cloud identity needs. */
export function egressHosts(spec: ServiceSpec): string[] {
  const hosts = [...spec.egressFqdns];
  if (spec.cloudIdentity.provider === 'eks') {
    hosts.push(...EKS_STS_HOSTS.filter(h => !hosts.includes(h)));
  }
  return hosts;
}

/**
 * The FQDN egress allowlist. Cilium learns which IPs a name resolves to by proxying the pod's DNS
 * queries, so the policy must also allow DNS to kube-dns with an L7 DNS rule; without it, toFQDNs
 * never matches anything.
 */
export function ciliumEgressPolicy(
  spec: ServiceSpec,
): ManifestObject | undefined {
  const hosts = egressHosts(spec);
  if (hosts.length === 0) {
    return undefined;
  }
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: objectMeta(spec, `${spec.name}-egress-fqdn`, {
      annotations: POLICY_SYNC_WAVE,
    }),
    spec: {
      endpointSelector: { matchLabels: selectorLabels(spec) },
      egress: [
        {
          toEndpoints: [
            {
              matchLabels: {
                'k8s:io.kubernetes.pod.namespace': 'kube-system',
                'k8s:k8s-app': 'kube-dns',
              },
            },
          ],
          toPorts: [
            {
              ports: [{ port: '53', protocol: 'ANY' }],
              rules: { dns: [{ matchPattern: '*' }] },
            },
          ],
        },
        {
          toFQDNs: hosts.map(host =>
            host.includes('*') ? { matchPattern: host } : { matchName: host },
          ),
          toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }],
        },
      ],
    },
  };
}
