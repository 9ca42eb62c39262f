import {
  IstioDataplane,
  IstioObject,
  isRecord,
  oldestFirst,
  refOf,
  selectorSubsetOf,
  specOf,
  workloadSelectorLabels,
} from './objects';

/** @public */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** Where the effective mode comes from. @public */
export type PeerAuthenticationLevel =
  | 'workload'
  | 'namespace'
  | 'mesh'
  | 'default';

/** The mTLS a workload's inbound connections get. @public */
export interface EffectivePeerAuthentication {
  mode: MtlsMode;
  level: PeerAuthenticationLevel;
  /** The policy that set `mode` (absent for Istio's default PERMISSIVE). */
  policy?: IstioObject;
  /** Ports whose mode differs from `mode`, from the workload policy's `portLevelMtls`. */
  ports: { port: number; mode: MtlsMode }[];
  /** The mesh, namespace and workload policies selected, whether or not they set a mode. */
  used: IstioObject[];
  notes: string[];
}

const MODES: readonly string[] = ['STRICT', 'PERMISSIVE', 'DISABLE'];

/** A mode that overrides the level above; UNSET, absent or unknown inherit. */
function modeOf(value: unknown): MtlsMode | undefined {
  const mode = isRecord(value) ? value.mode : undefined;
  return typeof mode === 'string' && MODES.includes(mode)
    ? (mode as MtlsMode)
    : undefined;
}

/**
 * The effective PeerAuthentication of a workload, as Istio computes it:
 *
 * - Candidates are the policies of the workload's namespace and of the root namespace whose
 *   selector is a subset of the workload's labels (getConfigsForWorkload,
 *   pilot/pkg/model/authentication.go).
 * - Without a selector: mesh-wide in the root namespace, namespace-wide elsewhere. With a selector:
 *   workload level, but never in the root namespace — such a policy is ignored
 *   (ComposePeerAuthentication, pilot/pkg/security/authn/policy_applier.go;
 *   https://istio.io/latest/docs/reference/config/security/peer_authentication/: "PeerAuthentication
 *   policies with workload selectors are ignored when deployed in the root namespace").
 * - workload \> namespace \> mesh \> PERMISSIVE; UNSET inherits; the oldest policy of a level wins.
 * - `portLevelMtls` only from the workload policy (it needs a selector); UNSET ports inherit.
 *
 * Ambient (ztunnel) differs, as istiod converts the policy for ztunnel
 * (convertedSelectorPeerAuthentications and convertPeerAuthentication,
 * pilot/pkg/serviceregistry/ambient/authorization.go; architecture/ambient/peer-authentication.md):
 * only STRICT or not STRICT exists, so DISABLE is accepted as PERMISSIVE ("DISABLE mode is not
 * supported" in ambient, peer_authentication reference above); and a workload policy with UNSET
 * mode under an effective STRICT honours its port exceptions only if one is PERMISSIVE: DISABLE
 * ports alone stay STRICT.
 *
 * @public
 */
export function effectivePeerAuthentication(
  policies: readonly IstioObject[],
  workload: {
    namespace: string;
    labels?: Record<string, string>;
    dataplane: IstioDataplane;
  },
  rootNamespace: string,
): EffectivePeerAuthentication {
  const notes: string[] = [];
  const candidates = policies
    .filter(
      p =>
        (p.metadata.namespace === workload.namespace ||
          p.metadata.namespace === rootNamespace) &&
        selectorSubsetOf(workloadSelectorLabels(specOf(p)), workload.labels),
    )
    .sort(oldestFirst);
  const hasSelector = (p: IstioObject) =>
    Object.keys(workloadSelectorLabels(specOf(p))).length > 0;
  const levelOf = (p: IstioObject): PeerAuthenticationLevel | undefined => {
    if (!hasSelector(p)) {
      return p.metadata.namespace === rootNamespace ? 'mesh' : 'namespace';
    }
    return p.metadata.namespace === rootNamespace ? undefined : 'workload';
  };
  const levels = ['mesh', 'namespace', 'workload'] as const;
  const chosen = new Map(
    levels.map(l => [l, candidates.find(p => levelOf(p) === l)]),
  );

  let mode: MtlsMode = 'PERMISSIVE';
  let level: PeerAuthenticationLevel = 'default';
  let source: IstioObject | undefined;
  for (const l of levels) {
    const p = chosen.get(l);
    if (!p) continue;
    const raw = specOf(p).mtls;
    const m = modeOf(raw);
    const written = isRecord(raw) ? raw.mode : undefined;
    if (written !== undefined && written !== 'UNSET' && !m) {
      notes.push(
        `PeerAuthentication ${refOf(p)} has an unknown mode "${String(
          written,
        )}"; treated as UNSET`,
      );
    }
    if (m) {
      mode = m;
      level = l;
      source = p;
    }
  }
  const ambient = workload.dataplane === 'ambient';
  const inherited = mode;
  if (ambient && mode === 'DISABLE') {
    notes.push(
      `ztunnel does not support DISABLE: ${refOf(
        source!,
      )} accepts plain text like PERMISSIVE`,
    );
    mode = 'PERMISSIVE';
  }

  const ports: EffectivePeerAuthentication['ports'] = [];
  const workloadPolicy = chosen.get('workload');
  const portLevel = workloadPolicy
    ? specOf(workloadPolicy).portLevelMtls
    : undefined;
  if (workloadPolicy && isRecord(portLevel)) {
    const workloadModeUnset = !modeOf(specOf(workloadPolicy).mtls);
    // Under UNSET + inherited STRICT, istiod only sends the port exceptions to ztunnel when some
    // port is PERMISSIVE; DISABLE ports alone are dropped.
    const anyPermissivePort = Object.values(portLevel).some(
      s => modeOf(s) === 'PERMISSIVE',
    );
    for (const [key, setting] of Object.entries(portLevel)) {
      const port = Number(key);
      if (!Number.isInteger(port)) {
        notes.push(
          `PeerAuthentication ${refOf(
            workloadPolicy,
          )} has a non-numeric port "${key}"`,
        );
        continue;
      }
      let portMode = modeOf(setting) ?? inherited;
      if (ambient && portMode === 'DISABLE') {
        if (workloadModeUnset && inherited === 'STRICT' && !anyPermissivePort) {
          notes.push(
            `ztunnel ignores port ${port} DISABLE of ${refOf(
              workloadPolicy,
            )} under an inherited STRICT mode`,
          );
          portMode = 'STRICT';
        } else {
          portMode = 'PERMISSIVE';
        }
      }
      if (portMode !== mode) ports.push({ port, mode: portMode });
    }
  }
  return {
    mode,
    level,
    ...(source ? { policy: source } : {}),
    ports: ports.sort((a, b) => a.port - b.port),
    used: levels.flatMap(l => {
      const p = chosen.get(l);
      return p ? [p] : [];
    }),
    notes,
  };
}

/**
 * STRICT everywhere: the workload mode and every port.
 *
 * @public
 */
export const requiresMtls = (e: EffectivePeerAuthentication) =>
  e.mode === 'STRICT' && e.ports.every(p => p.mode === 'STRICT');
