import {
  ControlId,
  ControlResult,
  ZERO_TRUST_CONTROLS,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { collectAdmission } from './admission';
import { collectAuthorization } from './authorization';
import { collectMtls } from './mtls';
import { collectSegmentation } from './segmentation';
import { collectSbom } from './sbom';
import { collectVulnerabilities } from './vulnerabilities';
import { collectRollout } from './rollout';
import { collectGitops } from './gitops';
import { collectSecrets } from './secrets';
import { collectRuntime } from './runtime';
import { collectIdentity } from './identity';
import { Collector, CollectorContext } from './types';

/** One collector per control; a control without one is reported as not evaluated. */
const COLLECTORS: { [C in ControlId]?: Collector<C> } = {
  mtls: collectMtls,
  authorization: collectAuthorization,
  segmentation: collectSegmentation,
  admission: collectAdmission,
  sbom: collectSbom,
  vulnerabilities: collectVulnerabilities,
  rollout: collectRollout,
  gitops: collectGitops,
  secrets: collectSecrets,
  runtime: collectRuntime,
  identity: collectIdentity,
};

/**
 * Runs every collector, in the order the controls are shown. A collector that throws (a bug, or an
 * object shaped in a way nobody anticipated) yields `unknown` with the reason, never a failed page.
 */
export function runCollectors(
  ctx: CollectorContext,
  onError?: (control: ControlId, error: Error) => void,
): ControlResult[] {
  return ZERO_TRUST_CONTROLS.map(({ id }) => {
    const collector = COLLECTORS[id] as Collector<typeof id> | undefined;
    if (!collector) {
      return {
        control: id,
        status: 'unknown',
        summary:
          'Not evaluated: this control has no collector in this version yet.',
        evidence: [],
      } as ControlResult;
    }
    try {
      return collector(ctx) as ControlResult;
    } catch (e) {
      onError?.(id, e as Error);
      return {
        control: id,
        status: 'unknown',
        summary: `Could not evaluate: ${(e as Error).message}`,
        evidence: [],
      } as ControlResult;
    }
  });
}
