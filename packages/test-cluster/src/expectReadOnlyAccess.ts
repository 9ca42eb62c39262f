import { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest } from './kubeRequest';

/**
 * A kind to check, in the shape of the backend's `WatchedKind` (core kinds have group '').
 *
 * @public
 */
export interface AccessKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

/** @public */
export interface ReadOnlyAccessOptions {
  /** The namespace the namespaced write attempts aim at (default 'default'). */
  namespace?: string;
  /** Kinds the identity must not even read (default: Secrets). */
  forbiddenReads?: AccessKind[];
}

const SECRETS: AccessKind = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
};

function clusterPath(kind: AccessKind): string {
  const prefix = kind.group
    ? `/apis/${kind.group}/${kind.version}`
    : `/api/${kind.version}`;
  return `${prefix}/${kind.plural}`;
}

function namespacedPath(kind: AccessKind, namespace: string): string {
  if (!kind.namespaced) {
    return clusterPath(kind);
  }
  return clusterPath(kind).replace(
    `/${kind.plural}`,
    `/namespaces/${namespace}/${kind.plural}`,
  );
}

/**
 * Checks against a real API server that an identity can list and watch every one of `kinds`
 * (cluster-wide) and nothing more: create, patch and delete of those kinds are Forbidden, and so
 * is any read of Secrets (or of `forbiddenReads`). Throws one Error that lists every deviation,
 * so a Jest test reads `await expectReadOnlyAccess(kc, WATCHED_KINDS)`.
 *
 * @param kubeConfig - the identity under test, e.g. `cluster.kubeConfigFor(ns, serviceAccount)`
 *   or a KubeConfig loaded from a kubeconfig file
 * @public
 */
export async function expectReadOnlyAccess(
  kubeConfig: KubeConfig | string,
  kinds: readonly AccessKind[],
  options: ReadOnlyAccessOptions = {},
): Promise<void> {
  const kc =
    typeof kubeConfig === 'string' ? loadKubeConfig(kubeConfig) : kubeConfig;
  const namespace = options.namespace ?? 'default';
  // Kinds in parallel (each request is a TLS round trip); problems keep the order of `kinds`.
  const perKind = await Promise.all(
    kinds.map(kind => kindProblems(kc, kind, namespace)),
  );
  const problems = perKind.flat();

  for (const kind of options.forbiddenReads ?? [SECRETS]) {
    const reads = {
      'list (all namespaces)': clusterPath(kind),
      [`list in ${namespace}`]: namespacedPath(kind, namespace),
      get: `${namespacedPath(kind, namespace)}/any`,
      watch: `${clusterPath(kind)}?watch=1&timeoutSeconds=1`,
    };
    for (const [what, path] of Object.entries(reads)) {
      const response = await kubeRequest(kc, 'GET', path);
      if (response.status !== 403) {
        problems.push(
          `${what} ${kind.plural}: ${response.status}, expected 403 Forbidden`,
        );
      }
    }
  }

  if (problems.length > 0) {
    throw new Error(
      `The identity's access is not read-only on exactly the given kinds:\n  ${problems.join(
        '\n  ',
      )}`,
    );
  }
}

async function kindProblems(
  kc: KubeConfig,
  kind: AccessKind,
  namespace: string,
): Promise<string[]> {
  const problems: string[] = [];
  const list = await kubeRequest(kc, 'GET', clusterPath(kind));
  const watch = await kubeRequest(
    kc,
    'GET',
    `${clusterPath(kind)}?watch=1&timeoutSeconds=1`,
  );
  if (list.status !== 200) {
    problems.push(`list ${kind.plural}: ${list.status}, expected 200`);
  }
  if (watch.status !== 200) {
    problems.push(`watch ${kind.plural}: ${watch.status}, expected 200`);
  }

  const collection = namespacedPath(kind, namespace);
  const probe = {
    apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version,
    kind: kind.kind,
    metadata: { name: 'zt-access-probe' },
  };
  const writes = {
    create: await kubeRequest(kc, 'POST', collection, probe),
    patch: await kubeRequest(
      kc,
      'PATCH',
      `${collection}/zt-access-probe`,
      {},
      'application/merge-patch+json',
    ),
    delete: await kubeRequest(kc, 'DELETE', `${collection}/zt-access-probe`),
  };
  for (const [verb, response] of Object.entries(writes)) {
    if (response.status !== 403) {
      problems.push(
        `${verb} ${kind.plural}: ${response.status}, expected 403 Forbidden`,
      );
    }
  }
  return problems;
}

function loadKubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}
