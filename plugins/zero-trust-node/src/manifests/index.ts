export { generateManifests } from './generateManifests';
export type { GeneratedManifests } from './generateManifests';
export { parseServiceSpec } from './parseServiceSpec';
export {
  serviceSpecSchema,
  ENVIRONMENTS,
  SERVICE_PROTOCOLS,
} from './ServiceSpec';
export type {
  ServiceSpec,
  ServiceSpecInput,
  ServicePeerSpec,
  EnvironmentName,
} from './ServiceSpec';
export type { ManifestObject } from './objectMeta';
