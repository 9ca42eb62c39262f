import { ServiceSpec } from './ServiceSpec';
import { ManifestObject, POLICY_SYNC_WAVE, objectMeta } from './objectMeta';

/** Key of the value inside the Kubernetes Secret, and the file name under the mount. */
export function secretKey(
  secret: ServiceSpec['externalSecrets'][number],
): string {
  return secret.property ?? 'value';
}

/**
 * One ExternalSecret per secret, read through the platform's ClusterSecretStore.
 *
 * Rotation: ESO refreshes the Secret every hour and the kubelet updates the mounted files, but
 * most applications read secrets once at start. The workload therefore carries Stakater
 * Reloader's `secret.reloader.stakater.com/reload: <names>` annotation, which rolls the pods
 * when one of these Secrets changes. A checksum annotation cannot work here: the value lives in
 * the secret manager, not in Git, so no checksum changes when it rotates. Listing the names
 * (instead of `reloader.stakater.com/auto`) restarts the pods only for the secrets they use.
 * Run Reloader with `--reload-strategy=annotations` (and `--is-Argo-Rollouts=true` for canary
 * services): it then edits a pod-template annotation, which server-side diff in Argo CD does not
 * report as drift.
 */
export function externalSecrets(spec: ServiceSpec): ManifestObject[] {
  return spec.externalSecrets.map(secret => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: objectMeta(spec, secret.name, { annotations: POLICY_SYNC_WAVE }),
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: spec.secretStore },
      target: { name: secret.name, creationPolicy: 'Owner' },
      data: [
        {
          secretKey: secretKey(secret),
          remoteRef: {
            key: secret.remoteKey,
            ...(secret.property ? { property: secret.property } : {}),
          },
        },
      ],
    },
  }));
}
