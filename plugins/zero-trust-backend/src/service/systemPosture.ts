import {
  ComponentPosture,
  ControlResult,
  ControlStatus,
  EntityPosture,
  ZERO_TRUST_CONTROLS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { systemCis } from '../collectors/cis';

// Worst first. A control nobody could evaluate ranks above a pass: the System is not proven.
// Not applicable ranks last: a System passes a control some of its components have nothing for.
const SEVERITY: ControlStatus[] = [
  'fail',
  'warn',
  'forbidden',
  'unknown',
  'not-installed',
  'pass',
  'not-applicable',
];

/** The worse of two statuses. */
export function worstStatus(a: ControlStatus, b: ControlStatus): ControlStatus {
  return SEVERITY.indexOf(a) <= SEVERITY.indexOf(b) ? a : b;
}

/** One component's row of a System's evidence matrix. */
export function componentRow(posture: EntityPosture): ComponentPosture {
  return {
    entityRef: posture.entityRef,
    score: posture.score,
    controls: posture.controls.map(c => ({
      control: c.control,
      status: c.status,
      summary: c.summary,
      evidence: c.evidence.length,
    })),
  };
}

/**
 * A System's controls from its components' postures: per control the worst status, a summary that
 * counts the components at each status and names the worst ones, and the evidence of the
 * components at that status.
 */
export function aggregateSystemControls(
  components: EntityPosture[],
  /** The controls to aggregate; an added control brings its title. */
  controls: readonly { id: string; title?: string }[] = ZERO_TRUST_CONTROLS.map(
    c => ({ id: c.id }),
  ),
): ControlResult[] {
  return controls.map(({ id, title }) => {
    const results = components.flatMap(p =>
      p.controls
        .filter(c => c.control === id)
        .map(c => ({ entityRef: p.entityRef, result: c })),
    );
    if (results.length === 0) {
      return {
        control: id,
        ...(title ? { title } : {}),
        status: 'unknown',
        summary: 'The system has no components the viewer can see.',
        evidence: [],
      } as ControlResult;
    }
    // The CIS benchmark is the clusters': the System shows each cluster at its own status.
    const cis = id === 'cis' && systemCis(results.map(r => r.result));
    if (cis) return cis as ControlResult;
    const status = results.map(r => r.result.status).reduce(worstStatus);
    const counts = SEVERITY.map(
      s => [s, results.filter(r => r.result.status === s).length] as const,
    )
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`);
    const worst = results.filter(r => r.result.status === status);
    const names = worst
      .slice(0, 3)
      .map(r => r.entityRef.replace(/^component:default\//, ''));
    const more = worst.length > 3 ? ` and ${worst.length - 3} more` : '';
    return {
      control: id,
      ...(title ? { title } : {}),
      status,
      summary: `${counts.join(', ')} of ${results.length} components${
        status === 'pass' ? '' : `; ${status}: ${names.join(', ')}${more}`
      }.`,
      evidence: worst.flatMap(r => r.result.evidence),
    } as ControlResult;
  });
}
