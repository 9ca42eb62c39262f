import { ServiceSpec, TMP_SIZE_LIMIT, defaultPortName } from './ServiceSpec';
import {
  ManifestObject,
  objectMeta,
  selectorLabels,
  serviceLabels,
} from './objectMeta';
import { rolloutStrategy } from './canary';
import { topologySpreadConstraints } from './availability';

/** Where each ExternalSecret's Secret is mounted. */
export const SECRET_MOUNT_ROOT = '/etc/secrets';

/** Name of the single application container. */
export function containerName(spec: ServiceSpec): string {
  return spec.name;
}

export function portName(spec: ServiceSpec, index: number): string {
  return spec.ports[index].name ?? defaultPortName(spec, index);
}

function meshPodLabels(spec: ServiceSpec): Record<string, string> {
  return spec.mesh.mode === 'sidecar'
    ? { 'sidecar.istio.io/inject': 'true' }
    : { 'istio.io/dataplane-mode': 'ambient' };
}

function podAnnotations(spec: ServiceSpec): Record<string, string> {
  if (spec.mesh.mode === 'sidecar') {
    // Under PeerAuthentication STRICT the kubelet's plain-text probes would be refused by the
    // sidecar. Istio rewrites httpGet and grpc probes to its agent on :15020, which then calls
    // the app from inside the pod. That is the default; we state it so a mesh-wide override
    // cannot silently break the probes of this workload.
    return { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' };
  }
  // Ambient: ztunnel recognises kubelet probe traffic (istio-cni SNATs it to 169.254.7.127) and
  // lets it through to the pod unencrypted, so probes need nothing here.
  return {};
}

/** Stakater Reloader restarts the pods when a mounted Secret changes (see externalSecrets.ts). */
function workloadAnnotations(spec: ServiceSpec): Record<string, string> {
  if (spec.externalSecrets.length === 0) {
    return {};
  }
  return {
    'secret.reloader.stakater.com/reload': spec.externalSecrets
      .map(s => s.name)
      .join(','),
  };
}

/**
 * Startup, readiness and liveness probes on the first port. Readiness asks a different question
 * than liveness (Kubernetes docs, "Configure Liveness, Readiness and Startup Probes",
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/):
 * an unready pod only leaves the Service's endpoints (starting, draining, a dependency down),
 * while a failed liveness probe restarts it. For gRPC the kubelet's native check calls
 * grpc.health.v1.Health/Check with `service` as the request's service name; liveness leaves it
 * empty, which asks about the whole server, and readiness names its own service, as the docs
 * suggest for telling the probe types apart on one port.
 */
function probes(spec: ServiceSpec): Record<string, unknown> {
  if (spec.ports.length === 0) {
    return {};
  }
  const first = spec.ports[0];
  const [live, ready] =
    first.protocol === 'grpc'
      ? [
          { grpc: { port: first.port } },
          { grpc: { port: first.port, service: spec.grpcReadinessService } },
        ]
      : [
          { httpGet: { path: spec.healthCheckPath, port: portName(spec, 0) } },
          { httpGet: { path: spec.readinessPath, port: portName(spec, 0) } },
        ];
  return {
    // A slow start gets up to 60s before liveness can restart it.
    startupProbe: { ...live, periodSeconds: 2, failureThreshold: 30 },
    readinessProbe: { ...ready, periodSeconds: 10, failureThreshold: 3 },
    livenessProbe: { ...live, periodSeconds: 20, failureThreshold: 3 },
  };
}

/** GKE Workload Identity uses the metadata server; IRSA reads a projected token in the pod. */
export function needsServiceAccountToken(spec: ServiceSpec): boolean {
  return spec.cloudIdentity.provider === 'eks';
}

function podSpec(
  spec: ServiceSpec,
  env: ServiceSpec['environments']['dev'],
  workloadKind: string,
) {
  const secretVolumes = spec.externalSecrets.map(s => ({
    name: `secret-${s.name}`,
    secret: { secretName: s.name },
  }));
  const spread = topologySpreadConstraints(spec, workloadKind);
  return {
    serviceAccountName: spec.name,
    automountServiceAccountToken: needsServiceAccountToken(spec),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: spec.runAsUser,
      runAsGroup: spec.runAsUser,
      fsGroup: spec.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: containerName(spec),
        image: `${spec.image.repository}:${spec.image.tag}`,
        // Every start re-checks the registry with this pod's own pull credentials, so a pod can
        // never run a private image another tenant left in the node's cache (the intent of the
        // AlwaysPullImages admission plugin, CIS Kubernetes 1.2.11; kube-score's
        // container-image-pull-policy). With a pinned tag it costs one manifest request.
        imagePullPolicy: 'Always',
        ...(spec.ports.length
          ? {
              ports: spec.ports.map((p, i) => ({
                name: portName(spec, i),
                containerPort: p.port,
                protocol: 'TCP',
              })),
              env: [{ name: 'PORT', value: String(spec.ports[0].port) }],
            }
          : {}),
        securityContext: {
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        resources: env.resources,
        ...probes(spec),
        volumeMounts: [
          // The root filesystem is read-only; runtimes (Node, Go's os.TempDir) still need a
          // writable /tmp.
          { name: 'tmp', mountPath: '/tmp' },
          ...spec.externalSecrets.map(s => ({
            name: `secret-${s.name}`,
            mountPath: `${SECRET_MOUNT_ROOT}/${s.name}`,
            readOnly: true,
          })),
        ],
      },
    ],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: TMP_SIZE_LIMIT } },
      ...secretVolumes,
    ],
    ...(spread.length ? { topologySpreadConstraints: spread } : {}),
  };
}

/**
 * The Deployment, or an Argo Rollout with canary steps when canary is on. `env` supplies the
 * replicas and resources written into the base (the overlays patch them per environment).
 */
export function workload(
  spec: ServiceSpec,
  env: ServiceSpec['environments']['dev'],
): ManifestObject {
  const kind = spec.canary.enabled ? 'Rollout' : 'Deployment';
  const template = {
    metadata: {
      labels: { ...serviceLabels(spec), ...meshPodLabels(spec) },
      ...(Object.keys(podAnnotations(spec)).length
        ? { annotations: podAnnotations(spec) }
        : {}),
    },
    spec: podSpec(spec, env, kind),
  };
  const metadata = objectMeta(spec, spec.name, {
    annotations: {
      'zero-trust.io/owner': spec.owner,
      ...workloadAnnotations(spec),
    },
  });
  const common = {
    replicas: env.replicas,
    revisionHistoryLimit: 5,
    selector: { matchLabels: selectorLabels(spec) },
    template,
  };
  if (spec.canary.enabled) {
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata,
      spec: { ...common, strategy: rolloutStrategy(spec) },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      ...common,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
      },
    },
  };
}
