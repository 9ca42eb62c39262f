import {
  EntityPosture,
  EvidenceExport,
  EvidenceRow,
} from '@zero-trust-k8s/plugin-zero-trust-common';

/** One row per (control, evidence object); a control without evidence keeps one empty row. */
export function evidenceExport(posture: EntityPosture): EvidenceExport {
  const rows: EvidenceRow[] = posture.controls.flatMap(c => {
    const base = {
      entityRef: posture.entityRef,
      control: c.control,
      status: c.status,
      summary: c.summary,
    };
    return c.evidence.length === 0
      ? [base]
      : c.evidence.map(e => ({ ...base, ...e }));
  });
  return {
    entityRef: posture.entityRef,
    generatedAt: posture.generatedAt,
    score: posture.score,
    rows,
  };
}

const COLUMNS: (keyof EvidenceRow)[] = [
  'entityRef',
  'control',
  'status',
  'summary',
  'cluster',
  'apiVersion',
  'kind',
  'namespace',
  'name',
  'uid',
  'resourceVersion',
  'observedAt',
];

/**
 * RFC 4180 CSV. Cells starting with =, +, - or @ get a leading quote so a spreadsheet does not run
 * them as formulas (object names and summaries come from the cluster, not from us).
 */
export function evidenceCsv(data: EvidenceExport): string {
  const cell = (value: unknown) => {
    let text = value === undefined ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[
    COLUMNS.join(','),
    ...data.rows.map(row => COLUMNS.map(c => cell(row[c])).join(',')),
  ].join('\r\n')}\r\n`;
}

/** A Markdown report: one table row per evidence row, pipes and newlines escaped. */
export function evidenceMarkdown(data: EvidenceExport): string {
  const cell = (value: unknown) =>
    value === undefined
      ? ''
      : String(value)
          .replace(/\\/g, '\\\\')
          .replace(/\|/g, '\\|')
          .replace(/[\r\n]+/g, ' ');
  const object = (r: EvidenceRow) =>
    r.kind
      ? `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} (${
          r.cluster
        }, rv ${r.resourceVersion ?? '?'})`
      : '—';
  return [
    `# Zero Trust evidence: ${cell(data.entityRef)}`,
    '',
    `Generated ${data.generatedAt}; score ${data.score ?? 'n/a'}.`,
    '',
    '| control | status | summary | object |',
    '| --- | --- | --- | --- |',
    ...data.rows.map(
      r =>
        `| ${r.control} | ${r.status} | ${cell(r.summary)} | ${cell(
          object(r),
        )} |`,
    ),
    '',
  ].join('\n');
}
