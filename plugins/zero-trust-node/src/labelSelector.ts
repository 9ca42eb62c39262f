import { InputError } from '@backstage/errors';

type Requirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: '!exists' };

/**
 * A parsed Kubernetes label selector in its string form, e.g.
 * `app=cart,tier in (backend, cache),!canary`.
 *
 * @public
 */
export class LabelSelector {
  private constructor(
    readonly source: string,
    private readonly requirements: Requirement[],
  ) {}

  /** Parses the selector syntax the API server accepts; throws InputError on anything else. */
  static parse(source: string): LabelSelector {
    const requirements = splitTopLevel(source).map(part =>
      parseRequirement(part, source),
    );
    if (requirements.length === 0) {
      throw new InputError(`Empty label selector`);
    }
    return new LabelSelector(source, requirements);
  }

  matches(labels: Record<string, string> | undefined): boolean {
    const l = labels ?? {};
    return this.requirements.every(r => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case '!exists':
          return !has;
        case 'in':
          return has && r.values.includes(l[r.key]);
        case 'notin':
          return !has || !r.values.includes(l[r.key]);
        default:
          return false;
      }
    });
  }
}

// Commas inside `in (a,b)` do not separate requirements.
function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of source) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(Boolean);
}

const KEY = String.raw`(?:[a-z0-9A-Z.\-]+/)?[a-zA-Z0-9][a-zA-Z0-9_.\-]*`;
const VALUE = String.raw`[a-zA-Z0-9_.\-]*`;
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

function parseRequirement(part: string, source: string): Requirement {
  let m = EQUALITY.exec(part);
  if (m) {
    return { key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] };
  }
  m = SET.exec(part);
  if (m) {
    const values = m[3].split(',').map(v => v.trim());
    if (values.some(v => !new RegExp(`^${VALUE}$`).test(v))) {
      throw new InputError(`Invalid value in label selector "${source}"`);
    }
    return { key: m[1], op: m[2] as 'in' | 'notin', values };
  }
  m = EXISTS.exec(part);
  if (m) {
    return { key: m[2], op: m[1] ? '!exists' : 'exists' };
  }
  throw new InputError(
    `Invalid label selector "${source}": cannot parse "${part}"`,
  );
}
