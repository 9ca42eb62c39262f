import { KubeObject } from '../../sources/types';

/**
 * The report kinds falcosidekick writes Falco events into: `wgpolicyk8s.io/v1alpha2` PolicyReports
 * (`falcoreport-<namespace>`) and a ClusterPolicyReport (`falco-cluster-policy-report`) from its
 * PolicyReport output, `openreports.io/v1alpha1` Reports (`falco-report`) and a ClusterReport
 * (`falco-cluster-report`) from its OpenReport output.
 */
export const FALCO_REPORT_KINDS = [
  { group: 'wgpolicyk8s.io', kind: 'PolicyReport' },
  { group: 'wgpolicyk8s.io', kind: 'ClusterPolicyReport' },
  { group: 'openreports.io', kind: 'Report' },
  { group: 'openreports.io', kind: 'ClusterReport' },
];

/**
 * Whether a report result is a Falco event: falcosidekick sets `source: Falco` on every result it
 * writes. Those belong to the runtime control, never to admission.
 */
export function isFalcoResult(r: unknown): boolean {
  const source = (r as { source?: unknown } | null | undefined)?.source;
  return typeof source === 'string' && source.toLowerCase() === 'falco';
}

/** Falco priorities, most severe first. */
export const FALCO_PRIORITIES = [
  'Emergency',
  'Alert',
  'Critical',
  'Error',
  'Warning',
  'Notice',
  'Informational',
  'Debug',
] as const;

export type FalcoPriority = (typeof FALCO_PRIORITIES)[number];

function priorityOf(value: unknown): FalcoPriority | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'info') return 'Informational';
  return FALCO_PRIORITIES.find(p => p.toLowerCase() === v);
}

/**
 * The Falco priority of a result, when it can be told: a `priority` property (present when the
 * rule's output fields carry it), else the word after the timestamp that starts Falco's output
 * line (`09:00:00.000000000: Critical …`), else, for falcosidekick's OpenReport output, severity
 * `critical` — which it writes for Critical, Alert and Emergency only.
 */
export function falcoPriority(r: {
  properties?: unknown;
  message?: unknown;
  description?: unknown;
  severity?: unknown;
}): FalcoPriority | undefined {
  const props =
    r.properties && typeof r.properties === 'object'
      ? (r.properties as Record<string, unknown>)
      : {};
  const fromProps = priorityOf(props.priority);
  if (fromProps) return fromProps;
  for (const text of [r.message, r.description]) {
    if (typeof text !== 'string') continue;
    const match = /^\s*(?:[\d:.T+\-Z]+:\s+)?([A-Za-z]+)\b/.exec(text);
    const fromText = priorityOf(match?.[1]);
    if (fromText) return fromText;
  }
  if (typeof r.severity === 'string' && r.severity.toLowerCase() === 'critical')
    return 'Critical';
  return undefined;
}

/** Whether a report holds any Falco result. */
export function isFalcoReport(report: KubeObject): boolean {
  return Array.isArray(report.results) && report.results.some(isFalcoResult);
}
