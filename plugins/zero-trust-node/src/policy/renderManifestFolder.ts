import { InputError } from '@backstage/errors';
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { podTemplateOf } from './podTemplates';
import { UnknownObject } from './types';

/** The objects one build root of a folder renders to. @public */
export interface RenderedBuild {
  /** The build root relative to the folder, `.` for the folder itself, e.g. `overlays/dev`. */
  root: string;
  objects: UnknownObject[];
}

const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

// The subset of Kustomize the manifest engine writes, and the fields common hand-written overlays
// use. Anything else (generators, Helm charts, components, remote bases) is refused rather than
// silently ignored: a validator that skips what it does not understand would pass anything.
const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'images',
  'patches',
  'namespace',
  'replicas',
]);

// Kinds kustomize leaves without a namespace.
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'ClusterPolicy',
  'ClusterSecretStore',
  'CiliumClusterwideNetworkPolicy',
  'StorageClass',
  'PersistentVolume',
]);

const isObject = (v: unknown): v is UnknownObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(entry => {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        throw new InputError(
          `${full} is a symbolic link; manifests must be regular files`,
        );
      }
      return entry.isDirectory() ? walk(full) : [full];
    });
}

function relative(root: string, file: string): string {
  return path.relative(root, file) || '.';
}

function readDocuments(root: string, file: string): UnknownObject[] {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  return docs.flatMap((doc, i) => {
    if (doc.errors.length > 0) {
      throw new InputError(
        `${relative(root, file)}: document ${i + 1} is not valid YAML: ${
          doc.errors[0].message
        }`,
      );
    }
    const value = doc.toJS();
    if (value === null || value === undefined) {
      return [];
    }
    if (!isObject(value) || typeof value.kind !== 'string') {
      throw new InputError(
        `${relative(root, file)}: document ${
          i + 1
        } is not a Kubernetes object (no kind)`,
      );
    }
    return value.kind === 'List' && Array.isArray(value.items)
      ? value.items.filter(isObject)
      : [value];
  });
}

interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

class KustomizeBuilder {
  constructor(private readonly root: string) {}

  /** The kustomization of a folder, checked for fields we cannot render. */
  private kustomization(dir: string): UnknownObject {
    const file = KUSTOMIZATION_FILES.map(f => path.join(dir, f)).find(f =>
      fs.existsSync(f),
    );
    if (!file) {
      throw new InputError(`${relative(this.root, dir)} has no kustomization`);
    }
    const value = YAML.parse(fs.readFileSync(file, 'utf8')) ?? {};
    if (!isObject(value)) {
      throw new InputError(`${relative(this.root, file)} is not a mapping`);
    }
    for (const key of Object.keys(value)) {
      if (!SUPPORTED_FIELDS.has(key)) {
        throw new InputError(
          `${relative(
            this.root,
            file,
          )} uses "${key}", which this validator cannot render; run kustomize build and validate its output instead`,
        );
      }
    }
    return value;
  }

  /** Resolves a path of a kustomization, refusing URLs and anything outside the folder. */
  private inside(dir: string, entry: unknown, what: string): string {
    if (typeof entry !== 'string' || entry.length === 0) {
      throw new InputError(
        `${relative(this.root, dir)}: ${what} entries must be paths`,
      );
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.includes('?ref=')) {
      throw new InputError(
        `${relative(this.root, dir)}: remote ${what} ${JSON.stringify(
          entry,
        )} cannot be validated offline`,
      );
    }
    const resolved = path.resolve(dir, entry);
    if (resolved !== this.root && !resolved.startsWith(this.root + path.sep)) {
      throw new InputError(
        `${relative(this.root, dir)}: ${what} ${JSON.stringify(
          entry,
        )} is outside the validated folder`,
      );
    }
    if (!fs.existsSync(resolved)) {
      throw new InputError(
        `${relative(this.root, dir)}: ${what} ${JSON.stringify(
          entry,
        )} does not exist`,
      );
    }
    return resolved;
  }

  private resources(dir: string): string[] {
    const list = this.kustomization(dir).resources ?? [];
    if (!Array.isArray(list)) {
      throw new InputError(
        `${relative(this.root, dir)}: resources must be a list`,
      );
    }
    return list.map(entry => this.inside(dir, entry, 'resource'));
  }

  /** Folders a kustomization includes as resources (they are not build roots themselves). */
  resourceDirs(dir: string): string[] {
    return this.resources(dir).filter(r => fs.lstatSync(r).isDirectory());
  }

  build(dir: string, stack: string[]): UnknownObject[] {
    if (stack.includes(dir)) {
      throw new InputError(
        `kustomization cycle: ${[...stack, dir]
          .map(d => relative(this.root, d))
          .join(' -> ')}`,
      );
    }
    const k = this.kustomization(dir);
    const objects = this.resources(dir).flatMap(r =>
      fs.lstatSync(r).isDirectory()
        ? this.build(r, [...stack, dir])
        : readDocuments(this.root, r),
    );
    this.applyPatches(dir, k.patches, objects);
    applyImages(k.images, objects);
    applyReplicas(k.replicas, objects);
    if (typeof k.namespace === 'string') {
      for (const o of objects) {
        if (!CLUSTER_SCOPED.has(String(o.kind))) {
          o.metadata = { ...(isObject(o.metadata) ? o.metadata : {}) };
          (o.metadata as UnknownObject).namespace = k.namespace;
        }
      }
    }
    return objects;
  }

  private applyPatches(
    dir: string,
    patches: unknown,
    objects: UnknownObject[],
  ) {
    for (const patch of Array.isArray(patches) ? patches : []) {
      if (!isObject(patch)) {
        continue;
      }
      const source =
        typeof patch.path === 'string'
          ? fs.readFileSync(this.inside(dir, patch.path, 'patch'), 'utf8')
          : patch.patch;
      const operations = typeof source === 'string' ? YAML.parse(source) : [];
      if (!Array.isArray(operations)) {
        throw new InputError(
          `${relative(
            this.root,
            dir,
          )}: only JSON6902 patches (a list of operations) can be validated; strategic merge patches need kustomize build`,
        );
      }
      const target = isObject(patch.target) ? patch.target : {};
      for (const object of objects.filter(o => matchesTarget(o, target))) {
        for (const op of operations as JsonPatchOperation[]) {
          applyOperation(object, op, relative(this.root, dir));
        }
      }
    }
  }
}

function matchesTarget(object: UnknownObject, target: UnknownObject): boolean {
  const [group, version] = String(object.apiVersion ?? '').includes('/')
    ? String(object.apiVersion).split('/')
    : ['', String(object.apiVersion ?? '')];
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const checks: [unknown, unknown][] = [
    [target.group, group],
    [target.version, version],
    [target.kind, object.kind],
    [target.name, metadata.name],
    [target.namespace, metadata.namespace],
  ];
  return checks.every(([want, have]) => want === undefined || want === have);
}

const unescape = (segment: string) =>
  segment.replace(/~1/g, '/').replace(/~0/g, '~');

function applyOperation(
  object: UnknownObject,
  op: JsonPatchOperation,
  where: string,
) {
  if (!isObject(op) || typeof op.path !== 'string') {
    throw new InputError(`${where}: a patch operation has no path`);
  }
  const keys = op.path.split('/').slice(1).map(unescape);
  const last = keys.pop();
  let parent: unknown = object;
  for (const key of keys) {
    parent = (parent as Record<string, unknown> | undefined)?.[key];
  }
  if (last === undefined || parent === null || typeof parent !== 'object') {
    throw new InputError(`${where}: patch path ${op.path} does not exist`);
  }
  const container = parent as Record<string, unknown> & unknown[];
  let index: number | undefined;
  if (Array.isArray(container)) {
    index = last === '-' ? container.length : Number(last);
  }
  switch (op.op) {
    case 'replace':
    case 'add':
      if (index !== undefined) {
        container.splice(index, op.op === 'replace' ? 1 : 0, op.value);
      } else {
        if (op.op === 'replace' && !(last in container)) {
          throw new InputError(
            `${where}: patch path ${op.path} does not exist`,
          );
        }
        container[last] = structuredClone(op.value);
      }
      return;
    case 'remove':
      if (index !== undefined) {
        container.splice(index, 1);
      } else {
        delete container[last];
      }
      return;
    default:
      throw new InputError(
        `${where}: patch operation "${String(
          op.op,
        )}" is not supported (use add, replace or remove)`,
      );
  }
}

/** Splits `repo/name:tag@sha256:…` into the name kustomize matches on. */
function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

function applyImages(images: unknown, objects: UnknownObject[]) {
  for (const entry of Array.isArray(images) ? images : []) {
    if (!isObject(entry) || typeof entry.name !== 'string') {
      continue;
    }
    for (const object of objects) {
      const pod = podTemplateOf(object);
      for (const list of ['initContainers', 'containers']) {
        const containers = pod?.spec[list];
        for (const c of Array.isArray(containers) ? containers : []) {
          if (!isObject(c) || typeof c.image !== 'string') {
            continue;
          }
          if (imageName(c.image) !== entry.name) {
            continue;
          }
          const name =
            typeof entry.newName === 'string' ? entry.newName : entry.name;
          if (typeof entry.digest === 'string') {
            c.image = `${name}@${entry.digest}`;
          } else if (typeof entry.newTag === 'string') {
            c.image = `${name}:${entry.newTag}`;
          } else {
            c.image = c.image.replace(entry.name, name);
          }
        }
      }
    }
  }
}

function applyReplicas(replicas: unknown, objects: UnknownObject[]) {
  for (const entry of Array.isArray(replicas) ? replicas : []) {
    if (!isObject(entry)) {
      continue;
    }
    for (const object of objects) {
      const metadata = isObject(object.metadata) ? object.metadata : {};
      if (metadata.name === entry.name && isObject(object.spec)) {
        object.spec.replicas = entry.count;
      }
    }
  }
}

/**
 * Renders a folder of Kubernetes manifests the way `kustomize build` would, for validation where
 * kustomize is not installed. Each folder with a kustomization that no other kustomization uses as
 * a resource is a build root (e.g. `overlays/dev`, `overlays/prod`); a folder without any
 * kustomization is one set of plain YAML documents. Supports `resources` (files and folders inside
 * the validated folder), `images`, JSON6902 `patches`, `namespace` and `replicas`, and throws an
 * InputError for anything else, for paths that leave the folder and for symbolic links.
 *
 * @public
 */
export function renderManifestFolder(folder: string): RenderedBuild[] {
  const root = path.resolve(folder);
  if (!fs.existsSync(root) || !fs.lstatSync(root).isDirectory()) {
    throw new InputError(`${folder} is not a folder`);
  }
  const files = walk(root);
  const kustomizationDirs = files
    .filter(f => KUSTOMIZATION_FILES.includes(path.basename(f)))
    .map(path.dirname);
  if (kustomizationDirs.length === 0) {
    const objects = files
      .filter(f => /\.ya?ml$/.test(f))
      .flatMap(f => readDocuments(root, f));
    return [{ root: '.', objects }];
  }
  const builder = new KustomizeBuilder(root);
  const used = new Set(kustomizationDirs.flatMap(d => builder.resourceDirs(d)));
  return kustomizationDirs
    .filter(d => !used.has(d))
    .sort()
    .map(d => ({
      root: path.relative(root, d) || '.',
      objects: builder.build(d, []),
    }));
}
