/**
 * Allow-lists for every string that ends up in a manifest, a file path or a PromQL query.
 *
 * Each field is matched against the narrowest grammar that fits it, so quotes, newlines, `: `,
 * `$(`, backticks and path separators are refused by construction rather than by a deny-list.
 */

/** DNS-1123 label: namespaces, object names, service accounts. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** IANA service name, what Kubernetes accepts as a port name. */
export const PORT_NAME =
  /^(?=[a-z0-9-]*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;

/** A Backstage entity ref such as `group:default/boutique-team`, or a bare name. */
export const ENTITY_REF =
  /^(?:[a-z][a-z0-9-]{0,62}:)?(?:[a-z0-9][a-z0-9-]{0,62}\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * `registry[:port]/path/to/image` (OCI distribution grammar), without a tag or digest (those come
 * per environment).
 */
export const IMAGE_REPOSITORY =
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)+$/;

/** OCI tag grammar. `latest` is refused separately, with its own message. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `/<package>.<Service>/<Method>`, or `/<package>.<Service>/*` for every method. */
export const GRPC_PATH =
  /^\/[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\/([A-Za-z_][A-Za-z0-9_]*|\*)$/;

/** An HTTP path for an Istio rule; a trailing `*` is Istio's prefix match. */
export const HTTP_PATH = /^\/[A-Za-z0-9._~/-]*\*?$/;

/**
 * The `service` a gRPC probe asks grpc.health.v1.Health/Check about: a protobuf-style name such
 * as `readiness` or `hipstershop.CartService`, optionally `-`-suffixed (`cart-readiness`).
 */
export const GRPC_HEALTH_SERVICE =
  /^[A-Za-z_][A-Za-z0-9_]*([.-][A-Za-z0-9_]+)*$/;

/** An HTTP path for a probe (no wildcard). */
export const PROBE_PATH = /^\/[A-Za-z0-9._~/-]*$/;

export const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
] as const;

/** A fully qualified host name, optionally with a leading `*.` wildcard label. */
export const EGRESS_FQDN =
  /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A key in an external secret manager, e.g. `boutique/redis-password`. */
export const REMOTE_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,252}$/;

/** A property inside a remote secret, and the key of the Kubernetes Secret. */
export const SECRET_PROPERTY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export const GCP_SERVICE_ACCOUNT =
  /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/;

export const AWS_ROLE_ARN =
  /^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;

/** https or scp-like git URL of the GitOps repository. */
export const GIT_REPO_URL =
  /^(https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~-]+)+|git@[A-Za-z0-9.-]+:[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)$/;

/** A git branch, tag or commit. */
export const GIT_REVISION = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** A folder inside the GitOps repository: lower-case segments joined by `/`. */
export const REPO_PATH = /^[a-z0-9_-][a-z0-9._-]*(\/[a-z0-9_-][a-z0-9._-]*)*$/;

/** An http(s) URL without credentials, query or fragment (API server, Prometheus). */
export const SERVICE_URL =
  /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~-]+)*\/?$/;

export const CPU_QUANTITY = /^([1-9][0-9]{0,5}m|[0-9]{1,3}(\.[0-9]{1,3})?)$/;

export const MEMORY_QUANTITY = /^[1-9][0-9]{0,6}(Ki|Mi|Gi|Ti|k|M|G|T)?$/;

export const DURATION = /^[1-9][0-9]{0,4}(s|m|h)$/;

/** True when a `/`-separated value has an empty, `.` or `..` segment. */
export function hasDotSegment(value: string): boolean {
  return value.split('/').some(s => s === '' || s === '.' || s === '..');
}

/** True when a URL has a `.` or `..` path segment. */
export function urlHasDotSegment(url: string): boolean {
  return /\/\.{1,2}(\/|$)/.test(url);
}

/** True when a URL path walks up or in place (`/a/../b`, `/./x`), which proxies normalise away. */
export function hasTraversalSegment(path: string): boolean {
  return path
    .replace(/\*$/, '')
    .split('/')
    .some(s => s === '.' || s === '..');
}
