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
import { Json, list, obj, str } from './lib/json';

const TOP_LEVEL = ['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout'];

// Argo Rollouts v1.10.2 (github.com/argoproj/argo-rollouts, utils/rollout/rolloututil.go):
// `GetRolloutPhase` is what clients (kubectl argo rollouts, Argo CD) show. It says Progressing
// while the controller has not observed the spec (`status.observedGeneration` below
// `metadata.generation`) or is unpausing (`status.controllerPause` without pause conditions), then
// takes `status.phase` when the controller wrote one, else computes it with
// `CalculateRolloutPhase`: an `InvalidSpec` condition, or a condition with reason `RolloutAborted`
// or `ProgressDeadlineExceeded` (utils/conditions/conditions.go), is Degraded; `spec.paused` or a
// pause condition is Paused; a pending restart, replicas still to update or become available, a
// pending blue-green cutover or canary steps not all done are Progressing; else Healthy.

/** The phase and message of a Rollout, as Argo Rollouts' `GetRolloutPhase` tells them. */
export function rolloutPhase(rollout: KubeObject): {
  phase: string;
  message?: string;
} {
  const status = obj(rollout.status);
  const observed = str(status.observedGeneration);
  const generation = Number(obj(rollout.metadata).generation);
  // `isGenerationObserved`: only a numeric observedGeneration (v0.10+) is compared.
  if (
    observed !== undefined &&
    /^\d+$/.test(observed) &&
    Number.isFinite(generation) &&
    Number(observed) < generation
  ) {
    return {
      phase: 'Progressing',
      message: 'waiting for rollout spec update to be observed',
    };
  }
  if (
    status.controllerPause === true &&
    list(status.pauseConditions).length === 0
  ) {
    return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
  }
  const written = str(status.phase);
  if (written) return { phase: written, message: str(status.message) };
  return calculateRolloutPhase(obj(rollout.spec), status);
}

function calculateRolloutPhase(
  spec: Json,
  status: Json,
): { phase: string; message?: string } {
  for (const cond of list(status.conditions).map(obj)) {
    if (cond.type === 'InvalidSpec') {
      return {
        phase: 'Degraded',
        message: `InvalidSpec: ${cond.message ?? ''}`,
      };
    }
    if (
      cond.reason === 'RolloutAborted' ||
      cond.reason === 'ProgressDeadlineExceeded'
    ) {
      return {
        phase: 'Degraded',
        message: `${cond.reason}: ${cond.message ?? ''}`,
      };
    }
  }
  if (spec.paused === true)
    return { phase: 'Paused', message: 'manually paused' };
  const pause = obj(list(status.pauseConditions)[0]);
  if (Object.keys(pause).length > 0) {
    return { phase: 'Paused', message: str(pause.reason) };
  }
  const restartAt = str(spec.restartAt);
  const restartedAt = str(status.restartedAt);
  if (
    restartAt &&
    (!restartedAt || Date.parse(restartAt) !== Date.parse(restartedAt))
  ) {
    return { phase: 'Progressing', message: 'rollout is restarting' };
  }
  // Go's zero values: omitted counts are 0; `spec.replicas` defaults to 1.
  const count = (v: unknown) => (typeof v === 'number' ? v : 0);
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const updated = count(status.updatedReplicas);
  if (updated < replicas) {
    return {
      phase: 'Progressing',
      message: 'more replicas need to be updated',
    };
  }
  if (count(status.availableReplicas) < updated) {
    return {
      phase: 'Progressing',
      message: 'updated replicas are still becoming available',
    };
  }
  const strategy = obj(spec.strategy);
  const stable = str(status.stableRS);
  const fullyPromoted =
    stable !== undefined && stable === str(status.currentPodHash);
  if (strategy.blueGreen) {
    const active = str(obj(status.blueGreen).activeSelector);
    if (!active || active !== str(status.currentPodHash)) {
      return {
        phase: 'Progressing',
        message: 'active service cutover pending',
      };
    }
    if (!fullyPromoted) {
      const postPromotion = obj(strategy.blueGreen).postPromotionAnalysis;
      const run = str(
        obj(obj(status.blueGreen).postPromotionAnalysisRunStatus).status,
      );
      const completed = ['Successful', 'Failed', 'Error', 'Inconclusive'];
      return {
        phase: 'Progressing',
        message:
          postPromotion && !completed.includes(run ?? '')
            ? 'waiting for analysis to complete'
            : 'waiting for post-promotion verification to complete',
      };
    }
  } else if (strategy.canary) {
    if (
      !obj(strategy.canary).trafficRouting &&
      count(status.replicas) > updated
    ) {
      return {
        phase: 'Progressing',
        message: 'old replicas are pending termination',
      };
    }
    if (!fullyPromoted) {
      return {
        phase: 'Progressing',
        message: 'waiting for all steps to complete',
      };
    }
  }
  return { phase: 'Healthy' };
}

function analysisRuns(w: ClusterWorkloads, rollout: KubeObject): KubeObject[] {
  return (
    w.cluster
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
      // Newest first: a run the controller just created has no `status.startedAt` yet.
      .sort((a, b) => startOf(b).localeCompare(startOf(a)))
  );
}

function startOf(run: KubeObject): string {
  return (
    str(obj(run.metadata).creationTimestamp) ??
    str(obj(run.status).startedAt) ??
    ''
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
  const computed = rolloutPhase(rollout);
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
    phase: computed.phase,
    strategy,
    currentStepIndex: index,
    totalSteps: steps.length || undefined,
    canaryWeight: typeof weight === 'number' ? weight : undefined,
    paused: Boolean(spec.paused) || list(status.pauseConditions).length > 0,
    pauseReasons: list(status.pauseConditions)
      .map(p => p?.reason)
      .filter(Boolean),
    aborted: Boolean(status.abort),
    message: computed.message,
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
 * analysis warns. Workloads released as plain Deployments are not applicable (left out of the score),
 * and the summary says so: canary delivery is a choice of the service template, not a requirement.
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
      status: 'not-applicable',
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
