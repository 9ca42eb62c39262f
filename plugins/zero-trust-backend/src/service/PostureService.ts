import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ControlResult,
  EntityPosture,
  ZERO_TRUST_CONTROLS,
  scoreControls,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { workloadQueryForEntity } from '@zero-trust-k8s/plugin-zero-trust-node';
import { runCollectors } from '../collectors';
import {
  CollectorSettings,
  DEFAULT_COLLECTOR_SETTINGS,
} from '../collectors/types';
import { ClusterRegistry } from './ClusterRegistry';
import { resolveWorkloads } from './resolveWorkloads';

/** Computes an entity's posture from the cluster evidence the backend holds in memory. */
export class PostureService {
  constructor(
    private readonly clusters: ClusterRegistry,
    private readonly settings: CollectorSettings = DEFAULT_COLLECTOR_SETTINGS,
  ) {}

  async postureOf(entity: Entity): Promise<EntityPosture> {
    const generatedAt = new Date().toISOString();
    const query = workloadQueryForEntity(entity);
    const workloads = query
      ? resolveWorkloads(this.clusters.sources(), query)
      : [];
    const unknown = (summary: string): ControlResult[] =>
      ZERO_TRUST_CONTROLS.map(c => ({
        control: c.id,
        status: 'unknown' as const,
        summary,
        evidence: [],
      }));

    let controls: ControlResult[];
    if (!query) {
      controls = unknown(
        'Not evaluated: the entity has no backstage.io/kubernetes-* annotation.',
      );
    } else if (workloads.length === 0) {
      controls = unknown(
        'Not evaluated: no workload of this entity in the clusters the backend reads.',
      );
    } else {
      controls = runCollectors({
        workloads,
        settings: this.settings,
        now: generatedAt,
      });
    }
    return {
      entityRef: stringifyEntityRef(entity),
      score: scoreControls(controls),
      controls,
      clusters: this.clusters.list(),
      generatedAt,
      workloads: workloads.flatMap(w =>
        [...w.controllers, ...w.services].map(o => ({
          cluster: w.cluster.name,
          namespace: o.metadata.namespace,
          kind: o.kind,
          name: o.metadata.name,
        })),
      ),
    };
  }
}
