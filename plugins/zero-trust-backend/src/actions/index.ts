import { createExplainControlAction } from './explainControlAction';
import { createExportEvidenceAction } from './exportEvidenceAction';
import { createGetPostureAction } from './getPostureAction';
import { ZeroTrustActionsOptions } from './types';

/**
 * Registers the read-only Zero Trust actions in Backstage's actions registry, where MCP clients
 * (through the MCP actions backend) and other plugins find them: `zero-trust:get-posture`,
 * `zero-trust:explain-control` and `zero-trust:export-evidence`. Each checks the same permissions
 * as the REST route it mirrors, with the caller's credentials.
 */
export function createZeroTrustActions(options: ZeroTrustActionsOptions) {
  createGetPostureAction(options);
  createExplainControlAction(options);
  createExportEvidenceAction(options);
}

export type { ZeroTrustActionsOptions } from './types';
