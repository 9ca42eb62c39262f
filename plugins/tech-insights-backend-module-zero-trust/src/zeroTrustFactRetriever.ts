import { CatalogService } from '@backstage/plugin-catalog-node';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  FactRetriever,
  FactRetrieverContext,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import { FactSchema } from '@backstage-community/plugin-tech-insights-common';
import {
  CONTROL_STATUSES,
  ControlId,
  EntityPosture,
  SCORE_FORMULA,
  ZERO_TRUST_CONTROLS,
} from '@zero-trust-k8s/plugin-zero-trust-common';

/**
 * The id of the Zero Trust fact retriever: the key of its `techInsights.factRetrievers` entry in
 * app-config and the `factIds` entry of checks that use its facts.
 *
 * @public
 */
export const ZERO_TRUST_FACT_RETRIEVER_ID = 'zeroTrustFactRetriever';

/**
 * Name of the fact holding the 0–100 Zero Trust score; absent for an entity none of whose controls
 * could be evaluated.
 *
 * @public
 */
export const ZERO_TRUST_SCORE_FACT = 'zeroTrustScore';

/**
 * Name of the fact holding one control's status: `zeroTrust` and the control id with a capital,
 * e.g. `zeroTrustMtls`, `zeroTrustVulnerabilities`. Prefixed because a check's facts from every
 * retriever it names share one namespace.
 *
 * @public
 */
export function zeroTrustControlFact(control: ControlId): string {
  return `zeroTrust${control
    .charAt(0)
    .toLocaleUpperCase('en-US')}${control.slice(1)}`;
}

/**
 * Options of {@link createZeroTrustFactRetriever}.
 *
 * @public
 */
export interface ZeroTrustFactRetrieverOptions {
  /** Lists the entities to retrieve facts for (with the retriever's own service credentials). */
  catalog: CatalogService;
  /** Which entities get facts; Components and Systems by default. */
  entityFilter?: FactRetriever['entityFilter'];
  /** Posture requests in flight at once; 4 by default. */
  concurrency?: number;
}

function factSchema(): FactSchema {
  const schema: FactSchema = {
    [ZERO_TRUST_SCORE_FACT]: {
      type: 'integer',
      description: `Zero Trust score, 0–100; absent when no control could be evaluated. ${SCORE_FORMULA}`,
    },
  };
  for (const control of ZERO_TRUST_CONTROLS) {
    schema[zeroTrustControlFact(control.id)] = {
      type: 'string',
      description: `Status of the Zero Trust control "${
        control.title
      }": one of ${CONTROL_STATUSES.join(', ')}`,
    };
  }
  return schema;
}

/** The facts of one posture: one status per control (unknown when absent) and the score. */
export function postureFacts(
  posture: Pick<EntityPosture, 'controls' | 'score'>,
): TechInsightFact['facts'] {
  const facts: TechInsightFact['facts'] = {};
  for (const control of ZERO_TRUST_CONTROLS) {
    facts[zeroTrustControlFact(control.id)] =
      posture.controls.find(c => c.control === control.id)?.status ?? 'unknown';
  }
  if (typeof posture.score === 'number') {
    facts[ZERO_TRUST_SCORE_FACT] = posture.score;
  }
  return facts;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/**
 * A Tech Insights fact retriever that asks the Zero Trust backend (plugin id `zero-trust`, found
 * through discovery, called with a service token of the retriever's own) for the posture of each
 * Component and System, and records one fact per control (its status: pass, warn, fail, unknown,
 * not-installed, forbidden, not-applicable) plus the score. Checks (the JSON rules engine of Tech
 * Insights, Scorecards, Soundcheck-style tools) then read e.g. `zeroTrustMtls == "pass"` or
 * `zeroTrustScore >= 90`.
 *
 * @public
 */
export function createZeroTrustFactRetriever(
  options: ZeroTrustFactRetrieverOptions,
): FactRetriever {
  const { catalog } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const entityFilter = options.entityFilter ?? [
    { kind: ['component', 'system'] },
  ];
  return {
    id: ZERO_TRUST_FACT_RETRIEVER_ID,
    version: '0.1.0',
    title: 'Zero Trust posture',
    description:
      'The status of each Zero Trust control (mTLS, authorization, segmentation, admission, SBOM, vulnerabilities, rollout, GitOps, secrets, runtime, identity, image provenance, observed flows, CIS benchmark) and the Zero Trust score, as the live clusters show them',
    entityFilter,
    schema: factSchema(),
    async handler(ctx: FactRetrieverContext): Promise<TechInsightFact[]> {
      const { auth, discovery, logger } = ctx;
      const credentials = await auth.getOwnServiceCredentials();
      const { items } = await catalog.getEntities(
        {
          filter: ctx.entityFilter ?? entityFilter,
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials },
      );
      const baseUrl = await discovery.getBaseUrl('zero-trust');
      const failures: { entityRef: string; error: string }[] = [];

      const fetchPosture = async (
        entity: Entity,
      ): Promise<TechInsightFact | undefined> => {
        const namespace = entity.metadata.namespace ?? 'default';
        const entityRef = stringifyEntityRef(entity);
        const url = `${baseUrl}/v1/entities/${[
          entity.kind,
          namespace,
          entity.metadata.name,
        ]
          .map(encodeURIComponent)
          .join('/')}/posture`;
        try {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: credentials,
            targetPluginId: 'zero-trust',
          });
          const response = await fetch(url, {
            headers: { Authorization: `Bearer ${token}` },
          });
          if (!response.ok) {
            throw await ResponseError.fromResponse(response);
          }
          const posture = (await response.json()) as EntityPosture;
          return {
            entity: {
              namespace,
              kind: entity.kind,
              name: entity.metadata.name,
            },
            facts: postureFacts(posture),
          };
        } catch (e) {
          failures.push({ entityRef, error: (e as Error).message });
          return undefined;
        }
      };

      const facts = (await mapLimited(items, concurrency, fetchPosture)).filter(
        (f): f is TechInsightFact => f !== undefined,
      );
      if (failures.length > 0) {
        const sample = failures
          .sort((a, b) => a.entityRef.localeCompare(b.entityRef))
          .slice(0, 3)
          .map(f => `${f.entityRef}: ${f.error}`)
          .join('; ');
        if (facts.length === 0) {
          // Nothing answered (backend missing or down): fail the run so Tech Insights logs it and
          // the previous facts stay the latest.
          throw new Error(
            `Zero Trust: no posture could be read from ${baseUrl} for ${failures.length} entities: ${sample}`,
          );
        }
        logger.warn(
          `Zero Trust: no posture for ${failures.length} of ${items.length} entities: ${sample}`,
          { failed: failures.length, entities: items.length },
        );
      }
      return facts;
    },
  };
}
