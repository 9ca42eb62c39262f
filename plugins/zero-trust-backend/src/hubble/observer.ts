import { resolvePackagePath } from '@backstage/backend-plugin-api';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import fs from 'node:fs';

/**
 * The folder of Cilium's Observer API protos (proto/README.md says where they come from). Resolved
 * through the package, so it works from src and from the published dist alike.
 */
export function protoDir(): string {
  return resolvePackagePath(
    '@zero-trust-k8s/plugin-zero-trust-backend',
    'proto',
    'cilium',
  );
}

/**
 * Loads observer.Observer. Field names are kept as the protos spell them (`pod_name`, `IP`, `l4`),
 * the way Hubble's JSON output (protojson with proto names) spells them too, and enums come as
 * their names (`DROPPED`, `POLICY_DENIED`).
 */
export function loadObserverService(): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync('observer/observer.proto', {
    includeDirs: [protoDir()],
    keepCase: true,
    enums: String,
    longs: Number,
    defaults: false,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as any;
  return pkg.observer.Observer as grpc.ServiceClientConstructor;
}

/** How to reach one cluster's Hubble Relay (`zeroTrust.hubble.relays.<cluster>`). */
export interface RelayConfig {
  /** `host:port` of the Relay's gRPC service. */
  address: string;
  /** TLS towards the Relay; plaintext when absent (Relay's default, port 80). */
  tls?: {
    /** PEM file of the CA that signed the Relay's certificate. */
    caFile?: string;
    /** Client certificate and key, when the Relay requires mutual TLS. */
    certFile?: string;
    keyFile?: string;
    /** The name to check the Relay's certificate against (default: the address's host). */
    serverName?: string;
  };
}

/** A gRPC client of one Relay's Observer service. */
export function observerClient(relay: RelayConfig): grpc.Client {
  const Observer = loadObserverService();
  const read = (file?: string) => (file ? fs.readFileSync(file) : undefined); // config files, read once per client
  const credentials = relay.tls
    ? grpc.credentials.createSsl(
        read(relay.tls.caFile) ?? null,
        read(relay.tls.keyFile) ?? null,
        read(relay.tls.certFile) ?? null,
      )
    : grpc.credentials.createInsecure();
  return new Observer(
    relay.address,
    credentials,
    relay.tls?.serverName
      ? { 'grpc.ssl_target_name_override': relay.tls.serverName }
      : {},
  );
}

/** A flow as Hubble's Observer API returns it (`flow.Flow`, field names as in the proto). */
export type HubbleFlow = Record<string, any>;

/** Why a read of a Relay failed, in the terms the control shows. */
export type RelayFailure = 'unreachable' | 'forbidden' | 'timeout' | 'error';

/** A failed GetFlows call, classified by its gRPC status. */
export class RelayError extends Error {
  constructor(readonly kind: RelayFailure, message: string) {
    super(message);
  }
}

function classify(e: grpc.ServiceError): RelayError {
  switch (e.code) {
    case grpc.status.UNAVAILABLE:
      return new RelayError('unreachable', e.details || e.message);
    case grpc.status.PERMISSION_DENIED:
    case grpc.status.UNAUTHENTICATED:
      return new RelayError('forbidden', e.details || e.message);
    case grpc.status.DEADLINE_EXCEEDED:
      return new RelayError('timeout', 'no answer within the timeout');
    default:
      return new RelayError('error', `${grpc.status[e.code]}: ${e.details}`);
  }
}

/**
 * The flows to or from some pods since a time, read once (no follow): `GetFlows` with one
 * whitelist filter on the source pods and one on the destination pods (filters are ORed; a pod
 * filter is `namespace/name-prefix`, see FlowFilter in flow.proto). At most `max` flows.
 */
export function getFlows(
  client: grpc.Client,
  options: { pods: string[]; since: Date; max: number; timeoutMs: number },
): Promise<HubbleFlow[]> {
  const since = {
    seconds: Math.floor(options.since.getTime() / 1000),
    nanos: (options.since.getTime() % 1000) * 1e6,
  };
  const request = {
    number: options.max,
    since,
    whitelist: [
      { source_pod: options.pods },
      { destination_pod: options.pods },
    ],
  };
  return new Promise((resolve, reject) => {
    const flows: HubbleFlow[] = [];
    const call = (client as any).GetFlows(request, {
      deadline: new Date(Date.now() + options.timeoutMs),
    }) as grpc.ClientReadableStream<any>;
    call.on('data', (response: any) => {
      // A response carries a flow, or node status / lost events (oneof response_types).
      if (response?.flow) flows.push(normalize(response.flow));
    });
    call.on('error', (e: grpc.ServiceError) => reject(classify(e)));
    call.on('end', () => resolve(flows));
  });
}

/** `time` as an ISO string, like Hubble's JSON. */
function normalize(flow: HubbleFlow): HubbleFlow {
  const t = flow.time;
  if (t && typeof t === 'object' && 'seconds' in t) {
    const ms = Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
    return { ...flow, time: new Date(ms).toISOString() };
  }
  return flow;
}
