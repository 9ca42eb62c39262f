import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Configuration of the Zero Trust backend plugin. Live clusters are configured once, under
   * `kubernetes.clusterLocatorMethods`, shared with Backstage's kubernetes plugin, whose locators
   * (`config`, `catalog`, `gke`, `localKubectlProxy`) and auth strategies (`serviceAccount`, `aws`,
   * `azure`, `googleServiceAccount`, `localKubectlProxy`, …) the backend reuses. Strategies that
   * need the signed-in user's token (`google`, `oidc`, `aks`) cannot serve background reads.
   */
  zeroTrust?: {
    /**
     * A local kubeconfig as one more live cluster, for development against a laptop cluster.
     */
    kubeconfig?: {
      /** The kubeconfig file; the default locations (KUBECONFIG, ~/.kube/config) when absent. */
      path?: string;
      /** The context to use; the current context when absent. */
      context?: string;
      /** The cluster name shown in evidence; the context name when absent. */
      name?: string;
    };
    /**
     * Read-only clusters read from folders of manifests (for example `kubectl get … -o yaml`
     * output), for offline evidence review and demos. Nothing is ever written back.
     */
    snapshots?: Array<{
      /** The cluster name shown in evidence and matched by `backstage.io/kubernetes-cluster`. */
      name: string;
      /** The folder, absolute or relative to the backend's working directory; read recursively. */
      path: string;
    }>;
    /** How the watch caches talk to live clusters. */
    clusters?: {
      /** Timeout of one list request (default 15 seconds). */
      requestTimeout?: HumanDuration | string;
      /** Objects per page of a list (default 500). */
      pageSize?: number;
      /** Server-side timeout of one watch before it is renewed (default 5 minutes). */
      watchTimeout?: HumanDuration | string;
      /** First retry delay after a failed list or watch; doubles up to maxBackoff (default 1 second). */
      initialBackoff?: HumanDuration | string;
      /** Longest retry delay (default 2 minutes). */
      maxBackoff?: HumanDuration | string;
      /** How often kinds that were not installed or forbidden are checked again (default 5 minutes). */
      recheckInterval?: HumanDuration | string;
      /** A cluster whose caches have not synced for this long is reported stale (default 10 minutes). */
      staleAfter?: HumanDuration | string;
      /** How often the cluster locators are asked again for the clusters (default 5 minutes). */
      refreshInterval?: HumanDuration | string;
      /**
       * For clusters with `authProvider: oidc`: the file holding the backend's own OIDC token,
       * keyed by the cluster's `oidcTokenProvider`. The kubernetes plugin sends the signed-in
       * user's token; the Zero Trust backend reads in the background, for no user. The file is
       * re-read as it changes (e.g. a projected ServiceAccount token whose issuer the cluster
       * trusts as an OIDC issuer).
       */
      oidcTokenFiles?: { [oidcTokenProvider: string]: string };
    };
    /**
     * Several backend replicas sharing one PostgreSQL database: each live cluster is watched by
     * one replica at a time (a lease held through Backstage's scheduler) and the postures it
     * computes are stored for every replica to serve.
     */
    replicas?: {
      /** Turns leases and the posture store on (default false: every replica watches everything). */
      enabled?: boolean;
      /** How long a lease lasts; a replica that died loses its clusters after this (default 1 minute). */
      leaseTime?: HumanDuration | string;
      /** How often the watching replica records its clusters' postures (default 1 minute). */
      recordInterval?: HumanDuration | string;
    };
    /**
     * Hubble Relay of each cluster, for the `flows` control: its Observer gRPC API (Cilium's
     * observer.proto, `GetFlows` filtered on the component's pods) is read when a page asks. A
     * cluster without a Relay here shows the control as not installed.
     */
    hubble?: {
      /** Relays by cluster name (as shown in evidence). */
      relays?: {
        [cluster: string]: {
          /** `host:port` of the Relay's gRPC service, e.g. `hubble-relay.kube-system.svc:80`. */
          address: string;
          /** TLS towards the Relay (Cilium's `hubble.relay.tls.server`); plaintext when absent. */
          tls?: {
            /** PEM file of the CA that signed the Relay's certificate. */
            caFile?: string;
            /** PEM client certificate and key, when the Relay requires mutual TLS. */
            certFile?: string;
            keyFile?: string;
            /** The name to check the Relay's certificate against (default: the address's host). */
            serverName?: string;
          };
        };
      };
      /** How far back flows are read (default 15 minutes). */
      window?: HumanDuration | string;
      /** Timeout of one GetFlows call (default 10 seconds). */
      timeout?: HumanDuration | string;
      /** How long one read of a component's flows is reused (default 1 minute). */
      cacheTime?: HumanDuration | string;
      /** Most flows read per call (default 10000). */
      maxFlows?: number;
    };
    /** The posture history recorded with `replicas.enabled`. */
    history?: {
      /** Days an entry is kept before a scheduled task prunes it (default 30). */
      retentionDays?: number;
    };
    /** Size limits that protect the backend's memory. */
    limits?: {
      /** Components kept per SbomReport; larger reports are truncated and marked so (default 20000). */
      sbomComponents?: number;
    };
    /** How the controls are evaluated. */
    controls?: {
      /** Istio's root namespace, whose selector-less policies are mesh-wide (default istio-system). */
      meshRootNamespace?: string;
      /** SPIFFE trust domain of workload principals (default cluster.local). */
      trustDomain?: string;
      /** Vulnerability thresholds. */
      vulnerabilities?: {
        /** Findings of this severity or worse fail the control (default critical). */
        failAt?: 'critical' | 'high' | 'medium' | 'low' | 'unknown';
        /** Findings of this severity or worse, and better than failAt, warn (default high). */
        warnAt?: 'critical' | 'high' | 'medium' | 'low' | 'unknown';
      };
    };
  };
}
