import {
  ControlId,
  controlTitle,
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
import { collectCis } from './cis';
import { collectFlows } from './flows';
import { collectProvenance } from './provenance';
import {
  Collector,
  CollectorContext,
  ZeroTrustCollector,
  ZeroTrustCollectorResult,
} from './types';

/** The built-in collectors, in the order the controls are shown. */
export const BUILT_IN_COLLECTORS: ZeroTrustCollector[] = [
  builtIn('mtls', collectMtls),
  builtIn('authorization', collectAuthorization),
  builtIn('segmentation', collectSegmentation),
  builtIn('admission', collectAdmission),
  builtIn('sbom', collectSbom),
  builtIn('vulnerabilities', collectVulnerabilities),
  builtIn('rollout', collectRollout),
  builtIn('gitops', collectGitops),
  builtIn('secrets', collectSecrets),
  builtIn('runtime', collectRuntime),
  builtIn('identity', collectIdentity),
  builtIn('provenance', collectProvenance),
  builtIn('flows', collectFlows),
  builtIn('cis', collectCis),
];

function builtIn<C extends ControlId>(
  id: C,
  collect: Collector<C>,
): ZeroTrustCollector {
  return {
    control: { id, title: controlTitle(id) },
    // The registry always passes the full context (settings and reports included).
    collect: ctx =>
      collect(ctx as CollectorContext) as ZeroTrustCollectorResult,
  };
}
