// Readers for fields of objects read from a cluster, where nothing is trusted to be there or to
// have the type its schema says.

/** A JSON object with fields of unknown shape. */
export type Json = Record<string, any>;

/** The value if it is an object (not an array), else an empty object. */
export const obj = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};

/** The value if it is an array, else an empty one. */
export const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** The value if it is a non-empty string. */
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;
