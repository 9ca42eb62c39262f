import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_HAS_PART,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ControlResult,
  EntityPosture,
  scoreControls,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { workloadQueryForEntity } from '@zero-trust-k8s/plugin-zero-trust-node';
import { CollectorRegistry, RegisteredControl } from '../collectors/registry';
import {
  CollectorSettings,
  DEFAULT_COLLECTOR_SETTINGS,
} from '../collectors/types';
import { ClusterRegistry } from './ClusterRegistry';
import { declaredCallers } from './declaredCallers';
import { computePolicyDrift, hasDrift } from './policyDrift';
import { ClusterWorkloads, resolveWorkloads } from './resolveWorkloads';
import { aggregateSystemControls, componentRow } from './systemPosture';
import type { SharedPostures } from '../store/SharedPostures';
import { HubbleFlows } from '../hubble/HubbleFlows';
import { declaredPeers } from '../hubble/declaredPeers';
import { FlowsInput } from '../hubble/flowsInput';

/** Computes postures from the cluster evidence the backend holds in memory. */
export class PostureService {
  constructor(
    private readonly clusters: ClusterRegistry,
    private readonly catalog: CatalogService,
    private readonly settings: CollectorSettings = DEFAULT_COLLECTOR_SETTINGS,
    private readonly logger?: LoggerService,
    private readonly collectors = CollectorRegistry.withBuiltIns(),
    /** With several replicas: components' postures as their watching replica recorded them. */
    private readonly shared?: SharedPostures,
    /** Hubble Relays per cluster, for the flows control (none configured: not installed). */
    private readonly hubble?: HubbleFlows,
  ) {}

  /** A Component's posture, or a System's as the aggregate of its components. */
  async postureOf(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<EntityPosture> {
    return entity.kind.toLocaleLowerCase('en-US') === 'system'
      ? this.systemPosture(entity, credentials)
      : this.storedOrComputed(entity, credentials);
  }

  /** A component's posture computed from what this replica holds, never from the store. */
  computeComponentPosture(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<EntityPosture> {
    return this.componentPosture(entity, credentials);
  }

  /** With several replicas the fresh stored posture, else one computed here and flagged so. */
  private async storedOrComputed(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<EntityPosture> {
    if (!this.shared) return this.componentPosture(entity, credentials);
    const stored = await this.shared.fresh(stringifyEntityRef(entity));
    return (
      stored ?? {
        ...(await this.componentPosture(entity, credentials)),
        source: 'computed',
      }
    );
  }

  /** The controls every posture reports, built-in and added, in their order. */
  controls(): RegisteredControl[] {
    return this.collectors.controls();
  }

  /** The workloads an entity maps to, per cluster (empty without kubernetes annotations). */
  workloadsOf(entity: Entity): ClusterWorkloads[] {
    const query = workloadQueryForEntity(entity);
    return query ? resolveWorkloads(this.clusters.sources(), query) : [];
  }

  private async componentPosture(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<EntityPosture> {
    const generatedAt = new Date().toISOString();
    const query = workloadQueryForEntity(entity);
    const workloads = this.workloadsOf(entity);
    const unknown = (summary: string) => this.collectors.allUnknown(summary);

    let controls: ControlResult[];
    let drift: EntityPosture['drift'];
    if (!query) {
      controls = unknown(
        'Not evaluated: the entity has no backstage.io/kubernetes-* annotation.',
      );
    } else if (workloads.length === 0) {
      controls = unknown(
        'Not evaluated: no workload of this entity in the clusters the backend reads.',
      );
    } else {
      controls = this.collectors.run(
        {
          workloads,
          settings: this.settings,
          flows: await this.flowsInput(entity, credentials, workloads),
          now: generatedAt,
          sourceLocation:
            entity.metadata.annotations?.['backstage.io/source-location'],
        },
        (control, error) => {
          const entityRef = stringifyEntityRef(entity);
          const cluster = workloads.map(w => w.cluster.name).join(',');
          this.logger?.error(
            `Zero Trust: the ${control} collector failed for ${entityRef} (cluster "${cluster}"): ${error.message}`,
            { entity: entityRef, control, cluster, stack: error.stack },
          );
        },
      );
      drift = await this.addDrift(entity, credentials, controls);
    }
    return {
      entityRef: stringifyEntityRef(entity),
      score: scoreControls(controls),
      controls,
      clusters: this.clusters.list(),
      generatedAt,
      drift,
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

  /**
   * Hubble Relay's recent flows of the entity's pods per cluster, and the peers the catalog
   * declares (read only when some Relay answered; a catalog failure leaves them unjudged).
   */
  private async flowsInput(
    entity: Entity,
    credentials: BackstageCredentials,
    workloads: ClusterWorkloads[],
  ): Promise<FlowsInput> {
    const reads: FlowsInput['reads'] = {};
    for (const w of workloads) {
      reads[w.cluster.name] = this.hubble
        ? await this.hubble.read(
            w.cluster.name,
            w.pods.map(p => `${p.metadata.namespace}/${p.metadata.name}`),
          )
        : { state: 'not-configured', flows: [] };
    }
    let peers: FlowsInput['declaredPeers'];
    if (Object.values(reads).some(r => r.state === 'ok')) {
      try {
        peers = await declaredPeers(entity, this.catalog, credentials);
      } catch (e) {
        this.logger?.warn(
          `Zero Trust: could not read the declared peers of ${stringifyEntityRef(
            entity,
          )} for the flows control: ${(e as Error).message}`,
        );
      }
    }
    return {
      windowSeconds: this.hubble?.windowSeconds ?? 0,
      reads,
      declaredPeers: peers,
    };
  }

  /**
   * Catalog ↔ policy drift of the callers, attached to the authorization control; a pass with
   * drift becomes a warning, as the policies no longer say what the catalog says.
   */
  private async addDrift(
    entity: Entity,
    credentials: BackstageCredentials,
    controls: ControlResult[],
  ): Promise<EntityPosture['drift']> {
    const index = controls.findIndex(c => c.control === 'authorization');
    const authorization = controls[index];
    if (authorization?.control !== 'authorization' || !authorization.details) {
      return undefined;
    }
    const callers = await declaredCallers(
      entity,
      this.catalog,
      credentials,
      this.settings.trustDomain,
    );
    const drift = computePolicyDrift(
      authorization.details,
      callers,
      this.settings.trustDomain,
    );
    const drifted = hasDrift(drift);
    controls[index] = {
      ...authorization,
      status:
        drifted && authorization.status === 'pass'
          ? 'warn'
          : authorization.status,
      summary: drifted
        ? `${authorization.summary} Drift from the catalog: ${[
            drift.declaredNotAllowed.length &&
              `${drift.declaredNotAllowed.length} declared caller(s) not allowed`,
            drift.allowedNotDeclared.length &&
              `${drift.allowedNotDeclared.length} allowed source(s) not declared`,
          ]
            .filter(Boolean)
            .join(', ')}.`
        : authorization.summary,
      details: { ...authorization.details, drift },
    };
    return drift;
  }

  private async systemPosture(
    system: Entity,
    credentials: BackstageCredentials,
  ): Promise<EntityPosture> {
    const refs = (system.relations ?? [])
      .filter(r => r.type === RELATION_HAS_PART)
      .map(r => r.targetRef)
      .filter(ref => parseEntityRef(ref).kind === 'component');
    const { items } = refs.length
      ? await this.catalog.getEntitiesByRefs(
          { entityRefs: refs },
          { credentials },
        )
      : { items: [] };
    const components = await Promise.all(
      items
        .filter((e): e is Entity => Boolean(e))
        .map(e => this.storedOrComputed(e, credentials)),
    );
    components.sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    const controls = aggregateSystemControls(
      components,
      this.collectors
        .controls()
        .map(c => ({ id: c.id, title: c.builtIn ? undefined : c.title })),
    );
    return {
      entityRef: stringifyEntityRef(system),
      // The worst status per control, as the chips show it: a cell average would hide failures.
      score: scoreControls(controls),
      controls,
      clusters: this.clusters.list(),
      generatedAt: new Date().toISOString(),
      components: components.map(componentRow),
      workloads: components.flatMap(c => c.workloads ?? []),
    };
  }
}
