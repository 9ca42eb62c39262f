import { ControlResult } from './posture';
import { ControlStatus } from './controls';

const POINTS: Partial<Record<ControlStatus, number>> = {
  pass: 1,
  warn: 0.5,
  fail: 0,
};

/**
 * Scores a set of control results from 0 to 100. Only controls with evidence count, so a cluster
 * that lacks a CRD lowers nobody's score; the UI shows those controls separately.
 *
 * @public
 */
export function scoreControls(
  results: Pick<ControlResult, 'status'>[],
): number | undefined {
  const scored = results.filter(r => POINTS[r.status] !== undefined);
  if (scored.length === 0) {
    return undefined;
  }
  const points = scored.reduce((sum, r) => sum + POINTS[r.status]!, 0);
  return Math.round((points / scored.length) * 100);
}
