import { ControlId } from './controls';
import { ControlStatus } from './api';

/**
 * How much each control weighs in the score: the controls that stop an attacker from reaching or
 * impersonating a workload weigh most, supply-chain and delivery hygiene least.
 *
 * @public
 */
export const SCORE_WEIGHTS: Record<ControlId, number> = {
  mtls: 3,
  authorization: 3,
  segmentation: 2,
  identity: 2,
  admission: 2,
  vulnerabilities: 2,
  runtime: 2,
  provenance: 2,
  secrets: 1,
  sbom: 1,
  rollout: 1,
  gitops: 1,
  flows: 1,
  // Cluster context: a component inherits its cluster's benchmark as at most a warning.
  cis: 1,
};

/** Points of an evaluated outcome; every other status is left out of the score. */
const POINTS: Partial<Record<ControlStatus, number>> = {
  pass: 1,
  warn: 0.5,
  fail: 0,
};

/**
 * The highest score a posture can reach while a control fails or warns, so the score's band
 * always tells the worst status: 90–100 all pass, 60–89 some warn, 0–59 some fail.
 *
 * @public
 */
export const SCORE_CAPS = { fail: 59, warn: 89 } as const;

/**
 * The score formula in one sentence, shown in the UI next to the score and in the README.
 *
 * @public
 */
export const SCORE_FORMULA =
  'Weighted mean of the evaluated controls (pass 1, warn ½, fail 0; mTLS and authorization ×3, ' +
  'segmentation, identity, admission, vulnerabilities, runtime and provenance ×2, the others ×1), ×100, ' +
  `capped at ${SCORE_CAPS.fail} when any control fails and ${SCORE_CAPS.warn} when any warns. ` +
  'Not applicable, unknown, not installed and forbidden controls are left out. ' +
  "A System is scored on its components' worst status per control.";

/**
 * A score and how it came about.
 *
 * @public
 */
export interface ScoreBreakdown {
  /** 0–100, absent when no control was evaluated (pass, warn or fail). */
  score?: number;
  /** The weighted mean before the cap. */
  weighted?: number;
  /** The cap that applied, and why. */
  cap?: { limit: number; because: 'fail' | 'warn' };
  /** Controls that count, and controls left out (not applicable, unknown, …). */
  counted: ControlId[];
  excluded: ControlId[];
}

/**
 * Scores a set of control results from 0 to 100 and says how: see {@link SCORE_FORMULA}. Give a
 * System its aggregated controls (the worst status of each over its components), not the
 * components' cells, so that the score agrees with the status chips.
 *
 * @public
 */
export function scoreBreakdown(
  results: { control: ControlId; status: ControlStatus }[],
): ScoreBreakdown {
  const counted = results.filter(r => POINTS[r.status] !== undefined);
  const excluded = results
    .filter(r => POINTS[r.status] === undefined)
    .map(r => r.control);
  if (counted.length === 0) {
    return { counted: [], excluded };
  }
  const weight = (r: { control: ControlId }) => SCORE_WEIGHTS[r.control] ?? 1;
  const total = counted.reduce((sum, r) => sum + weight(r), 0);
  const points = counted.reduce(
    (sum, r) => sum + weight(r) * POINTS[r.status]!,
    0,
  );
  const weighted = Math.round((points / total) * 100);
  let cap: ScoreBreakdown['cap'];
  if (counted.some(r => r.status === 'fail')) {
    cap = { limit: SCORE_CAPS.fail, because: 'fail' };
  } else if (counted.some(r => r.status === 'warn')) {
    cap = { limit: SCORE_CAPS.warn, because: 'warn' };
  }
  return {
    score: cap ? Math.min(weighted, cap.limit) : weighted,
    weighted,
    cap: cap && weighted > cap.limit ? cap : undefined,
    counted: counted.map(r => r.control),
    excluded,
  };
}

/**
 * Scores a set of control results from 0 to 100 (see {@link scoreBreakdown}); undefined when no
 * control was evaluated.
 *
 * @public
 */
export function scoreControls(
  results: { control: ControlId; status: ControlStatus }[],
): number | undefined {
  return scoreBreakdown(results).score;
}
