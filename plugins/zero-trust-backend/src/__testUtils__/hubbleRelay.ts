import * as grpc from '@grpc/grpc-js';
import { loadObserverService } from '../hubble/observer';

/** protojson → the object grpc-js serializes: Timestamps and BoolValues are messages in protobuf. */
function toMessage(flow: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...flow };
  if (typeof flow.time === 'string') {
    const ms = Date.parse(flow.time);
    out.time = { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
  }
  if (typeof flow.is_reply === 'boolean')
    out.is_reply = { value: flow.is_reply };
  return out;
}

const matches = (pod: unknown, prefixes: string[]) =>
  typeof pod === 'string' && prefixes.some(p => pod.startsWith(p));

const podOf = (e: any) =>
  e?.pod_name ? `${e.namespace}/${e.pod_name}` : undefined;

/**
 * A Hubble Relay stand-in on 127.0.0.1 that serves Cilium's own observer.proto: GetFlows streams
 * recorded flows (JSON lines in Hubble's shape), applying the request's whitelist pod filters
 * (prefixes, ORed across filters) and `number`, and records each request.
 */
export async function startFakeRelay(options: {
  lines: string[];
  fail?: grpc.status;
  delayMs?: number;
}) {
  const requests: any[] = [];
  const server = new grpc.Server();
  const Observer = loadObserverService();
  server.addService(Observer.service, {
    GetFlows(call: grpc.ServerWritableStream<any, any>) {
      requests.push(call.request);
      const send = () => {
        if (options.fail !== undefined) {
          call.emit('error', {
            code: options.fail,
            details: 'refused by the test relay',
          });
          return;
        }
        const filters: any[] = call.request.whitelist ?? [];
        let sent = 0;
        for (const line of options.lines) {
          const { flow } = JSON.parse(line);
          const wanted =
            filters.length === 0 ||
            filters.some(
              f =>
                matches(podOf(flow.source), f.source_pod ?? []) ||
                matches(podOf(flow.destination), f.destination_pod ?? []),
            );
          if (!wanted) continue;
          if (call.request.number && sent >= Number(call.request.number)) break;
          call.write({ flow: toMessage(flow), node_name: flow.node_name });
          sent++;
        }
        call.end();
      };
      if (options.delayMs) setTimeout(send, options.delayMs);
      else send();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      '127.0.0.1:0',
      grpc.ServerCredentials.createInsecure(),
      (e, p) => (e ? reject(e) : resolve(p)),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>(resolve => server.tryShutdown(() => resolve())),
  };
}
