import { ControlStatus } from '@zero-trust-k8s/plugin-zero-trust-common';

/** Outcomes of an evaluated control, best to worst. */
export type Verdict = 'pass' | 'warn' | 'fail';

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

/** The worst of some verdicts (`pass` for none). */
export function worst(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>(
    (acc, v) => (RANK[v] > RANK[acc] ? v : acc),
    'pass',
  );
}

/** Rank of any control status for aggregation: evaluated outcomes first, then why not. */
const AGGREGATE_RANK: Record<ControlStatus, number> = {
  fail: 6,
  warn: 5,
  pass: 4,
  'not-applicable': 3,
  forbidden: 2,
  'not-installed': 1,
  unknown: 0,
};

/**
 * The status of a control over several components (a System): the worst evaluated outcome if any
 * component was evaluated, otherwise the most telling reason why none was.
 */
export function aggregateStatus(statuses: ControlStatus[]): ControlStatus {
  const evaluated = statuses.filter(
    (s): s is Verdict => s === 'pass' || s === 'warn' || s === 'fail',
  );
  if (evaluated.length > 0) return worst(evaluated);
  return statuses.reduce<ControlStatus>(
    (acc, s) => (AGGREGATE_RANK[s] > AGGREGATE_RANK[acc] ? s : acc),
    'unknown',
  );
}

/** `1 pod`, `3 pods`. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`) {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}
