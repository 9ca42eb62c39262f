/**
 * Istio policy semantics, following upstream Istio: which PeerAuthentication and
 * AuthorizationPolicy objects apply to a workload and what they enforce. One model for the backend
 * collectors and the manifest validator.
 */
export { ISTIO_DEFAULT_ROOT_NAMESPACE } from './objects';
export type { IstioDataplane, IstioObject, IstioObjectMeta } from './objects';
export {
  ambientEnrollment,
  effectiveWaypoint,
  waypointBinding,
} from './waypoint';
export type { WaypointRef } from './waypoint';
export {
  authorizationActionOf,
  authorizationDecision,
  authorizationPolicyScope,
  isDryRun,
  isMatchAllRule,
  targetsServiceWithoutWaypoint,
} from './authorizationPolicy';
export type {
  AuthorizationDecision,
  AuthorizationPolicyScope,
  AuthorizationTarget,
} from './authorizationPolicy';
export {
  effectivePeerAuthentication,
  requiresMtls,
} from './peerAuthentication';
export type {
  EffectivePeerAuthentication,
  MtlsMode,
  PeerAuthenticationLevel,
} from './peerAuthentication';
