import { IstioObject } from '../objects';

/**
 * Istio objects copied from upstream docs and test data, each with its source. Namespaces were
 * added where the upstream object relies on a default.
 */

// https://istio.io/latest/docs/reference/config/security/peer_authentication/ (first example)
export const namespaceStrict: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: 'foo' },
  spec: { mtls: { mode: 'STRICT' } },
};

// https://istio.io/latest/docs/reference/config/security/peer_authentication/
// ("enables strict mTLS for all finance workloads, but leaves the port 8080 to plaintext")
export const financeStrictPort8080Disable: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: 'foo' },
  spec: {
    selector: { matchLabels: { app: 'finance' } },
    mtls: { mode: 'STRICT' },
    portLevelMtls: { 8080: { mode: 'DISABLE' } },
  },
};

// istio/istio@86c9f01 pilot/pkg/serviceregistry/ambient/testdata/
// peer-authn-strict-root-unset-workload-port-mtls-strict-and-permissive-in.yaml
export const meshStrictDefault: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default-mesh', namespace: 'istio-system' },
  spec: { mtls: { mode: 'STRICT' } },
};
export const workloadUnsetPorts: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'workload', namespace: 'foo' },
  spec: {
    selector: { matchLabels: { app: 'a' } },
    portLevelMtls: { 9090: { mode: 'PERMISSIVE' }, 8080: { mode: 'STRICT' } },
  },
};

// istio/istio@86c9f01 pilot/pkg/serviceregistry/ambient/testdata/peer-authn-disable-in.yaml
export const disableMtls: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'disable-mtls', namespace: 'foo' },
  spec: { mtls: { mode: 'DISABLE' } },
};

// istio/istio@86c9f01 pilot/pkg/serviceregistry/ambient/testdata/peer-authn-strict-and-disable-port-mtls-in.yaml
export const strictAndDisablePort: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'strict-and-disable-mtls', namespace: 'foo' },
  spec: {
    selector: { matchLabels: { app: 'a' } },
    mtls: { mode: 'STRICT' },
    portLevelMtls: { 9090: { mode: 'DISABLE' } },
  },
};

// https://istio.io/latest/docs/reference/config/security/authorization-policy/ ("allow-nothing")
export const allowNothing: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'allow-nothing', namespace: 'foo' },
  spec: {},
};

// https://istio.io/latest/docs/reference/config/security/authorization-policy/ ("deny-all")
export const denyAll: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'deny-all', namespace: 'foo' },
  spec: { action: 'DENY', rules: [{}] },
};

// https://istio.io/latest/docs/reference/config/security/authorization-policy/ ("allow-all")
export const allowAll: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'allow-all', namespace: 'foo' },
  spec: { action: 'ALLOW', rules: [{}] },
};

// https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/ ("deny-path-headers")
export const dryRunDeny: IstioObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: {
    name: 'deny-path-headers',
    namespace: 'foo',
    annotations: { 'istio.io/dry-run': 'true' },
  },
  spec: {
    selector: { matchLabels: { app: 'httpbin' } },
    action: 'DENY',
    rules: [{ to: [{ operation: { paths: ['/headers'] } }] }],
  },
};

// https://istio.io/latest/docs/ambient/getting-started/enforce-auth-policies/ ("productpage-viewer",
// attached to the productpage Service for its waypoint); `group` varied by the tests
export const serviceTargetRef = (group: string): IstioObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'productpage-viewer', namespace: 'default' },
  spec: {
    targetRefs: [{ kind: 'Service', group, name: 'productpage' }],
    action: 'ALLOW',
    rules: [
      {
        from: [
          { source: { principals: ['cluster.local/ns/default/sa/curl'] } },
        ],
        to: [{ operation: { methods: ['GET'] } }],
      },
    ],
  },
});

// Modelled on https://istio.io/latest/docs/ambient/usage/l7-features/ (a policy whose targetRefs
// name the waypoint Gateway itself)
export const gatewayTargetRef = (namespace = 'default'): IstioObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'waypoint-policy', namespace },
  spec: {
    targetRefs: [
      { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' },
    ],
    action: 'ALLOW',
    rules: [
      {
        from: [
          { source: { principals: ['cluster.local/ns/default/sa/curl'] } },
        ],
      },
    ],
  },
});

// `istioctl waypoint generate` output, https://istio.io/latest/docs/ambient/usage/waypoint/
export const waypointGateway = (namespace = 'default'): IstioObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: {
    name: 'waypoint',
    namespace,
    labels: { 'istio.io/waypoint-for': 'service' },
  },
  spec: {
    gatewayClassName: 'istio-waypoint',
    listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
  },
});
