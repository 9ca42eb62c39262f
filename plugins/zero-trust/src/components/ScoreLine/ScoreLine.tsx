import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import HelpOutline from '@material-ui/icons/HelpOutline';
import {
  EntityPosture,
  SCORE_FORMULA,
  controlTitle,
  scoreBreakdown,
} from '@zero-trust-k8s/plugin-zero-trust-common';

/** How this posture's score came about, in words, under the formula. */
export function scoreExplanation(posture: EntityPosture): string {
  const b = scoreBreakdown(posture.controls);
  const parts = [SCORE_FORMULA];
  if (b.cap) {
    parts.push(
      `Here: weighted mean ${b.weighted}, capped at ${
        b.cap.limit
      } because a control ${b.cap.because === 'fail' ? 'fails' : 'warns'}.`,
    );
  }
  if (b.excluded.length) {
    parts.push(`Left out: ${b.excluded.map(controlTitle).join(', ')}.`);
  }
  return parts.join(' ');
}

/** "Score: 59/100" with the formula behind a help button (hover or keyboard focus). */
export function ScoreLine({ posture }: { posture: EntityPosture }) {
  const explanation = scoreExplanation(posture);
  return (
    <span>
      <span>
        {posture.score === undefined
          ? 'Score: not available (no control has evidence)'
          : `Score: ${posture.score}/100`}
      </span>
      <Tooltip title={explanation}>
        <IconButton size="small" aria-label="How the score is computed">
          <HelpOutline fontSize="small" />
        </IconButton>
      </Tooltip>
    </span>
  );
}
