import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ControlResult,
  EntityPosture,
  ZERO_TRUST_CONTROLS,
  scoreControls,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { workloadQueryForEntity } from '@zero-trust-k8s/plugin-zero-trust-node';
import { ConfiguredClusters } from './ConfiguredClusters';
import { resolveWorkloads } from './resolveWorkloads';
import { collectAdmission } from '../collectors/admission';

/** Computes an entity's posture from the cluster evidence the backend holds. */
export class PostureService {
  constructor(private readonly clusters: ConfiguredClusters) {}

  async postureOf(entity: Entity): Promise<EntityPosture> {
    const generatedAt = new Date().toISOString();
    const query = workloadQueryForEntity(entity);
    const workloads = query
      ? resolveWorkloads(this.clusters.sources(), query)
      : [];
    const unknown = (summary: string) =>
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
      const evaluated = new Map([
        ['admission', collectAdmission(workloads, generatedAt)],
      ]);
      controls = unknown(
        'Not evaluated: this control has no collector in this version yet.',
      ).map(c => evaluated.get(c.control) ?? c);
    }
    return {
      entityRef: stringifyEntityRef(entity),
      score: scoreControls(controls),
      controls,
      clusters: this.clusters.list(),
      generatedAt,
    };
  }
}
