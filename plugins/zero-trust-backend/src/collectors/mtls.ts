import {
  MtlsWorkload,
  PeerAuthenticationMode,
  PeerAuthenticationSource,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { effectivePeerAuthentication } from '@zero-trust-k8s/plugin-zero-trust-node';
import { EvidenceList } from './lib/evidence';
import { gateOnKinds } from './lib/gate';
import { meshEnrollment } from './lib/mesh';
import { Verdict, plural, worst } from './lib/status';
import { workloadNameOf } from './lib/workloadName';
import { Collector } from './types';
import { KubeObject } from '../sources/types';

const PEER_AUTHENTICATION = {
  group: 'security.istio.io',
  kind: 'PeerAuthentication',
};

const VERDICT: Record<PeerAuthenticationMode, Verdict> = {
  STRICT: 'pass',
  PERMISSIVE: 'warn',
  DISABLE: 'fail',
};

/**
 * mTLS: is every pod in the mesh (sidecar or ambient), and does the effective PeerAuthentication
 * require mutual TLS? The mode is resolved by the shared Istio rules (plugin-zero-trust-node
 * src/istio/peerAuthentication.ts, following upstream): workload selector > namespace > mesh-wide
 * (root namespace, no selector) > Istio's default PERMISSIVE, `UNSET` inheriting, the oldest
 * policy winning within a level, `portLevelMtls` of the workload policy per port, and ztunnel's
 * handling for ambient pods (DISABLE accepted as PERMISSIVE).
 */
export const collectMtls: Collector<'mtls'> = ctx => {
  const gated = gateOnKinds('mtls', ctx, [PEER_AUTHENTICATION]);
  const evidence = new EvidenceList(ctx.now);
  const notes: string[] = [];
  const groups = new Map<string, MtlsWorkload>();
  let enrolled = 0;

  for (const w of ctx.workloads) {
    const policies = w.cluster.objects(
      PEER_AUTHENTICATION.group,
      PEER_AUTHENTICATION.kind,
    );
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
      const effective = effectivePeerAuthentication(
        policies,
        {
          namespace: pod.metadata.namespace ?? '',
          labels: pod.metadata.labels,
          dataplane,
        },
        ctx.settings.meshRootNamespace,
      );
      for (const note of effective.notes) {
        if (!notes.includes(note)) notes.push(note);
      }
      const mode: PeerAuthenticationMode = effective.mode;
      const modeSource: PeerAuthenticationSource =
        effective.policy && effective.level !== 'default'
          ? {
              level: effective.level,
              policy: {
                cluster: w.cluster.name,
                namespace: effective.policy.metadata.namespace,
                name: effective.policy.metadata.name,
              },
            }
          : { level: 'default' };
      const portModes: MtlsWorkload['portModes'] = effective.ports;
      const used = effective.used as KubeObject[];
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
