import { ControlStatus } from '@zero-trust-k8s/plugin-zero-trust-common';

/**
 * Statuses worst first: what fails, what warns, then what could not be evaluated (each needs an
 * action), then what passes, and last what has nothing to judge. Sections, System rows and the
 * overview card all read in this order.
 */
export const WORST_FIRST: readonly ControlStatus[] = [
  'fail',
  'warn',
  'forbidden',
  'not-installed',
  'unknown',
  'pass',
  'not-applicable',
];

/** Sort key of a status: lower is worse; a status this version does not know sorts with unknown. */
export function statusRank(status: ControlStatus): number {
  const rank = WORST_FIRST.indexOf(status);
  return rank === -1 ? WORST_FIRST.indexOf('unknown') : rank;
}

/** The worst status of a list, `undefined` for none. */
export function worstStatus(
  statuses: readonly ControlStatus[],
): ControlStatus | undefined {
  return [...statuses].sort((a, b) => statusRank(a) - statusRank(b))[0];
}
