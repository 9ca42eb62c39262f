import {
  ControlId,
  ControlResultOf,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { CollectorContext } from '../types';

/** A kind a control reads its evidence from. */
export interface EvidenceKind {
  group: string;
  kind: string;
}

/**
 * Decides whether a control can be evaluated from its evidence kinds. When none of them has data
 * in any of the entity's clusters, the answer is the reason: `not-installed` (no CRD anywhere),
 * `forbidden` (our RBAC may not read it) or `unknown` (not synced yet, or failing). Returns
 * undefined when at least one kind can be read (stale data from a failing watch counts).
 */
export function gateOnKinds<C extends ControlId>(
  control: C,
  ctx: CollectorContext,
  kinds: EvidenceKind[],
): ControlResultOf<C> | undefined {
  const states = ctx.workloads.flatMap(w =>
    kinds.map(k => ({
      cluster: w.cluster.name,
      kind: k.kind,
      group: k.group,
      ...w.cluster.kindStatus(k.group, k.kind),
    })),
  );
  if (states.length === 0) return undefined;
  if (
    states.some(
      s => s.state === 'synced' || (s.state === 'error' && s.lastSyncAt),
    )
  ) {
    return undefined;
  }
  const names = [...new Set(states.map(s => `${s.kind} (${s.group})`))].join(
    ', ',
  );
  const clusters = [...new Set(states.map(s => s.cluster))].join(', ');
  const base = { control, evidence: [] };
  if (states.every(s => s.state === 'not-installed')) {
    return {
      ...base,
      status: 'not-installed',
      summary: `${names} not installed in ${clusters}.`,
    } as ControlResultOf<C>;
  }
  if (states.some(s => s.state === 'forbidden')) {
    return {
      ...base,
      status: 'forbidden',
      summary: `The backend may not read ${names} in ${clusters}: grant get/list/watch (see the rbac/ folder of @zero-trust-k8s/plugin-zero-trust-backend).`,
    } as ControlResultOf<C>;
  }
  const error = states.find(s => s.error)?.error;
  return {
    ...base,
    status: 'unknown',
    summary: error
      ? `Cannot read ${names} from ${clusters}: ${error}`
      : `${names} not synced yet from ${clusters}.`,
  } as ControlResultOf<C>;
}
