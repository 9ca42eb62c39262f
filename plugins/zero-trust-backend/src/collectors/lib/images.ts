import { KubeObject } from '../../sources/types';
import { Json, list, obj, str } from './json';
import { podContainers } from './workloadName';

/**
 * The mesh's proxy is the platform's image, scanned and attested with the platform; trivy-operator
 * does not see it either, as it scans the controller's pod template, before sidecar injection.
 */
export const INFRASTRUCTURE_CONTAINERS = ['istio-proxy'];

/** An image as trivy-operator records it in a report: `report.registry` and `report.artifact`. */
export interface ImageRef {
  /** `index.docker.io`, `us-central1-docker.pkg.dev` */
  registry: string;
  /** `library/nginx` */
  repository: string;
  tag?: string;
  /** `sha256:…` */
  digest?: string;
}

/**
 * Parses an image reference as trivy-operator does before it writes a report (pkg/plugins/trivy/
 * plugin.go `ParseImageRef`, v0.32.0, with go-containerregistry's pkg/name, v0.21.8): the first
 * path element is the registry when it is `localhost` or holds a `.` or `:`, else the registry is
 * `index.docker.io` (`docker.io` is rewritten to it) and a one-element repository gets `library/`;
 * without a tag or digest the tag is `latest`. Undefined for what it cannot parse.
 */
export function parseImageRef(image: string): ImageRef | undefined {
  const [base, digest, extra] = image.trim().split('@');
  if (!base || extra !== undefined) return undefined;
  let name = base;
  let tag: string | undefined;
  const colon = base.lastIndexOf(':');
  if (colon > -1 && !base.slice(colon + 1).includes('/')) {
    name = base.slice(0, colon);
    tag = base.slice(colon + 1);
  }
  const slash = name.indexOf('/');
  const first = slash > -1 ? name.slice(0, slash) : '';
  let registry = 'index.docker.io';
  let repository = name;
  if (slash > -1 && (first === 'localhost' || /[.:]/.test(first))) {
    registry = first === 'docker.io' ? 'index.docker.io' : first;
    repository = name.slice(slash + 1);
  }
  if (registry === 'index.docker.io' && !repository.includes('/')) {
    repository = `library/${repository}`;
  }
  // go-containerregistry's `checkRepository`: lower-case letters, digits and `_-./` only.
  if (!/^[a-z0-9_./-]+$/.test(repository)) return undefined;
  return {
    registry,
    repository,
    tag: tag ?? (digest ? undefined : 'latest'),
    digest: digest || undefined,
  };
}

/** The image a trivy-operator report is about (`report.registry.server`, `report.artifact`). */
export function reportImageRef(report: KubeObject): ImageRef | undefined {
  const r = obj((report as Json).report);
  const artifact = obj(r.artifact);
  const repository = str(artifact.repository);
  if (!repository) return undefined;
  return {
    // Reports written before trivy-operator recorded the registry name only the repository.
    registry: str(obj(r.registry).server) ?? 'index.docker.io',
    repository,
    tag: str(artifact.tag),
    digest: str(artifact.digest),
  };
}

/** A container a pod runs, with the image it was started from. */
export interface RunningContainer {
  pod: KubeObject;
  name: string;
  /** The image as the pod spec names it. */
  image?: string;
  /** The digest the kubelet pulled (`status.containerStatuses[].imageID`), when it names one. */
  digest?: string;
}

/**
 * The containers a pod runs: app containers and native sidecars (init containers that keep
 * running), with the digest from the container status. Pods that have finished run nothing.
 */
export function runningContainers(pod: KubeObject): RunningContainer[] {
  const status = obj(pod.status);
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return [];
  const statuses = [
    ...list(status.containerStatuses),
    ...list(status.initContainerStatuses),
  ].map(obj);
  const { containers, initContainers } = podContainers(pod);
  return [
    ...containers,
    ...initContainers.filter(c => c?.restartPolicy === 'Always'),
  ].flatMap(c => {
    const name = str(c?.name);
    if (!name) return [];
    const imageID = str(statuses.find(s => s.name === name)?.imageID);
    return [
      {
        pod,
        name,
        image: str(c.image),
        digest: digestOf(imageID),
      },
    ];
  });
}

/**
 * The digest in an imageID: `docker.io/library/nginx@sha256:…` (containerd) or
 * `docker-pullable://nginx@sha256:…` (dockershim). A bare `sha256:…` is the local image ID, not a
 * registry digest, and is not compared.
 */
function digestOf(imageID: string | undefined): string | undefined {
  const at = imageID?.lastIndexOf('@') ?? -1;
  return at > -1 ? imageID!.slice(at + 1) : undefined;
}

/**
 * Whether a report is about the image a container runs: the same digest (pulled, or pinned in the
 * spec), or the same registry, repository and tag as trivy-operator parses the spec's image (it
 * scans the image the pod spec names: pkg/kube/resources.go `GetContainerImagesFromPodSpec`).
 */
export function reportCoversContainer(
  report: ImageRef,
  container: RunningContainer,
): boolean {
  const spec = container.image ? parseImageRef(container.image) : undefined;
  if (report.digest) {
    if (report.digest === container.digest) return true;
    if (spec?.digest && report.digest === spec.digest) return true;
  }
  return (
    !!spec &&
    !!report.tag &&
    spec.registry === report.registry &&
    spec.repository === report.repository &&
    spec.tag === report.tag
  );
}

/** A workload's Trivy reports, split by whether one of its pods runs the report's image. */
export interface ReportsByImage {
  /** Reports of an image a pod runs (or of an unreadable image): the ones to count and list. */
  running: KubeObject[];
  /** Reports of an image no pod runs any more (a scaled-down ReplicaSet's): left out. */
  stale: KubeObject[];
}

/**
 * The one test of which reports are about what the workload runs, shared by the SBOM and
 * vulnerability controls and the /sbom and /vulnerabilities routes, so lists and controls agree: a
 * report counts when it covers a running container ({@link reportCoversContainer}; the mesh proxy
 * is not the workload's), and every report counts when no pod runs at all (a workload scaled to
 * zero keeps its last scans). A report whose image cannot be read (no `report.artifact`) is kept:
 * nothing shows it is of another image, and hiding its findings or its broken BOM would hide a
 * problem.
 */
export function reportsOfRunningImages(
  pods: KubeObject[],
  reports: KubeObject[],
): ReportsByImage {
  const containers = pods
    .flatMap(runningContainers)
    .filter(c => !INFRASTRUCTURE_CONTAINERS.includes(c.name));
  if (containers.length === 0) return { running: [...reports], stale: [] };
  const result: ReportsByImage = { running: [], stale: [] };
  for (const report of reports) {
    const image = reportImageRef(report);
    const stale =
      !!image && !containers.some(c => reportCoversContainer(image, c));
    (stale ? result.stale : result.running).push(report);
  }
  return result;
}

/** The note a control adds for a report it leaves out because no pod runs its image. */
export function staleReportNote(report: KubeObject, image: string): string {
  return `${report.kind} ${report.metadata.namespace}/${report.metadata.name} is for ${image}, which no pod of this workload runs: not counted.`;
}
