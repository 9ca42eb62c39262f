import {
  ComponentPosture,
  ControlResult,
  ControlStatus,
  EvidenceRef,
  FlowRecord,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { formatLocation } from '../shared/format';
import { formatPeer } from '../controls/clusterDetails';

/** What is wrong with a failing or warning control: the object at fault and what to change. */
export interface Attention {
  /** The objects at fault, `Kind namespace/name` (at most a few, then "and N more"). */
  objects: string[];
  /** The concrete fix, one sentence. */
  fix: string;
}

const GENERATE =
  'or regenerate the manifests with the Zero Trust service template (zerotrust:manifests:generate)';

const some = (items: string[], max = 3) => {
  const unique = [...new Set(items)];
  return unique.length > max
    ? [...unique.slice(0, max), `and ${unique.length - max} more`]
    : unique;
};

const evidenceName = (e: EvidenceRef) =>
  `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;

/** Falls back to the evidence when the details do not name the object at fault. */
const fromEvidence = (result: ControlResult) =>
  some(result.evidence.map(evidenceName));

/**
 * The object at fault and the fix for one failing or warning control of a component, read from
 * its typed details; the evidence names the objects when the details do not.
 */
export function attentionOf(result: ControlResult): Attention {
  switch (result.control) {
    case 'mtls': {
      const weak = (result.details?.workloads ?? []).filter(
        w => w.mode !== 'STRICT' || w.portModes.some(p => p.mode !== 'STRICT'),
      );
      return {
        objects: weak.length
          ? some(
              weak.map(
                w =>
                  `${w.workload} in ${w.namespace} (${w.mode}, ${
                    w.modeSource.policy
                      ? `PeerAuthentication ${formatLocation(
                          w.modeSource.policy,
                        )}`
                      : 'no PeerAuthentication'
                  })`,
              ),
            )
          : fromEvidence(result),
        fix: `Set mtls.mode STRICT (also in portLevelMtls) on the PeerAuthentication that decides it, and enrol the pods in the mesh, ${GENERATE}.`,
      };
    }
    case 'authorization': {
      const d = result.details;
      const open = (d?.policies ?? []).filter(p => p.allowsAnySource);
      const drift = d?.drift;
      const fixes = [
        d && !d.denyByDefault
          ? 'Add an ALLOW AuthorizationPolicy that names the callers, so everything else is denied'
          : '',
        open.length
          ? `Replace "any caller" in ${open
              .map(p => p.name)
              .join(', ')} with the callers' principals`
          : '',
        drift?.declaredNotAllowed.length
          ? `Allow ${drift.declaredNotAllowed
              .map(x => x.principal)
              .join(
                ', ',
              )} in the AuthorizationPolicy, or remove the dependency from the catalog`
          : '',
        drift?.allowedNotDeclared.length
          ? `Declare ${drift.allowedNotDeclared
              .map(x => x.principal ?? `namespace ${x.namespace}`)
              .join(
                ', ',
              )} in the catalog (dependsOn), or remove it from the policy`
          : '',
      ].filter(Boolean);
      return {
        objects: open.length
          ? some(open.map(p => `AuthorizationPolicy ${formatLocation(p)}`))
          : fromEvidence(result),
        fix: `${
          fixes.join('; ') ||
          'Make the AuthorizationPolicies allow exactly the declared callers'
        }, ${GENERATE}.`,
      };
    }
    case 'segmentation': {
      const d = result.details;
      const fixes = [
        d && !d.ingress.defaultDeny ? 'add a default-deny ingress policy' : '',
        d && !d.egress.defaultDeny ? 'add a default-deny egress policy' : '',
        d?.egress.world
          ? 'replace egress to 0.0.0.0/0 with the hosts it needs (egressFqdns)'
          : '',
      ].filter(Boolean);
      const open = some(
        [
          ...(d?.ingress.allowed ?? []).filter(p => p.kind === 'any'),
          ...(d?.egress.allowed ?? []).filter(
            p => p.kind === 'any' || p.kind === 'cidr',
          ),
        ].map(p => `${p.policy.kind} ${formatLocation(p.policy)}`),
      );
      return {
        objects: open.length ? open : fromEvidence(result),
        fix: `${
          fixes.length
            ? `${fixes.join(', ').replace(/^./, c => c.toUpperCase())}`
            : 'Restrict the NetworkPolicies to the callers and callees'
        }, ${GENERATE}.`,
      };
    }
    case 'admission': {
      const failing = (result.details?.findings ?? []).filter(
        f => f.result === result.status || f.result === 'error',
      );
      const first = failing[0];
      return {
        objects: failing.length
          ? some(failing.map(f => f.resource))
          : fromEvidence(result),
        fix: first
          ? `Change the workload so that ${first.policy}${
              first.rule ? ` / ${first.rule}` : ''
            } passes${
              first.message ? `: ${first.message.replace(/\.$/, '')}` : ''
            }${
              failing.length > 1
                ? ` (and ${failing.length - 1} more finding(s) below)`
                : ''
            }.`
          : 'Change the workload so that the failing admission policies pass.',
      };
    }
    case 'sbom': {
      const missing = result.details?.missing ?? [];
      return {
        objects: missing.length
          ? some(missing.map(m => `${m.workload} container ${m.container}`))
          : fromEvidence(result),
        fix: 'Let the Trivy Operator scan every running image (it writes one SbomReport per image), and keep the image digest in the pod spec.',
      };
    }
    case 'vulnerabilities': {
      const top = (result.details?.top ?? []).filter(v => v.fixedVersion);
      return {
        objects: top.length
          ? some(
              top.map(
                v => `${v.resource} ${v.installedVersion ?? ''} in ${v.image}`,
              ),
            )
          : fromEvidence(result),
        fix: top.length
          ? `Upgrade ${top
              .slice(0, 3)
              .map(v => `${v.resource} to ${v.fixedVersion} (${v.id})`)
              .join(', ')} and rebuild the image.`
          : 'Rebuild the image on a patched base image; scan it with the Trivy Operator.',
      };
    }
    case 'rollout': {
      const bad = (result.details?.rollouts ?? []).filter(
        r => r.aborted || r.analysisRuns[0]?.phase !== 'Successful',
      );
      return {
        objects: bad.length
          ? some(bad.map(r => `Rollout ${formatLocation(r)}`))
          : fromEvidence(result),
        fix: 'Look at the failed AnalysisRun, fix the release, then retry or roll back the Rollout (kubectl argo rollouts retry / undo).',
      };
    }
    case 'gitops': {
      const d = result.details;
      const drifted = (d?.applications ?? []).flatMap(a =>
        a.resources
          .filter(r => r.status && r.status !== 'Synced')
          .map(r => ({ app: a.name, r })),
      );
      return {
        objects: some([
          ...drifted.map(
            ({ r }) =>
              `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`,
          ),
          ...(d?.unmanaged ?? []),
        ]),
        fix: drifted.length
          ? `Sync Argo CD Application ${[
              ...new Set(drifted.map(x => x.app)),
            ].join(
              ', ',
            )} (or commit the live change to Git) so what runs is what was reviewed.`
          : 'Manage the workload with an Argo CD Application (open a GitOps pull request with zerotrust:gitops:pull-request).',
      };
    }
    case 'secrets': {
      const d = result.details;
      const bad = (d?.externalSecrets ?? []).filter(
        e => e.ready !== 'True' || e.problem,
      );
      return {
        objects: some([
          ...bad.map(e => `ExternalSecret ${formatLocation(e)}`),
          ...(d?.unmanagedSecretRefs ?? []).map(s => `Secret ${s}`),
        ]),
        fix: `${
          bad.length
            ? `Fix the ExternalSecret (${
                bad[0].problem ?? bad[0].reason ?? 'not ready'
              })`
            : ''
        }${bad.length && d?.unmanagedSecretRefs.length ? '; ' : ''}${
          d?.unmanagedSecretRefs.length
            ? 'write the Secrets the pods use through an ExternalSecret'
            : ''
        }.`.replace(/^\./, 'Sync the Secrets through External Secrets.'),
      };
    }
    case 'runtime': {
      const alerts = (result.details?.alerts ?? []).filter(
        a => a.result === 'fail' || a.result === 'warn',
      );
      return {
        objects: alerts.length
          ? some(
              alerts.map(a =>
                a.pod ? `Pod ${a.namespace}/${a.pod}` : `rule ${a.rule}`,
              ),
            )
          : fromEvidence(result),
        fix: alerts.length
          ? `Investigate the Falco alert "${alerts[0].rule}" and what triggered it; remove the behaviour or tune the rule.`
          : 'Investigate the Falco alerts.',
      };
    }
    case 'identity': {
      const d = result.details;
      const shared = (d?.serviceAccounts ?? []).filter(s => s.isDefault);
      const excessive = (d?.grants ?? []).filter(g => g.excessive);
      return {
        objects: some([
          ...excessive.map(
            g =>
              `${g.binding.kind} ${
                g.binding.namespace ? `${g.binding.namespace}/` : ''
              }${g.binding.name}`,
          ),
          ...shared.map(s => `ServiceAccount ${formatLocation(s)}`),
        ]),
        fix: [
          excessive.length
            ? `Remove the binding of ${excessive[0].role.kind} ${
                excessive[0].role.name
              } (${excessive[0].reasons.join(', ')})`
            : '',
          shared.length
            ? `Run the workload as its own ServiceAccount (serviceAccountName), ${GENERATE}`
            : '',
        ]
          .filter(Boolean)
          .join('; ')
          .concat('.')
          .replace(
            /^\.$/,
            'Give the workload its own least-privilege ServiceAccount.',
          ),
      };
    }
    case 'flows': {
      const d = result.details;
      const peer = (f: FlowRecord) =>
        `${f.direction === 'ingress' ? 'from' : 'to'} ${formatPeer(f.peer)}${
          f.port ? ` port ${f.port}` : ''
        }`;
      const dropped = d?.dropped ?? [];
      const undeclared = d?.undeclared ?? [];
      return {
        objects: some([...dropped, ...undeclared].map(peer)),
        fix: [
          dropped.length
            ? `Declare the dependency in the catalog and regenerate the policies if the dropped traffic is legitimate (${
                dropped[0].dropReason ?? dropped[0].verdict
              }), else find what sends it`
            : '',
          undeclared.length
            ? `Declare the peer in the catalog (dependsOn, or the API it consumes) or narrow the policy that lets it through, ${GENERATE}`
            : '',
        ]
          .filter(Boolean)
          .join('; ')
          .concat('.')
          .replace(/^\.$/, 'Read the Hubble Relay state below.'),
      };
    }
    case 'cis': {
      const failing = (result.details?.clusters ?? []).flatMap(c =>
        c.checks.map(k => `${c.cluster}: ${k.source} ${k.id} ${k.title}`),
      );
      return {
        objects: some(
          failing.length ? failing : result.evidence.map(evidenceName),
        ),
        fix: "The cluster's operators fix its CIS findings (kube-bench and Trivy name the remediation of each check); nothing to change in this component.",
      };
    }
    default:
      return { objects: fromEvidence(result), fix: '' };
  }
}

/** For a System: the components at the control's status, whose own tabs tell the fix. */
export function systemAttentionOf(
  control: ControlResult['control'],
  status: ControlStatus,
  components: ComponentPosture[],
): string[] {
  return components
    .filter(c =>
      c.controls.some(x => x.control === control && x.status === status),
    )
    .map(c => c.entityRef);
}
