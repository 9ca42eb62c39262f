import { Verdict, worst } from './status';

// Falco events reach the cluster only through falcosidekick's PolicyReport output:
// github.com/falcosecurity/falcosidekick, outputs/policyreport.go (tags 2.29.0 – 2.34.1). It writes
// every event into a `wgpolicyk8s.io/v1alpha2` PolicyReport named `falco-policy-report` in the
// event's namespace (`k8s.ns.name`, else `ka.target.namespace`), or into the ClusterPolicyReport
// `falco-cluster-policy-report` when the event has no namespace; both are labelled
// `app.kubernetes.io/managed-by: falcosidekick`. falcosidekick has no other Kubernetes report output
// (no openreports.io kinds in its code).

/** The report kinds falcosidekick writes Falco events into. */
export const FALCO_REPORT_KINDS = [
  { group: 'wgpolicyk8s.io', kind: 'PolicyReport' },
  { group: 'wgpolicyk8s.io', kind: 'ClusterPolicyReport' },
];

/**
 * Whether a report result is a Falco event: falcosidekick sets `source: Falco` on every result it
 * writes (`policyReportSource`). Those belong to the runtime control, never to admission.
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

// The inverse of falcosidekick's `mapSeverity`: Informational and Debug → info, Notice → low,
// Warning → medium, Error → high, Critical/Alert/Emergency → critical. `critical` is read as the
// least of the three it stands for.
const PRIORITY_OF_SEVERITY: Record<string, FalcoPriority> = {
  critical: 'Critical',
  high: 'Error',
  medium: 'Warning',
  low: 'Notice',
  info: 'Informational',
};

/**
 * The Falco priority of a result. falcosidekick does not copy the event's priority into the result;
 * it is told by the word after the time that starts Falco's output line, which falcosidekick
 * writes as `message` (`09:00:00.123456789: Critical …`), else by a `priority` property (when a
 * rule's output carries it), else by the severity falcosidekick mapped it to.
 */
export function falcoPriority(r: {
  properties?: unknown;
  message?: unknown;
  severity?: unknown;
}): FalcoPriority | undefined {
  if (typeof r.message === 'string') {
    const match = /^\s*(?:[\d:.T+\-Z]+:\s+)?([A-Za-z]+)\b/.exec(r.message);
    const fromText = priorityOf(match?.[1]);
    if (fromText) return fromText;
  }
  const props =
    r.properties && typeof r.properties === 'object'
      ? (r.properties as Record<string, unknown>)
      : {};
  const fromProps = priorityOf(props.priority);
  if (fromProps) return fromProps;
  return typeof r.severity === 'string'
    ? PRIORITY_OF_SEVERITY[r.severity.toLowerCase()]
    : undefined;
}

/** How falcosidekick judges an event: its `result`, or what `mapResult` makes of a priority. */
export type FalcoResult = 'fail' | 'warn' | 'skip';

// falcosidekick's `mapResult`: Notice and below → skip, Warning → warn, Error and above → fail.
function resultOfPriority(p: FalcoPriority): FalcoResult {
  const rank = FALCO_PRIORITIES.indexOf(p);
  if (rank <= FALCO_PRIORITIES.indexOf('Error')) return 'fail';
  return p === 'Warning' ? 'warn' : 'skip';
}

const VERDICT: Record<FalcoResult, Verdict> = {
  fail: 'fail',
  warn: 'warn',
  skip: 'pass',
};

/**
 * The result of a Falco event: the worse of the `result` falcosidekick wrote and what its priority
 * maps to, so an Error, Critical, Alert or Emergency event always fails. `skip` (Notice and below)
 * is an event falcosidekick does not score; it is listed but does not lower the control.
 */
export function falcoResult(
  r: { result?: unknown },
  priority: FalcoPriority | undefined,
): FalcoResult {
  const written =
    r.result === 'fail' || r.result === 'warn' || r.result === 'skip'
      ? (r.result as FalcoResult)
      : undefined;
  const mapped = priority ? resultOfPriority(priority) : undefined;
  const candidates = [written, mapped].filter(
    (x): x is FalcoResult => x !== undefined,
  );
  // Neither a result nor a priority: an event nobody graded still needs a look.
  if (candidates.length === 0) return 'warn';
  const verdict = worst(candidates.map(c => VERDICT[c]));
  return verdict === 'pass' ? 'skip' : verdict;
}
