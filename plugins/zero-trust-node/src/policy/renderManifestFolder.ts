import { InputError } from '@backstage/errors';
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { isObject, podTemplateOf } from './podTemplates';
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

/**
 * The files of a manifest folder: paths relative to it (`/`-separated, no `.` or `..`), read on
 * demand. A folder on disk and the engine's in-memory tree render through the same code.
 */
interface ManifestTree {
  paths: string[];
  read(file: string): string;
}

/** Every regular file under `root`, refusing symbolic links, which could point anywhere. */
function walk(root: string, dir = ''): string[] {
  return fs
    .readdirSync(path.join(root, dir), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(entry => {
      const file = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        throw new InputError(
          `${path.join(
            root,
            file,
          )} is a symbolic link; manifests must be regular files`,
        );
      }
      return entry.isDirectory() ? walk(root, file) : [file];
    });
}

function readDocuments(tree: ManifestTree, file: string): UnknownObject[] {
  const docs = YAML.parseAllDocuments(tree.read(file));
  return docs.flatMap((doc, i) => {
    if (doc.errors.length > 0) {
      throw new InputError(
        `${file}: document ${i + 1} is not valid YAML: ${
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
        `${file}: document ${i + 1} is not a Kubernetes object (no kind)`,
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
  private readonly files: Set<string>;
  // Each file is parsed once, however many overlays include it; builds get their own copies.
  private readonly parsed = new Map<string, UnknownObject[]>();

  constructor(private readonly tree: ManifestTree) {
    this.files = new Set(tree.paths);
  }

  private isDirectory(dir: string): boolean {
    return dir === '.' || this.tree.paths.some(f => f.startsWith(`${dir}/`));
  }

  private join(dir: string, file: string): string {
    return dir === '.' ? file : `${dir}/${file}`;
  }

  private documents(file: string): UnknownObject[] {
    if (!this.parsed.has(file)) {
      this.parsed.set(file, readDocuments(this.tree, file));
    }
    return structuredClone(this.parsed.get(file)!);
  }

  /** The kustomization of a folder, checked for fields we cannot render. */
  private kustomization(dir: string): UnknownObject {
    const file = KUSTOMIZATION_FILES.map(f => this.join(dir, f)).find(f =>
      this.files.has(f),
    );
    if (!file) {
      throw new InputError(`${dir} has no kustomization`);
    }
    const value = YAML.parse(this.tree.read(file)) ?? {};
    if (!isObject(value)) {
      throw new InputError(`${file} is not a mapping`);
    }
    for (const key of Object.keys(value)) {
      if (!SUPPORTED_FIELDS.has(key)) {
        throw new InputError(
          `${file} uses "${key}", which this validator cannot render; run kustomize build and validate its output instead`,
        );
      }
    }
    return value;
  }

  /** Resolves a path of a kustomization, refusing URLs and anything outside the folder. */
  private inside(dir: string, entry: unknown, what: string): string {
    if (typeof entry !== 'string' || entry.length === 0) {
      throw new InputError(`${dir}: ${what} entries must be paths`);
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.includes('?ref=')) {
      throw new InputError(
        `${dir}: remote ${what} ${JSON.stringify(
          entry,
        )} cannot be validated offline`,
      );
    }
    const resolved = path.posix.normalize(this.join(dir, entry));
    if (
      path.posix.isAbsolute(entry) ||
      resolved === '..' ||
      resolved.startsWith('../')
    ) {
      throw new InputError(
        `${dir}: ${what} ${JSON.stringify(
          entry,
        )} is outside the validated folder`,
      );
    }
    const found = resolved.replace(/\/$/, '') || '.';
    if (!this.files.has(found) && !this.isDirectory(found)) {
      throw new InputError(
        `${dir}: ${what} ${JSON.stringify(entry)} does not exist`,
      );
    }
    return found;
  }

  private resources(dir: string): string[] {
    const list = this.kustomization(dir).resources ?? [];
    if (!Array.isArray(list)) {
      throw new InputError(`${dir}: resources must be a list`);
    }
    return list.map(entry => this.inside(dir, entry, 'resource'));
  }

  /** Folders a kustomization includes as resources (they are not build roots themselves). */
  resourceDirs(dir: string): string[] {
    return this.resources(dir).filter(r => !this.files.has(r));
  }

  build(dir: string, stack: string[] = []): UnknownObject[] {
    if (stack.includes(dir)) {
      throw new InputError(
        `kustomization cycle: ${[...stack, dir].join(' -> ')}`,
      );
    }
    const k = this.kustomization(dir);
    const objects = this.resources(dir).flatMap(r =>
      this.files.has(r) ? this.documents(r) : this.build(r, [...stack, dir]),
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
          ? this.tree.read(this.inside(dir, patch.path, 'patch'))
          : patch.patch;
      const operations = typeof source === 'string' ? YAML.parse(source) : [];
      if (!Array.isArray(operations)) {
        throw new InputError(
          `${dir}: only JSON6902 patches (a list of operations) can be validated; strategic merge patches need kustomize build`,
        );
      }
      const target = isObject(patch.target) ? patch.target : {};
      for (const object of objects.filter(o => matchesTarget(o, target))) {
        for (const op of operations as JsonPatchOperation[]) {
          applyOperation(object, op, dir);
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

/** Every build root of a tree, or its plain documents when it has no kustomization. */
function renderTree(tree: ManifestTree): RenderedBuild[] {
  const kustomizationDirs = tree.paths
    .filter(f => KUSTOMIZATION_FILES.includes(path.posix.basename(f)))
    .map(path.posix.dirname);
  if (kustomizationDirs.length === 0) {
    const objects = tree.paths
      .filter(f => /\.ya?ml$/.test(f))
      .flatMap(f => readDocuments(tree, f));
    return [{ root: '.', objects }];
  }
  const builder = new KustomizeBuilder(tree);
  const used = new Set(kustomizationDirs.flatMap(d => builder.resourceDirs(d)));
  return kustomizationDirs
    .filter(d => !used.has(d))
    .sort()
    .map(d => ({ root: d, objects: builder.build(d) }));
}

/**
 * Renders a folder of Kubernetes manifests the way `kustomize build` would, for validation where
 * kustomize is not installed. Each folder with a kustomization that no other kustomization uses as
 * a resource is a build root (e.g. `overlays/dev`, `overlays/prod`); a folder without any
 * kustomization is one set of plain YAML documents. Supports `resources` (files and folders inside
 * the validated folder), `images`, JSON6902 `patches`, `namespace` and `replicas`, and throws an
 * InputError for anything else (generators, remote bases, strategic merge patches), for paths
 * that leave the folder and for symbolic links.
 *
 * @public
 */
export function renderManifestFolder(folder: string): RenderedBuild[] {
  const root = path.resolve(folder);
  if (!fs.existsSync(root) || !fs.lstatSync(root).isDirectory()) {
    throw new InputError(`${folder} is not a folder`);
  }
  return renderTree({
    paths: walk(root),
    read: file => fs.readFileSync(path.join(root, file), 'utf8'),
  });
}

/**
 * Renders an in-memory tree, file path (relative, `/`-separated) to content, exactly as
 * {@link renderManifestFolder} renders the same files on disk: every build root with a
 * kustomization, or the plain YAML documents of a tree without one. The manifest engine renders
 * the tree it writes with this, so what it reports is what the files build to.
 */
export function renderManifestFiles(
  files: Record<string, string>,
): RenderedBuild[] {
  return renderTree({
    paths: Object.keys(files).sort(),
    read: file => files[file],
  });
}
