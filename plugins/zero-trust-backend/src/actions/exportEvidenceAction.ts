import {
  CONTROL_STATUSES,
  EVIDENCE_FORMATS,
  zeroTrustEvidenceExportPermission,
  zeroTrustPostureReadPermission,
} from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  evidenceCsv,
  evidenceExport,
  evidenceMarkdown,
} from '../service/evidenceExport';
import { authorizedEntity } from '../service/authorizedEntity';
import { ENTITY_REF_DESCRIPTION, ZeroTrustActionsOptions } from './types';

/**
 * `zero-trust:export-evidence`: the evidence matrix of an entity, one row per control and live
 * object, as the tab's export gives it. Needs `zero-trust.evidence.export` besides
 * `zero-trust.posture.read`, so a policy can keep exports to the entity's owners.
 */
export function createExportEvidenceAction(options: ZeroTrustActionsOptions) {
  const { actionsRegistry, catalog, permissions, posture } = options;
  actionsRegistry.register({
    name: 'export-evidence',
    title: 'Export Zero Trust evidence',
    description:
      'Exports the Zero Trust evidence of a catalog Component or System for an audit: one row per control and live Kubernetes object that proves or disproves it (cluster, apiVersion, kind, namespace, name, uid, resourceVersion, when it was observed), with the control status and summary. Format json gives the rows; csv (cells guarded against spreadsheet formulas) and markdown give a document in `content`. Allowed only where the permission policy grants zero-trust.evidence.export for the entity.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().min(1).describe(ENTITY_REF_DESCRIPTION),
          format: z
            .enum(EVIDENCE_FORMATS)
            .default('json')
            .describe('json (rows), csv or markdown (content)'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          generatedAt: z.string(),
          score: z.number().optional(),
          format: z.enum(EVIDENCE_FORMATS),
          rows: z
            .array(
              z.object({
                entityRef: z.string(),
                control: z.string(),
                status: z.enum(CONTROL_STATUSES as [string, ...string[]]),
                summary: z.string(),
                cluster: z.string().optional(),
                apiVersion: z.string().optional(),
                kind: z.string().optional(),
                namespace: z.string().optional(),
                name: z.string().optional(),
                uid: z.string().optional(),
                resourceVersion: z.string().optional(),
                observedAt: z.string().optional(),
              }),
            )
            .optional()
            .describe('The rows, for format json'),
          content: z
            .string()
            .optional()
            .describe('The CSV or Markdown document, for those formats'),
        }),
    },
    examples: [
      {
        title: 'Evidence of a component as Markdown',
        input: {
          entityRef: 'component:default/cartservice',
          format: 'markdown',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const entity = await authorizedEntity({
        entityRef: input.entityRef,
        credentials,
        catalog,
        permissions,
        require: [
          zeroTrustPostureReadPermission,
          zeroTrustEvidenceExportPermission,
        ],
      });
      const data = evidenceExport(await posture.postureOf(entity, credentials));
      const head = {
        entityRef: data.entityRef,
        generatedAt: data.generatedAt,
        score: data.score,
        format: input.format,
      };
      if (input.format === 'csv') {
        return { output: { ...head, content: evidenceCsv(data) } };
      }
      if (input.format === 'markdown') {
        return { output: { ...head, content: evidenceMarkdown(data) } };
      }
      return { output: { ...head, rows: data.rows } };
    },
  });
}
