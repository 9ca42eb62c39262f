// ${{ values.name }}: ${{ values.description }}
//
// Created from the Zero Trust service template. Transport security comes from the mesh (Istio
// mTLS STRICT), so the server itself listens in plaintext inside the pod.
import { loadConfig } from './config';
import { startServer } from './server';

function log(level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}) {
  // One JSON object per line on stdout, the format log collectors parse without configuration.
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
}

async function main() {
  // The image runs as UID 65532 and the cluster enforces runAsNonRoot; refusing root here also
  // catches a missing securityContext when the service runs somewhere else.
  if (process.getuid?.() === 0) {
    throw new Error('refusing to run as root: run as a non-root user (the image uses UID 65532)');
  }
  const config = loadConfig(process.env);
  const server = await startServer(config.host, config.port);
  log('info', 'listening', { host: config.host, port: server.port });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { signal, timeoutMs: config.shutdownTimeoutMs });
    server.shutdown(config.shutdownTimeoutMs).then(() => process.exit(0));
  };
  // Kubernetes sends SIGTERM before it kills the pod; Ctrl-C sends SIGINT locally.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(err => {
  log('error', 'exiting', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
