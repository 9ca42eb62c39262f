import { EntityWorkloadQuery } from '@zero-trust-k8s/plugin-zero-trust-node';
import { ClusterSource, KubeObject, OwnerReference } from '../sources/types';
import { matchesLabelSelector } from '../collectors/lib/selectors';

/** A reference to an object as reports write it (scope, results[].resources, Trivy labels). */
export interface ObjectRef {
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
}

/** Reports about the entity's workloads, joined once for every collector. */
export interface WorkloadReports {
  sbom: KubeObject[];
  vulnerability: KubeObject[];
  configAudit: KubeObject[];
  /** wgpolicyk8s.io PolicyReports/ClusterPolicyReports and openreports.io Reports/ClusterReports. */
  policy: KubeObject[];
}

/** An entity's workloads in one cluster, with what belongs to them. */
export interface ClusterWorkloads {
  cluster: ClusterSource;
  pods: KubeObject[];
  /** ReplicaSets, Deployments, StatefulSets, DaemonSets and Rollouts, owners first resolved. */
  controllers: KubeObject[];
  services: KubeObject[];
  serviceAccounts: KubeObject[];
  /** The Namespace objects the workloads live in. */
  namespaces: KubeObject[];
  reports: WorkloadReports;
  /** Whether a reference (report scope, result resource, label triple, owner uid) names one of ours. */
  owns(ref: ObjectRef): boolean;
}

export const CONTROLLER_KINDS: [string, string][] = [
  ['apps', 'ReplicaSet'],
  ['apps', 'Deployment'],
  ['apps', 'StatefulSet'],
  ['apps', 'DaemonSet'],
  ['argoproj.io', 'Rollout'],
];

const TRIVY_LABELS = {
  kind: 'trivy-operator.resource.kind',
  name: 'trivy-operator.resource.name',
  namespace: 'trivy-operator.resource.namespace',
};

/**
 * Finds an entity's workloads the way Backstage's kubernetes plugin does (objects whose labels
 * match the entity's selector, narrowed by its namespace and cluster annotations), completes them
 * through owner references (pods ↔ ReplicaSets ↔ Deployments/Rollouts), then joins what concerns
 * them: Services selecting the pods, the pods' ServiceAccounts, and Trivy and policy reports by
 * owner UID, Trivy labels, report scope or result resources. Computed once per request; collectors
 * only read the result.
 */
export function resolveWorkloads(
  sources: ClusterSource[],
  query: EntityWorkloadQuery,
): ClusterWorkloads[] {
  return sources
    .filter(cluster => !query.cluster || cluster.name === query.cluster)
    .map(cluster => resolveInCluster(cluster, query))
    .filter((w): w is ClusterWorkloads => w !== undefined);
}

function resolveInCluster(
  cluster: ClusterSource,
  query: EntityWorkloadQuery,
): ClusterWorkloads | undefined {
  const inScope = (obj: KubeObject) =>
    !query.namespace || obj.metadata.namespace === query.namespace;
  const labelled = (obj: KubeObject) =>
    inScope(obj) && query.selector.matches(obj.metadata.labels);

  const allPods = cluster.objects('', 'Pod', query.namespace).filter(inScope);
  const allControllers = CONTROLLER_KINDS.flatMap(([group, kind]) =>
    cluster.objects(group, kind, query.namespace),
  ).filter(inScope);
  const byUid = new Map<string, KubeObject>();
  const byName = new Map<string, KubeObject>();
  for (const c of allControllers) {
    if (c.metadata.uid) byUid.set(c.metadata.uid, c);
    byName.set(nameKey(c.kind, c.metadata.namespace, c.metadata.name), c);
  }
  const ownerOf = (obj: KubeObject, ref: OwnerReference) =>
    (ref.uid && byUid.get(ref.uid)) ||
    byName.get(nameKey(ref.kind, obj.metadata.namespace, ref.name));
  const ancestors = (obj: KubeObject): KubeObject[] => {
    const chain: KubeObject[] = [];
    let current: KubeObject | undefined = obj;
    while (current && chain.length < 5) {
      const ref: OwnerReference | undefined =
        current.metadata.ownerReferences?.find(r => r.controller) ??
        current.metadata.ownerReferences?.[0];
      const owner: KubeObject | undefined = ref
        ? ownerOf(current, ref)
        : undefined;
      if (!owner) break;
      chain.push(owner);
      current = owner;
    }
    return chain;
  };

  // Pods and controllers belong to the entity when they, or an owner of theirs, carry its labels.
  const controllers = new Set<KubeObject>(allControllers.filter(labelled));
  const pods = new Set<KubeObject>();
  for (const pod of allPods) {
    const chain = ancestors(pod);
    if (labelled(pod) || chain.some(c => controllers.has(c))) {
      pods.add(pod);
      chain.forEach(c => controllers.add(c));
    }
  }
  for (const c of [...controllers])
    ancestors(c).forEach(a => controllers.add(a));

  const namespaces = new Set(
    [...pods, ...controllers].map(o => o.metadata.namespace ?? ''),
  );
  const services = cluster
    .objects('', 'Service', query.namespace)
    .filter(
      s =>
        labelled(s) ||
        (namespaces.has(s.metadata.namespace ?? '') &&
          selectsAny(s, [...pods])),
    );
  if (pods.size === 0 && controllers.size === 0 && services.length === 0) {
    return undefined;
  }

  const saNames = new Set(
    [...pods].map(p =>
      nameKey(
        'ServiceAccount',
        p.metadata.namespace,
        ((p.spec as { serviceAccountName?: string })?.serviceAccountName ||
          'default') as string,
      ),
    ),
  );
  const serviceAccounts = cluster
    .objects('', 'ServiceAccount', query.namespace)
    .filter(
      sa =>
        saNames.has(
          nameKey('ServiceAccount', sa.metadata.namespace, sa.metadata.name),
        ) || labelled(sa),
    );

  const mine = [...pods, ...controllers];
  const uids = new Set(mine.map(o => o.metadata.uid).filter(Boolean));
  const names = new Set(
    mine.map(o => nameKey(o.kind, o.metadata.namespace, o.metadata.name)),
  );
  const owns = (ref: ObjectRef) =>
    (!!ref.uid && uids.has(ref.uid)) ||
    (!!ref.kind &&
      !!ref.name &&
      names.has(nameKey(ref.kind, ref.namespace, ref.name)));

  const inNamespaces = (group: string, kind: string) =>
    [...namespaces].flatMap(ns => cluster.objects(group, kind, ns));
  const ownedByUid = (r: KubeObject) =>
    r.metadata.ownerReferences?.some(o => !!o.uid && uids.has(o.uid)) ?? false;
  const trivyJoined = (r: KubeObject) => {
    const l = r.metadata.labels ?? {};
    return (
      ownedByUid(r) ||
      owns({
        kind: l[TRIVY_LABELS.kind],
        name: l[TRIVY_LABELS.name],
        namespace: l[TRIVY_LABELS.namespace] ?? r.metadata.namespace,
      })
    );
  };
  const policyJoined = (r: KubeObject) => {
    const scope = r.scope as ObjectRef | undefined;
    if (
      scope &&
      owns({ ...scope, namespace: scope.namespace ?? r.metadata.namespace })
    ) {
      return true;
    }
    if (ownedByUid(r)) return true;
    const results = Array.isArray(r.results) ? r.results : [];
    return results.some(
      (res: { resources?: ObjectRef[] }) =>
        Array.isArray(res?.resources) &&
        res.resources.some(ref =>
          owns({ ...ref, namespace: ref?.namespace ?? r.metadata.namespace }),
        ),
    );
  };

  return {
    cluster,
    pods: [...pods],
    controllers: [...controllers],
    services,
    serviceAccounts,
    namespaces: cluster
      .objects('', 'Namespace')
      .filter(n => namespaces.has(n.metadata.name)),
    reports: {
      sbom: inNamespaces('aquasecurity.github.io', 'SbomReport').filter(
        trivyJoined,
      ),
      vulnerability: inNamespaces(
        'aquasecurity.github.io',
        'VulnerabilityReport',
      ).filter(trivyJoined),
      configAudit: inNamespaces(
        'aquasecurity.github.io',
        'ConfigAuditReport',
      ).filter(trivyJoined),
      policy: [
        ...inNamespaces('wgpolicyk8s.io', 'PolicyReport'),
        ...inNamespaces('openreports.io', 'Report'),
        ...cluster.objects('wgpolicyk8s.io', 'ClusterPolicyReport'),
        ...cluster.objects('openreports.io', 'ClusterReport'),
      ].filter(policyJoined),
    },
    owns,
  };
}

function selectsAny(service: KubeObject, pods: KubeObject[]): boolean {
  const selector = (service.spec as { selector?: Record<string, string> })
    ?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  return pods.some(
    p =>
      p.metadata.namespace === service.metadata.namespace &&
      matchesLabelSelector({ matchLabels: selector }, p.metadata.labels),
  );
}

function nameKey(kind?: string, namespace?: string, name?: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}
