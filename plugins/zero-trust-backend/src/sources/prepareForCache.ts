import { KubeObject } from './types';

/** Limits that keep one oversized object from filling the backend's memory. */
export interface IngestLimits {
  /** Components kept per SbomReport; the rest are dropped and the truncation noted. */
  maxSbomComponents: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = { maxSbomComponents: 20000 };

/** What the backend changed on an object before caching it. */
export interface IngestNote {
  sbomComponents?: { kept: number; total: number };
}

const NOTE = 'zeroTrustIngest';

/** The note {@link prepareForCache} left on an object, if any. */
export function ingestNote(obj: KubeObject): IngestNote | undefined {
  return obj[NOTE] as IngestNote | undefined;
}

/**
 * Drops what no collector reads (managed fields, the last-applied annotation, which can double an
 * object's size) and truncates oversized SBOMs, so caches stay proportional to what we use.
 * Mutates and returns the object; callers pass freshly parsed objects only.
 */
export function prepareForCache(
  obj: KubeObject,
  limits: IngestLimits,
): KubeObject {
  const metadata = obj.metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  delete metadata.managedFields;
  if (
    metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']
  ) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _, ...rest } =
      metadata.annotations;
    metadata.annotations = rest;
  }
  if (obj.kind === 'SbomReport') {
    truncateSbom(obj, limits.maxSbomComponents);
  }
  return obj;
}

function truncateSbom(obj: KubeObject, max: number) {
  const bom = (obj.report as { components?: { components?: unknown[] } })
    ?.components;
  const components = bom?.components;
  if (Array.isArray(components) && components.length > max) {
    const note: IngestNote = {
      sbomComponents: { kept: max, total: components.length },
    };
    bom!.components = components.slice(0, max);
    obj[NOTE] = note;
  }
}
