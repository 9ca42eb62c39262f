import {
  EntityPosture,
  ZERO_TRUST_CONTROLS,
  scoreControls,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { ConfiguredClusters } from './ConfiguredClusters';

/** Computes an entity's posture from the cluster evidence the backend holds. */
export class PostureService {
  constructor(private readonly clusters: ConfiguredClusters) {}

  async postureOf(entityRef: string): Promise<EntityPosture> {
    // No collector reads clusters yet, so every control is honestly `unknown`.
    const controls = ZERO_TRUST_CONTROLS.map(c => ({
      control: c.id,
      status: 'unknown' as const,
      summary: 'Not evaluated: no cluster evidence source is active yet.',
      evidence: [],
    }));
    return {
      entityRef,
      score: scoreControls(controls),
      controls,
      clusters: this.clusters.list(),
      generatedAt: new Date().toISOString(),
    };
  }
}
