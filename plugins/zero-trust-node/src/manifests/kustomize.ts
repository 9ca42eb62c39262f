import { EnvironmentName, ServiceSpec } from './ServiceSpec';
import { ManifestObject } from './objectMeta';

/** A JSON6902 `replace` operation, the only kind the overlays use. */
export interface ReplaceOperation {
  op: 'replace';
  path: string;
  value: unknown;
}

export const WORKLOAD_PATCH_FILE = 'workload-patch.yaml';

/** The file name of an object in base/ or an overlay: `<kind>-<name>.yaml`, both DNS-safe. */
export function baseFileName(object: ManifestObject): string {
  return `${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

export function baseKustomization(objects: ManifestObject[]) {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: objects.map(baseFileName),
  };
}

/**
 * Replicas and resources per environment. JSON6902 rather than a strategic merge patch: a Rollout
 * is a custom resource, for which kustomize would merge `containers` as a plain list and drop the
 * rest of the container.
 */
export function workloadPatch(
  spec: ServiceSpec,
  env: EnvironmentName,
): ReplaceOperation[] {
  const settings = spec.environments[env];
  return [
    { op: 'replace', path: '/spec/replicas', value: settings.replicas },
    {
      op: 'replace',
      path: '/spec/template/spec/containers/0/resources',
      value: settings.resources,
    },
  ];
}

/** The image an environment runs: a pinned digest, its own tag, or the spec's tag. */
export function environmentImage(spec: ServiceSpec, env: EnvironmentName) {
  const image = spec.environments[env].image;
  return image.digest
    ? { name: spec.image.repository, digest: image.digest }
    : { name: spec.image.repository, newTag: image.tag ?? spec.image.tag };
}

/**
 * The overlay of one environment: the base, the objects only this environment has (`resources`,
 * files in the overlay folder, e.g. its PodDisruptionBudget), its image and its workload patch.
 */
export function overlayKustomization(
  spec: ServiceSpec,
  env: EnvironmentName,
  workload: ManifestObject,
  resources: ManifestObject[],
) {
  const [group, version] = workload.apiVersion.split('/');
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['../../base', ...resources.map(baseFileName)],
    // CI bumps the tag here (`kustomize edit set image`) through a pull request.
    images: [environmentImage(spec, env)],
    patches: [
      {
        path: WORKLOAD_PATCH_FILE,
        target: {
          group,
          version,
          kind: workload.kind,
          name: workload.metadata.name,
        },
      },
    ],
  };
}
