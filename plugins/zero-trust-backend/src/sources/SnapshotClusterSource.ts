import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterHealth,
  KindHealth,
  WATCHED_KINDS,
  WatchedKind,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ObjectIndex } from './ObjectIndex';
import {
  DEFAULT_INGEST_LIMITS,
  IngestLimits,
  prepareForCache,
} from './prepareForCache';
import {
  ClusterSource,
  KindStatus,
  KubeObject,
  groupOf,
  kindKey,
  watchedKindKey,
} from './types';
import { isBuiltInGroup } from './builtInGroups';

/**
 * A read-only cluster read from a folder of manifests (`kubectl get … -o yaml` output, multi-document
 * files, `kind: List`), for offline evidence review and the embedded demo. Nothing is written back.
 *
 * Only the watched kinds are kept (never Secrets). A snapshot has no API server to ask which CRDs
 * exist, so the rule is:
 * - a kind with objects in the snapshot is `synced`;
 * - if the snapshot holds CustomResourceDefinitions (`kubectl get crd -o yaml`), a custom kind whose
 *   CRD is absent is `not-installed`, and one whose CRD is present is `synced` even when empty;
 * - without CRDs in the snapshot, every kind is `synced`: an absent kind simply has no objects.
 *
 * Documents that are not Kubernetes objects are reported in the cluster's errors, never thrown.
 */
export class SnapshotClusterSource implements ClusterSource {
  readonly type = 'snapshot';

  static fromDirectory(
    name: string,
    dir: string,
    options: {
      limits?: IngestLimits;
      kinds?: readonly WatchedKind[];
      /** Where unreadable files and documents are logged, with cluster and path. */
      logger?: LoggerService;
    } = {},
  ): SnapshotClusterSource {
    const errors: string[] = [];
    const problem = (file: string, message: string) => {
      const relative = path.relative(dir, file) || file;
      errors.push(file === dir ? message : `${relative}: ${message}`);
      options.logger?.warn(
        `Zero Trust: snapshot cluster "${name}", ${file}: ${message}`,
        { cluster: name, path: file },
      );
    };
    const objects: KubeObject[] = [];
    let files: string[] = [];
    try {
      files = yamlFiles(dir);
    } catch (e) {
      problem(dir, `cannot read ${dir}: ${(e as Error).message}`);
    }
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        problem(file, `cannot read: ${(e as Error).message}`);
        continue;
      }
      for (const doc of yaml.parseAllDocuments(text)) {
        if (doc.errors.length > 0) {
          problem(file, doc.errors[0].message);
          continue;
        }
        let value;
        try {
          value = doc.toJS();
        } catch (e) {
          // The parser refuses a document whose aliases expand too far (yaml's maxAliasCount).
          problem(file, (e as Error).message);
          continue;
        }
        const items =
          typeof value?.kind === 'string' &&
          value.kind.endsWith('List') &&
          Array.isArray(value.items)
            ? value.items
            : [value];
        for (const item of items) {
          if (item === null || item === undefined) continue;
          if (isKubeObject(item)) objects.push(item);
          else
            problem(
              file,
              'a document without apiVersion, kind and metadata.name',
            );
        }
      }
    }
    return new SnapshotClusterSource(
      name,
      objects,
      errors,
      new Date().toISOString(),
      options.limits ?? DEFAULT_INGEST_LIMITS,
      options.kinds ?? WATCHED_KINDS,
    );
  }

  private readonly byKind = new Map<string, ObjectIndex>();
  private readonly installedCrds: Set<string> | undefined;

  private constructor(
    readonly name: string,
    objects: KubeObject[],
    private readonly errors: string[],
    private readonly loadedAt: string,
    limits: IngestLimits,
    private readonly kinds: readonly WatchedKind[],
  ) {
    const watched = new Set(kinds.map(watchedKindKey));
    const crds = new Set<string>();
    for (const obj of objects) {
      if (obj.kind === 'CustomResourceDefinition') {
        crds.add(obj.metadata.name);
        continue;
      }
      const key = kindKey(groupOf(obj.apiVersion), obj.kind);
      if (!watched.has(key)) continue;
      let index = this.byKind.get(key);
      if (!index) {
        index = new ObjectIndex();
        this.byKind.set(key, index);
      }
      index.set(prepareForCache(obj, limits));
    }
    this.installedCrds = crds.size > 0 ? crds : undefined;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  objects(group: string, kind: string, namespace?: string): KubeObject[] {
    return this.byKind.get(kindKey(group, kind))?.list(namespace) ?? [];
  }

  kindStatus(group: string, kind: string): KindStatus {
    const watched = this.kinds.find(k => k.group === group && k.kind === kind);
    if (!watched) {
      return { state: 'not-installed', error: `${kind} is not a watched kind` };
    }
    return { state: this.stateOf(watched), lastSyncAt: this.loadedAt };
  }

  health(): ClusterHealth {
    const kinds: KindHealth[] = this.kinds.map(k => ({
      group: k.group,
      version: k.version,
      kind: k.kind,
      state: this.stateOf(k),
      count: this.byKind.get(watchedKindKey(k))?.size ?? 0,
      lastSyncAt: this.loadedAt,
    }));
    return {
      name: this.name,
      source: 'snapshot',
      healthy: this.errors.length === 0,
      lastSyncAt: this.loadedAt,
      errors: this.errors,
      kinds,
    };
  }

  private stateOf(kind: WatchedKind) {
    if (this.byKind.has(watchedKindKey(kind))) return 'synced' as const;
    if (
      this.installedCrds &&
      !isBuiltInGroup(kind.group) &&
      !this.installedCrds.has(`${kind.plural}.${kind.group}`)
    ) {
      return 'not-installed' as const;
    }
    return 'synced' as const;
  }
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(
      e =>
        e.isFile() &&
        /\.ya?ml$/.test(e.name) &&
        e.name !== 'kustomization.yaml',
    )
    .map(e => path.join(e.parentPath, e.name))
    .sort();
}

function isKubeObject(value: any): value is KubeObject {
  return (
    typeof value?.apiVersion === 'string' &&
    typeof value?.kind === 'string' &&
    typeof value?.metadata?.name === 'string'
  );
}
