import {
  CONTROL_STATUSES,
  SCORE_FORMULA,
  controlTitle,
  zeroTrustPostureReadPermission,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { authorizedEntity } from '../service/authorizedEntity';
import { ENTITY_REF_DESCRIPTION, ZeroTrustActionsOptions } from './types';

/**
 * `zero-trust:get-posture`: an entity's score and the status of each control, without the
 * per-control details (`zero-trust:explain-control` has those).
 */
export function createGetPostureAction(options: ZeroTrustActionsOptions) {
  const { actionsRegistry, catalog, permissions, posture } = options;
  actionsRegistry.register({
    name: 'get-posture',
    title: 'Get Zero Trust posture',
    description: `Returns the Zero Trust posture of a catalog Component or System as the live Kubernetes clusters show it: a 0–100 score and, per control (mTLS, authorization, segmentation, admission, SBOM, vulnerabilities, rollout, GitOps, secrets, runtime, identity, image provenance, observed flows, CIS benchmark), its status (${CONTROL_STATUSES.join(
      ', ',
    )}) and a one-sentence summary. Score: ${SCORE_FORMULA}`,
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().min(1).describe(ENTITY_REF_DESCRIPTION),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          score: z
            .number()
            .optional()
            .describe('0–100; absent when no control could be evaluated'),
          generatedAt: z.string(),
          controls: z.array(
            z.object({
              control: z.string(),
              title: z.string(),
              status: z.enum(CONTROL_STATUSES as [string, ...string[]]),
              summary: z.string(),
              evidenceCount: z.number(),
            }),
          ),
          workloads: z
            .array(
              z.object({
                cluster: z.string(),
                namespace: z.string().optional(),
                kind: z.string(),
                name: z.string(),
              }),
            )
            .describe('The workload objects the entity maps to'),
          components: z
            .array(
              z.object({ entityRef: z.string(), score: z.number().optional() }),
            )
            .optional()
            .describe("For a System: its components' scores"),
          clusters: z.array(
            z.object({
              name: z.string(),
              healthy: z.boolean(),
              errors: z.array(z.string()),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Posture of a component',
        input: { entityRef: 'component:default/cartservice' },
      },
    ],
    action: async ({ input, credentials }) => {
      const entity = await authorizedEntity({
        entityRef: input.entityRef,
        credentials,
        catalog,
        permissions,
        require: [zeroTrustPostureReadPermission],
      });
      const result = await posture.postureOf(entity, credentials);
      return {
        output: {
          entityRef: result.entityRef,
          score: result.score,
          generatedAt: result.generatedAt,
          controls: result.controls.map(c => ({
            control: c.control,
            title: controlTitle(c.control),
            status: c.status,
            summary: c.summary,
            evidenceCount: c.evidence.length,
          })),
          workloads: result.workloads ?? [],
          components: result.components?.map(c => ({
            entityRef: c.entityRef,
            score: c.score,
          })),
          clusters: result.clusters.map(c => ({
            name: c.name,
            healthy: c.healthy,
            errors: c.errors,
          })),
        },
      };
    },
  });
}
