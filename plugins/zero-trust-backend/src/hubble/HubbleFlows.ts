import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import * as grpc from '@grpc/grpc-js';
import {
  HubbleFlow,
  RelayConfig,
  RelayError,
  getFlows,
  observerClient,
} from './observer';

/** What one cluster's Hubble Relay answered for some pods. */
export interface HubbleRead {
  state:
    | 'ok'
    | 'not-configured'
    | 'unreachable'
    | 'forbidden'
    | 'timeout'
    | 'error';
  address?: string;
  message?: string;
  flows: HubbleFlow[];
  /** ISO time of the read. */
  observedAt?: string;
}

/** `zeroTrust.hubble`, with defaults. */
export interface HubbleSettings {
  relays: Record<string, RelayConfig>;
  windowMs: number;
  timeoutMs: number;
  cacheMs: number;
  maxFlows: number;
}

const ms = (config: Config | undefined, key: string, fallback: number) =>
  config?.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallback;

/** Reads `zeroTrust.hubble`; no relays when absent. */
export function readHubbleSettings(config?: Config): HubbleSettings {
  const hubble = config?.getOptionalConfig('zeroTrust.hubble');
  const relays: Record<string, RelayConfig> = {};
  const relaysConfig = hubble?.getOptionalConfig('relays');
  for (const cluster of relaysConfig?.keys() ?? []) {
    const c = relaysConfig!.getConfig(cluster);
    const tls = c.getOptionalConfig('tls');
    relays[cluster] = {
      address: c.getString('address'),
      tls: tls && {
        caFile: tls.getOptionalString('caFile'),
        certFile: tls.getOptionalString('certFile'),
        keyFile: tls.getOptionalString('keyFile'),
        serverName: tls.getOptionalString('serverName'),
      },
    };
  }
  return {
    relays,
    windowMs: ms(hubble, 'window', 15 * 60_000),
    timeoutMs: ms(hubble, 'timeout', 10_000),
    cacheMs: ms(hubble, 'cacheTime', 60_000),
    maxFlows: hubble?.getOptionalNumber('maxFlows') ?? 10_000,
  };
}

/**
 * Reads the recent flows of a component's pods from each cluster's Hubble Relay (Cilium's Observer
 * gRPC API). A read is kept for `cacheTime`, so that a page's several requests and the posture
 * recorder ask the Relay once.
 */
export class HubbleFlows {
  private readonly clients = new Map<string, grpc.Client>();
  private readonly cache = new Map<
    string,
    { at: number; read: Promise<HubbleRead> }
  >();

  constructor(
    private readonly settings: HubbleSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get windowSeconds(): number {
    return Math.round(this.settings.windowMs / 1000);
  }

  /** The flows of the pods (`namespace/name`) of one cluster. */
  read(cluster: string, pods: string[]): Promise<HubbleRead> {
    const relay = this.settings.relays[cluster];
    if (!relay) {
      return Promise.resolve({ state: 'not-configured', flows: [] });
    }
    const key = `${cluster}\n${[...pods].sort().join(',')}`;
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < this.settings.cacheMs) {
      return cached.read;
    }
    const read = this.fetch(cluster, relay, pods);
    this.cache.set(key, { at: this.now(), read });
    this.prune();
    return read;
  }

  private async fetch(
    cluster: string,
    relay: RelayConfig,
    pods: string[],
  ): Promise<HubbleRead> {
    const base = { address: relay.address };
    if (pods.length === 0) {
      return {
        ...base,
        state: 'ok',
        flows: [],
        observedAt: new Date(this.now()).toISOString(),
      };
    }
    try {
      let client = this.clients.get(cluster);
      if (!client) {
        client = observerClient(relay);
        this.clients.set(cluster, client);
      }
      const flows = await getFlows(client, {
        pods,
        since: new Date(this.now() - this.settings.windowMs),
        max: this.settings.maxFlows,
        timeoutMs: this.settings.timeoutMs,
      });
      return {
        ...base,
        state: 'ok',
        flows,
        observedAt: new Date(this.now()).toISOString(),
      };
    } catch (e) {
      const error = e as Error;
      return {
        ...base,
        state: e instanceof RelayError ? e.kind : 'error',
        message: error.message,
        flows: [],
      };
    }
  }

  private prune() {
    for (const [key, { at }] of this.cache) {
      if (this.now() - at >= this.settings.cacheMs) this.cache.delete(key);
    }
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
