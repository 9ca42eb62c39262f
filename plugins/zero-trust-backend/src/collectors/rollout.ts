import {
  AnalysisRunSummary,
  RolloutDetails,
  RolloutSummary,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterWorkloads } from '../service/resolveWorkloads';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { Verdict, worst } from './lib/status';
import { Collector } from './types';
import { obj, list } from './lib/json';

const TOP_LEVEL = ['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout'];

function analysisRuns(w: ClusterWorkloads, rollout: KubeObject): KubeObject[] {
  return w.cluster
    .objects('argoproj.io', 'AnalysisRun', rollout.metadata.namespace)
    .filter(run =>
      (run.metadata.ownerReferences ?? []).some(
        r =>
          r.kind === 'Rollout' &&
          (r.uid
            ? r.uid === rollout.metadata.uid
            : r.name === rollout.metadata.name),
      ),
    )
    .sort((a, b) =>
      String(obj(b.status).startedAt ?? '').localeCompare(
        String(obj(a.status).startedAt ?? ''),
      ),
    );
}

function summarizeRun(cluster: string, run: KubeObject): AnalysisRunSummary {
  const status = obj(run.status);
  return {
    cluster,
    namespace: run.metadata.namespace,
    name: run.metadata.name,
    phase: String(status.phase ?? 'Pending'),
    message: status.message,
    metrics: list(status.metricResults).map(m => ({
      name: String(m?.name ?? '?'),
      phase: m?.phase,
      count: Number(m?.count ?? 0),
      successful: Number(m?.successful ?? 0),
      failed: Number(m?.failed ?? 0),
      inconclusive: Number(m?.inconclusive ?? 0),
      error: Number(m?.error ?? 0),
      lastValue: list(m?.measurements).at(-1)?.value,
    })),
  };
}

function summarizeRollout(
  w: ClusterWorkloads,
  rollout: KubeObject,
): RolloutSummary {
  const spec = obj(rollout.spec);
  const status = obj(rollout.status);
  const canary = obj(obj(spec.strategy).canary);
  const steps = list(canary.steps);
  const index =
    typeof status.currentStepIndex === 'number'
      ? status.currentStepIndex
      : undefined;
  const reached = steps
    .slice(0, index ?? 0)
    .map(s => obj(s).setWeight)
    .filter((x): x is number => typeof x === 'number');
  const weight =
    obj(obj(obj(status.canary).weights).canary).weight ?? reached.at(-1);
  let strategy: RolloutSummary['strategy'] = 'unknown';
  if (obj(spec.strategy).canary) strategy = 'canary';
  else if (obj(spec.strategy).blueGreen) strategy = 'blueGreen';
  return {
    cluster: w.cluster.name,
    namespace: rollout.metadata.namespace,
    name: rollout.metadata.name,
    phase: status.phase,
    strategy,
    currentStepIndex: index,
    totalSteps: steps.length || undefined,
    canaryWeight: typeof weight === 'number' ? weight : undefined,
    paused: Boolean(spec.paused) || list(status.pauseConditions).length > 0,
    pauseReasons: list(status.pauseConditions)
      .map(p => p?.reason)
      .filter(Boolean),
    aborted: Boolean(status.abort),
    message: status.message,
    analysisRuns: analysisRuns(w, rollout).map(run =>
      summarizeRun(w.cluster.name, run),
    ),
  };
}

function verdictOf(r: RolloutSummary): Verdict {
  const latest = r.analysisRuns[0];
  if (r.aborted || r.phase === 'Degraded') return 'fail';
  if (latest && ['Failed', 'Error'].includes(latest.phase)) return 'fail';
  if (latest?.phase === 'Inconclusive') return 'warn';
  return 'pass';
}

/**
 * Progressive delivery: each Argo Rollout's step, canary weight, pauses and the outcome of its
 * latest AnalysisRun. An aborted or degraded Rollout, or a failed analysis, fails; an inconclusive
 * analysis warns. Workloads released as plain Deployments pass, and the summary says so: canary
 * delivery is a choice of the service template, not a requirement.
 */
export const collectRollout: Collector<'rollout'> = ctx => {
  const gated = gateOnKinds('rollout', ctx, [
    { group: 'argoproj.io', kind: 'Rollout' },
  ]);
  if (gated) return gated;
  const evidence = new EvidenceList(ctx.now);
  const rollouts: RolloutSummary[] = [];
  const plain: string[] = [];
  for (const w of ctx.workloads) {
    for (const c of w.controllers.filter(x => TOP_LEVEL.includes(x.kind))) {
      if (c.kind !== 'Rollout') {
        plain.push(`${c.kind}/${c.metadata.name}`);
        continue;
      }
      evidence.add(w.cluster, c);
      const summary = summarizeRollout(w, c);
      for (const run of analysisRuns(w, c).slice(0, 1)) {
        evidence.add(w.cluster, run);
      }
      rollouts.push(summary);
    }
  }
  const details: RolloutDetails = { rollouts, plainControllers: plain };
  if (rollouts.length === 0) {
    return {
      control: 'rollout',
      status: 'pass',
      summary: `Released without a canary (${
        plain.join(', ') || 'no controller'
      }).`,
      details,
      evidence: [],
    };
  }
  const status = worst(rollouts.map(verdictOf));
  const describe = (r: RolloutSummary) => {
    const parts = [
      `${r.name}: ${r.phase ?? 'unknown phase'}`,
      r.currentStepIndex !== undefined && r.totalSteps
        ? `step ${r.currentStepIndex} of ${r.totalSteps}`
        : '',
      r.canaryWeight !== undefined ? `canary weight ${r.canaryWeight}%` : '',
      r.aborted ? 'aborted' : '',
      r.analysisRuns[0] ? `analysis ${r.analysisRuns[0].phase}` : '',
    ];
    return parts.filter(Boolean).join(', ');
  };
  return {
    control: 'rollout',
    status,
    summary: `${rollouts.map(describe).join('; ')}.`,
    details,
    evidence: evidence.list(),
  };
};
