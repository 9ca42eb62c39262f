import { InputError } from '@backstage/errors';
import { ZodIssue } from 'zod';
import { ServiceSpec, serviceSpecSchema } from './ServiceSpec';

/**
 * Validates a ServiceSpec and fills in defaults. Throws one InputError that lists every problem
 * with its field path and the offending value, so a template user can fix them in one go.
 *
 * @public
 */
export function parseServiceSpec(input: unknown): ServiceSpec {
  const result = serviceSpecSchema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map(issue =>
    describeIssue(issue, input),
  );
  throw new InputError(
    `Invalid ServiceSpec, ${problems.length} problem${
      problems.length === 1 ? '' : 's'
    }:\n${problems.map(p => `  - ${p}`).join('\n')}`,
  );
}

function describeIssue(issue: ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return `${path || 'spec'}: unknown field${
      issue.keys.length > 1 ? 's' : ''
    } ${issue.keys.map(k => JSON.stringify(k)).join(', ')}`;
  }
  const value = valueAt(input, issue.path);
  const shown =
    value === undefined || typeof value === 'object'
      ? ''
      : ` (got ${preview(value)})`;
  return `${path || 'spec'}: ${issue.message}${shown}`;
}

function formatPath(path: (string | number)[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`))
    .join('');
}

function valueAt(input: unknown, path: (string | number)[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

// JSON shows newlines and quotes escaped, so a hostile value cannot reshape the error text.
function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
