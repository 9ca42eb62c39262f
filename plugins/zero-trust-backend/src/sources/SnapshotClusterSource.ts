import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { ClusterHealth } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ClusterSource, KindState, KubeObject, groupOf } from './types';

/**
 * A read-only cluster read from a folder of manifests (`kubectl get … -o yaml` output, multi-document
 * files, `kind: List`), for offline evidence review and the embedded demo.
 *
 * A snapshot has no notion of installed CRDs: a kind without objects is simply empty ("synced").
 * Documents that are not Kubernetes objects are reported in the cluster's errors, never thrown.
 */
export class SnapshotClusterSource implements ClusterSource {
  static fromDirectory(name: string, dir: string): SnapshotClusterSource {
    const errors: string[] = [];
    const objects: KubeObject[] = [];
    for (const file of yamlFiles(dir)) {
      const relative = path.relative(dir, file);
      for (const doc of yaml.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
        if (doc.errors.length > 0) {
          errors.push(`${relative}: ${doc.errors[0].message}`);
          continue;
        }
        const value = doc.toJS();
        const items =
          value?.kind?.endsWith?.('List') && Array.isArray(value.items)
            ? value.items
            : [value];
        for (const item of items) {
          if (item === null || item === undefined) continue;
          if (isKubeObject(item)) objects.push(item);
          else
            errors.push(
              `${relative}: a document without apiVersion, kind and metadata.name`,
            );
        }
      }
    }
    return new SnapshotClusterSource(
      name,
      objects,
      errors,
      new Date().toISOString(),
    );
  }

  private readonly byKind = new Map<string, KubeObject[]>();

  private constructor(
    readonly name: string,
    objects: KubeObject[],
    private readonly errors: string[],
    private readonly loadedAt: string,
  ) {
    for (const obj of objects) {
      const key = `${groupOf(obj.apiVersion)}/${obj.kind}`;
      this.byKind.set(key, [...(this.byKind.get(key) ?? []), obj]);
    }
  }

  objects(group: string, kind: string): KubeObject[] {
    return this.byKind.get(`${group}/${kind}`) ?? [];
  }

  state(): KindState {
    return 'synced';
  }

  health(): ClusterHealth {
    return {
      name: this.name,
      source: 'snapshot',
      healthy: this.errors.length === 0,
      lastSyncAt: this.loadedAt,
      errors: this.errors,
    };
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
