import { ObjectLocation } from '@zero-trust-k8s/plugin-zero-trust-common';

/** `namespace/name` (or `name`), with the cluster when there is more than one to tell apart. */
export function formatLocation(
  location: ObjectLocation,
  showCluster = false,
): string {
  const name = location.namespace
    ? `${location.namespace}/${location.name}`
    : location.name;
  return showCluster ? `${name} (${location.cluster})` : name;
}

/** Offers a blob as a file download, the way a link with `download` would. */
export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** "3 minutes ago" style age of an ISO time, for staleness. */
export function ageOf(seconds: number | undefined): string {
  if (seconds === undefined) return 'never';
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}
