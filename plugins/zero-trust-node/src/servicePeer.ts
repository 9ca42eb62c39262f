import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { KUBERNETES_ANNOTATIONS } from './entityWorkloads';

/** Annotations of ours that describe how a service is reached. @public */
export const ZERO_TRUST_ANNOTATIONS = {
  /** Comma-separated `<protocol>:<port>` list, e.g. `grpc:7070` or `http:8080,grpc:9555`. */
  ports: 'zero-trust.io/ports',
  /** The Kubernetes ServiceAccount of the workload; defaults to the entity name. */
  serviceAccount: 'zero-trust.io/service-account',
} as const;

/** @public */
export type PeerProtocol = 'grpc' | 'http' | 'tcp';

/** @public */
export interface PeerPort {
  protocol: PeerProtocol;
  port: number;
}

/**
 * A catalog entity seen as a network peer: what a policy needs to allow traffic to or from it.
 *
 * @public
 */
export interface ServicePeer {
  entityRef: string;
  name: string;
  namespace: string;
  serviceAccount: string;
  ports: PeerPort[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Throws an InputError unless `value` is a DNS-1123 label (a valid namespace or object name). @public */
export function assertDnsLabel(value: string, what: string): string {
  if (!DNS_LABEL.test(value)) {
    throw new InputError(
      `${what} "${value}" is not a valid Kubernetes name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return value;
}

/** Parses the `zero-trust.io/ports` annotation. @public */
export function parsePorts(
  value: string | undefined,
  entityRef: string,
): PeerPort[] {
  if (!value?.trim()) {
    return [];
  }
  const ports = value.split(',').map(item => {
    const m = /^\s*(grpc|http|tcp):(\d{1,5})\s*$/.exec(item);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) {
      throw new InputError(
        `${entityRef} has an invalid ${
          ZERO_TRUST_ANNOTATIONS.ports
        } entry "${item.trim()}": expected <grpc|http|tcp>:<1-65535>`,
      );
    }
    return { protocol: m[1] as PeerProtocol, port };
  });
  const seen = new Set<number>();
  for (const p of ports) {
    if (seen.has(p.port)) {
      throw new InputError(`${entityRef} declares port ${p.port} twice`);
    }
    seen.add(p.port);
  }
  return ports;
}

/**
 * Describes a catalog entity as a network peer, from the kubernetes plugin's annotations and ours.
 * Every value that ends up in a manifest is validated here, so a hostile annotation cannot reach
 * a generated policy.
 *
 * @public
 */
export function servicePeerFromEntity(entity: Entity): ServicePeer {
  const entityRef = stringifyEntityRef(entity);
  const annotations = entity.metadata.annotations ?? {};
  const name = assertDnsLabel(
    annotations[KUBERNETES_ANNOTATIONS.id] ?? entity.metadata.name,
    `Workload name of ${entityRef}`,
  );
  return {
    entityRef,
    name,
    namespace: assertDnsLabel(
      annotations[KUBERNETES_ANNOTATIONS.namespace] ?? 'default',
      `Namespace of ${entityRef}`,
    ),
    serviceAccount: assertDnsLabel(
      annotations[ZERO_TRUST_ANNOTATIONS.serviceAccount] ?? name,
      `Service account of ${entityRef}`,
    ),
    ports: parsePorts(annotations[ZERO_TRUST_ANNOTATIONS.ports], entityRef),
  };
}
