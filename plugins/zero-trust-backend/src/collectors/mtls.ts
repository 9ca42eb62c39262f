import {
  MtlsWorkload,
  PeerAuthenticationMode,
  PeerAuthenticationSource,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { KubeObject } from '../sources/types';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { istioPolicyScope, oldestFirst, specOf } from './lib/istio';
import { meshEnrollment } from './lib/mesh';
import { Verdict, plural, worst } from './lib/status';
import { workloadNameOf } from './lib/workloadName';
import { Collector } from './types';

const PEER_AUTHENTICATION = {
  group: 'security.istio.io',
  kind: 'PeerAuthentication',
};

interface PeerAuthenticationSpec {
  mtls?: { mode?: string };
  portLevelMtls?: Record<string, { mode?: string }>;
}

const MODES = ['STRICT', 'PERMISSIVE', 'DISABLE'];

function modeOf(value: unknown): PeerAuthenticationMode | undefined {
  return typeof value === 'string' && MODES.includes(value)
    ? (value as PeerAuthenticationMode)
    : undefined; // UNSET, absent or unknown: inherit
}

const VERDICT: Record<PeerAuthenticationMode, Verdict> = {
  STRICT: 'pass',
  PERMISSIVE: 'warn',
  DISABLE: 'fail',
};

/**
 * mTLS: is every pod in the mesh (sidecar or ambient), and does the effective PeerAuthentication
 * require mutual TLS? The mode is resolved as Istio does: workload selector > namespace >
 * mesh-wide (root namespace) > Istio's default PERMISSIVE, `UNSET` inheriting from the level
 * above, the oldest policy winning within a level, and `portLevelMtls` of the workload policy
 * overriding per port.
 */
export const collectMtls: Collector<'mtls'> = ctx => {
  const gated = gateOnKinds('mtls', ctx, [PEER_AUTHENTICATION]);
  const evidence = new EvidenceList(ctx.now);
  const notes: string[] = [];
  const groups = new Map<string, MtlsWorkload>();
  let enrolled = 0;

  for (const w of ctx.workloads) {
    const policies = w.cluster
      .objects(PEER_AUTHENTICATION.group, PEER_AUTHENTICATION.kind)
      .sort(oldestFirst);
    for (const pod of w.pods) {
      const namespace = w.namespaces.find(
        n => n.metadata.name === pod.metadata.namespace,
      );
      const { dataplane, enrolledBy } = meshEnrollment(pod, namespace);
      if (dataplane !== 'none') enrolled++;
      if (
        dataplane === 'ambient' &&
        enrolledBy === 'namespace label' &&
        namespace
      ) {
        evidence.add(w.cluster, namespace);
      }
      const applicable = (level: string) =>
        policies.find(
          p =>
            istioPolicyScope(
              p,
              {
                namespace: pod.metadata.namespace,
                labels: pod.metadata.labels,
              },
              { rootNamespace: ctx.settings.meshRootNamespace },
            ) === level,
        );
      let mode: PeerAuthenticationMode = 'PERMISSIVE';
      let modeSource: PeerAuthenticationSource = { level: 'default' };
      const levels = ['mesh', 'namespace', 'workload'] as const;
      const used: KubeObject[] = [];
      for (const level of levels) {
        const policy = applicable(level);
        if (!policy) continue;
        used.push(policy);
        const spec = specOf<PeerAuthenticationSpec>(policy);
        const levelMode = modeOf(spec.mtls?.mode);
        if (spec.mtls?.mode && !levelMode && spec.mtls.mode !== 'UNSET') {
          notes.push(
            `PeerAuthentication ${policy.metadata.namespace}/${policy.metadata.name} has an unknown mode "${spec.mtls.mode}"; treated as UNSET`,
          );
        }
        if (levelMode) {
          mode = levelMode;
          modeSource = {
            level,
            policy: {
              cluster: w.cluster.name,
              namespace: policy.metadata.namespace,
              name: policy.metadata.name,
            },
          };
        }
      }
      const workloadPolicy = applicable('workload');
      const portModes: MtlsWorkload['portModes'] = [];
      const portLevel = workloadPolicy
        ? specOf<PeerAuthenticationSpec>(workloadPolicy).portLevelMtls
        : undefined;
      if (portLevel && typeof portLevel === 'object') {
        for (const [port, setting] of Object.entries(portLevel)) {
          const portMode = modeOf(setting?.mode) ?? mode;
          const portNumber = Number(port);
          if (!Number.isInteger(portNumber)) {
            notes.push(
              `PeerAuthentication ${workloadPolicy!.metadata.namespace}/${
                workloadPolicy!.metadata.name
              } has a non-numeric port "${port}"`,
            );
          } else if (portMode !== mode) {
            portModes.push({ port: portNumber, mode: portMode });
          }
        }
      }
      used.forEach(p => evidence.add(w.cluster, p));
      const row: MtlsWorkload = {
        cluster: w.cluster.name,
        namespace: pod.metadata.namespace ?? '',
        workload: workloadNameOf(pod, w),
        pods: 1,
        dataplane,
        enrolledBy,
        mode,
        modeSource,
        portModes: portModes.sort((a, b) => a.port - b.port),
      };
      const key = JSON.stringify({ ...row, pods: 0 });
      const existing = groups.get(key);
      if (existing) existing.pods++;
      else {
        groups.set(key, row);
        evidence.add(w.cluster, pod);
      }
    }
  }

  const workloads = [...groups.values()];
  const details = { rootNamespace: ctx.settings.meshRootNamespace, workloads };
  const base = {
    control: 'mtls' as const,
    details,
    evidence: evidence.list(),
    ...(notes.length ? { notes } : {}),
  };
  const pods = workloads.reduce((n, r) => n + r.pods, 0);
  if (pods === 0) {
    return (
      gated ?? {
        ...base,
        status: 'unknown',
        summary: 'No running pods to check.',
      }
    );
  }
  if (gated && (gated.status !== 'not-installed' || enrolled === 0)) {
    // Without readable PeerAuthentications the mode cannot be resolved.
    return { ...gated, details, evidence: evidence.list() };
  }

  const verdicts = workloads.map(r =>
    r.dataplane === 'none'
      ? 'fail'
      : worst([VERDICT[r.mode], ...r.portModes.map(p => VERDICT[p.mode])]),
  );
  const status = worst(verdicts);
  const outside = workloads.filter(r => r.dataplane === 'none');
  const weak = workloads.filter(
    r =>
      r.dataplane !== 'none' && (r.mode !== 'STRICT' || r.portModes.length > 0),
  );
  let summary: string;
  if (outside.length > 0) {
    summary = `${plural(
      outside.reduce((n, r) => n + r.pods, 0),
      'pod',
    )} of ${outside.map(r => r.workload).join(', ')} ${
      outside.length === 1 && outside[0].pods === 1 ? 'is' : 'are'
    } outside the mesh: traffic is plain text.`;
  } else if (weak.length > 0) {
    summary = weak
      .map(r => {
        const source = r.modeSource.policy
          ? ` (${r.modeSource.policy.namespace}/${r.modeSource.policy.name})`
          : ' (no PeerAuthentication: Istio default)';
        const ports = r.portModes
          .filter(p => p.mode !== 'STRICT')
          .map(p => `port ${p.port} ${p.mode}`);
        return r.mode !== 'STRICT'
          ? `${r.workload} accepts ${
              r.mode === 'DISABLE' ? 'only' : 'also'
            } plain text: mode ${r.mode}${source}`
          : `${r.workload} requires mTLS except ${ports.join(', ')}`;
      })
      .join('; ')
      .concat('.');
  } else {
    const dataplanes = [...new Set(workloads.map(r => r.dataplane))].join(
      ' and ',
    );
    const levels = [...new Set(workloads.map(r => r.modeSource.level))].join(
      '/',
    );
    summary = `All ${plural(
      pods,
      'pod',
    )} in the mesh (${dataplanes}) require mTLS (STRICT, ${levels} policy).`;
  }
  return { ...base, status, summary };
};
