/*
 * The simulated fleet: copies ("shops") of the Online Boutique as the test cluster's real producers
 * left it (examples/online-boutique/cluster, recorded: Deployments, ReplicaSets and Pods of the
 * controllers and KWOK, Kyverno's PolicyReports, Trivy Operator's SbomReports and
 * VulnerabilityReports of the real images, falcosidekick's report, Istio, NetworkPolicy and Cilium
 * policies, RBAC, the Argo Rollout and AnalysisRun, Argo CD Applications, ExternalSecrets). Every
 * object keeps its upstream shape; a shop only renames its namespace and gives each pod template
 * `replicas` pods, each with the Kyverno report Kyverno writes per pod.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { KubeObject } from '../src/sources/types';

// eslint-disable-next-line no-restricted-syntax
const REPO = path.resolve(__dirname, '../../..');
const RECORDED = path.join(REPO, 'examples/online-boutique/cluster');
const CATALOG = path.join(REPO, 'examples/online-boutique/catalog');
const SHOP_NAMESPACE = 'online-boutique';
/** Its own mesh mode in the recording; the fleet's shops are the ambient namespace only. */
const LEFT_OUT_NAMESPACE = 'loadgenerator';
const UID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function readYamlDir(
  dir: string,
  skip: (file: string) => boolean = () => false,
) {
  const objects: any[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(file) || skip(file)) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const doc of YAML.parseAllDocuments(text)) {
      const value = doc.toJSON();
      if (value && typeof value === 'object') objects.push(value);
    }
  }
  return objects;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** The objects of the recording, split into one shop and what a cluster holds once. */
export interface FleetTemplate {
  /** Objects of one shop (namespace `online-boutique`), pods already multiplied. */
  shop: KubeObject[];
  /** Platform namespaces and cluster-scoped objects, once per cluster. */
  shared: KubeObject[];
  podsPerShop: number;
  servicesPerShop: number;
}

/** The recording with each Deployment's pod template running `replicas` pods. */
export function fleetTemplate(replicas: number): FleetTemplate {
  const recorded: KubeObject[] = readYamlDir(RECORDED);
  const belongsToShop = (o: KubeObject) =>
    o.metadata.namespace === SHOP_NAMESPACE ||
    (o.kind === 'Namespace' && o.metadata.name === SHOP_NAMESPACE) ||
    JSON.stringify(o).includes(SHOP_NAMESPACE);
  const leftOut = (o: KubeObject) =>
    o.metadata.namespace === LEFT_OUT_NAMESPACE ||
    (o.kind === 'Namespace' && o.metadata.name === LEFT_OUT_NAMESPACE);
  const kept = recorded.filter(o => !leftOut(o));
  const shop = kept.filter(belongsToShop);
  const shared = kept.filter(o => !belongsToShop(o));

  // Pods of Deployment-owned ReplicaSets get replicas; the Rollout's and StatefulSet's stay as
  // recorded (their controllers' status describes exactly those pods).
  const byName = new Map(shop.map(o => [`${o.kind}/${o.metadata.name}`, o]));
  const deploymentRs = new Set(
    shop
      .filter(
        o =>
          o.kind === 'ReplicaSet' &&
          o.metadata.ownerReferences?.some(r => r.kind === 'Deployment'),
      )
      .map(o => o.metadata.name),
  );
  const podReports = new Map<string, KubeObject[]>();
  for (const r of shop.filter(o => o.kind === 'PolicyReport')) {
    const uid = (r.scope as { uid?: string } | undefined)?.uid;
    if (uid) podReports.set(uid, [...(podReports.get(uid) ?? []), r]);
  }
  const extra: KubeObject[] = [];
  let suffix = 0;
  for (const pod of shop.filter(o => o.kind === 'Pod')) {
    const rs = pod.metadata.ownerReferences?.find(r => r.controller)?.name;
    if (!rs || !deploymentRs.has(rs)) continue;
    for (let i = 1; i < replicas; i++) {
      const name = `${rs}-${podSuffix(suffix++)}`;
      const uid = randomUUID();
      const rename = (o: KubeObject) =>
        JSON.parse(
          JSON.stringify(o)
            .split(pod.metadata.uid!)
            .join(uid)
            .split(pod.metadata.name)
            .join(name),
        );
      extra.push(rename(pod));
      for (const report of podReports.get(pod.metadata.uid!) ?? []) {
        extra.push(rename(report));
      }
    }
    for (const owner of [byName.get(`ReplicaSet/${rs}`)]) {
      if (owner) scaleReplicas(owner, replicas);
    }
  }
  for (const d of shop.filter(o => o.kind === 'Deployment')) {
    scaleReplicas(d, replicas);
  }
  shop.push(...extra);
  return {
    shop,
    shared,
    podsPerShop: shop.filter(o => o.kind === 'Pod').length,
    servicesPerShop: shop.filter(o => o.kind === 'Service').length,
  };
}

function podSuffix(n: number): string {
  // The alphabet of Kubernetes' generated names.
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0, rest = n; i < 5; i++) {
    s += alphabet[rest % alphabet.length];
    rest = Math.floor(rest / alphabet.length);
  }
  return s;
}

function scaleReplicas(o: KubeObject, replicas: number) {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (spec && typeof spec.replicas === 'number') spec.replicas = replicas;
  const status = o.status as Record<string, unknown> | undefined;
  for (const field of [
    'replicas',
    'readyReplicas',
    'availableReplicas',
    'updatedReplicas',
    'fullyLabeledReplicas',
  ]) {
    if (status && typeof status[field] === 'number') status[field] = replicas;
  }
}

/** Shop `name` of a template: the namespace renamed, every recorded uid replaced by a fresh one. */
export function shopObjects(
  template: FleetTemplate,
  name: string,
): KubeObject[] {
  const uids = new Map<string, string>();
  return template.shop.map(o =>
    JSON.parse(
      JSON.stringify(o)
        .split(SHOP_NAMESPACE)
        .join(name)
        .replace(UID, uid => {
          let fresh = uids.get(uid);
          if (!fresh) {
            fresh = randomUUID();
            uids.set(uid, fresh);
          }
          return fresh;
        }),
    ),
  );
}

/** What a cluster holds once: the platform namespaces and cluster-scoped objects. */
export function sharedObjects(template: FleetTemplate): KubeObject[] {
  return clone(template.shared);
}

export const shopName = (i: number) => `shop-${i}`;

/**
 * The catalog of one shop on one cluster, as its team would register it: the Online Boutique
 * catalog in a catalog namespace of its own, pointing at the shop's namespace and cluster.
 */
export function shopCatalog(shop: string, cluster: string): any[] {
  const namespace = `${cluster}-${shop}`;
  return readYamlDir(
    CATALOG,
    f => f === 'all.yaml' || f === `${LEFT_OUT_NAMESPACE}.yaml`,
  ).map(entity => {
    const e = JSON.parse(
      JSON.stringify(entity)
        .split(SHOP_NAMESPACE)
        .join(shop)
        .replace(/:default\//g, `:${namespace}/`),
    );
    e.metadata.namespace = namespace;
    if (e.metadata.annotations?.['backstage.io/kubernetes-id']) {
      e.metadata.annotations['backstage.io/kubernetes-cluster'] = cluster;
    }
    return e;
  });
}

/** The entity refs of a shop catalog's components, the pages the benchmark views. */
export function componentsOf(catalog: any[]) {
  return catalog
    .filter(e => e.kind === 'Component')
    .map(e => ({
      namespace: e.metadata.namespace as string,
      name: e.metadata.name as string,
      kubernetesId: e.metadata.annotations[
        'backstage.io/kubernetes-id'
      ] as string,
      kubernetesNamespace: e.metadata.annotations[
        'backstage.io/kubernetes-namespace'
      ] as string,
      cluster: e.metadata.annotations[
        'backstage.io/kubernetes-cluster'
      ] as string,
    }));
}
