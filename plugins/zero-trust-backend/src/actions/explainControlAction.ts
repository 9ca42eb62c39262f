import {
  CONTROL_STATUSES,
  ControlId,
  SCORE_WEIGHTS,
  ZERO_TRUST_CONTROLS,
  zeroTrustPostureReadPermission,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import { NotFoundError } from '@backstage/errors';
import { authorizedEntity } from '../service/authorizedEntity';
import { CONTROL_DESCRIPTIONS } from './controlDescriptions';
import { ENTITY_REF_DESCRIPTION, ZeroTrustActionsOptions } from './types';

/**
 * `zero-trust:explain-control`: what one control checks, and for one entity its status, summary,
 * typed details and the live objects that prove it.
 */
export function createExplainControlAction(options: ZeroTrustActionsOptions) {
  const { actionsRegistry, catalog, permissions, posture } = options;
  actionsRegistry.register({
    name: 'explain-control',
    title: 'Explain a Zero Trust control',
    description:
      'Explains one Zero Trust control for a catalog Component or System: what the control checks and what makes it pass, warn or fail, its weight in the score, and for this entity its status, summary, control-specific details (for example the mTLS mode per port, the callers an AuthorizationPolicy admits, the vulnerabilities per severity) and the evidence, i.e. the live Kubernetes objects (cluster, kind, namespace, name, resourceVersion) it was judged on.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().min(1).describe(ENTITY_REF_DESCRIPTION),
          control: z
            .string()
            .min(1)
            .describe(
              `The control to explain: ${ZERO_TRUST_CONTROLS.map(
                c => c.id,
              ).join(', ')}, or a control this installation added`,
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          control: z.string(),
          title: z.string(),
          checks: z.string().describe('What the control checks'),
          weight: z.number().describe('Its weight in the score'),
          status: z.enum(CONTROL_STATUSES as [string, ...string[]]),
          summary: z.string(),
          details: z
            .record(z.unknown())
            .optional()
            .describe('Control-specific details; absent when not evaluated'),
          evidence: z.array(
            z.object({
              cluster: z.string(),
              apiVersion: z.string(),
              kind: z.string(),
              namespace: z.string().optional(),
              name: z.string(),
              uid: z.string().optional(),
              resourceVersion: z.string().optional(),
              observedAt: z.string(),
            }),
          ),
          notes: z.array(z.string()).optional(),
        }),
    },
    examples: [
      {
        title: 'Why does mTLS warn on cartservice?',
        input: { entityRef: 'component:default/cartservice', control: 'mtls' },
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
      const control = result.controls.find(c => c.control === input.control);
      const known = posture.controls().find(c => c.id === input.control);
      if (!control || !known) {
        throw new NotFoundError(
          `No ${input.control} result for ${
            result.entityRef
          }; the controls are ${posture
            .controls()
            .map(c => c.id)
            .join(', ')}`,
        );
      }
      return {
        output: {
          entityRef: result.entityRef,
          control: control.control,
          title: known.title,
          checks:
            CONTROL_DESCRIPTIONS[known.id as ControlId] ??
            known.description ??
            'A control this installation added; its collector gives no description.',
          weight: SCORE_WEIGHTS[known.id as ControlId] ?? 1,
          status: control.status,
          summary: control.summary,
          details: control.details as Record<string, unknown> | undefined,
          evidence: control.evidence,
          notes: control.notes,
        },
      };
    },
  });
}
