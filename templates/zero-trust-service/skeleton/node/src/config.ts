/** The port this service was created with; its Kubernetes manifests use it too. */
export const DEFAULT_PORT = ${{ values.port }};

/**
 * Configuration comes from the environment only, so one image runs in every environment and
 * nothing needs to be written to the (read-only) root filesystem.
 */
export interface Config {
  /** Address to listen on: HOST, default all IPv4 interfaces. */
  host: string;
  /** Port to listen on: PORT. */
  port: number;
  /**
   * Bound on the graceful shutdown after SIGTERM: SHUTDOWN_TIMEOUT such as 10s or 500ms. Keep
   * it below the pod's terminationGracePeriodSeconds (30s by default).
   */
  shutdownTimeoutMs: number;
}

const DURATION = /^(\d+)(ms|s|m)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const config: Config = {
    host: env.HOST || '0.0.0.0',
    port: DEFAULT_PORT,
    shutdownTimeoutMs: 10_000,
  };
  if (env.PORT) {
    const port = Number(env.PORT);
    if (!/^\d+$/.test(env.PORT) || port < 1 || port > 65535) {
      throw new Error(`PORT "${env.PORT}" is not a port number between 1 and 65535`);
    }
    config.port = port;
  }
  if (env.SHUTDOWN_TIMEOUT) {
    const m = DURATION.exec(env.SHUTDOWN_TIMEOUT);
    const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : 0;
    if (ms <= 0) {
      throw new Error(
        `SHUTDOWN_TIMEOUT "${env.SHUTDOWN_TIMEOUT}" is not a positive duration such as 10s or 500ms`,
      );
    }
    config.shutdownTimeoutMs = ms;
  }
  return config;
}
