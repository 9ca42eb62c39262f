import { EntityPosture } from '@zero-trust-k8s/plugin-zero-trust-common';
import {
  evidenceCsv,
  evidenceExport,
  evidenceMarkdown,
} from './evidenceExport';

const posture: EntityPosture = {
  entityRef: 'component:default/x',
  generatedAt: '2026-12-01T00:00:00Z',
  score: 50,
  clusters: [],
  controls: [
    {
      control: 'admission',
      status: 'fail',
      summary: '=HYPERLINK("http://evil") | pipes, "quotes"\nand lines',
      evidence: [
        {
          cluster: 'c',
          apiVersion: 'wgpolicyk8s.io/v1alpha2',
          kind: 'PolicyReport',
          namespace: 'ns',
          name: '+cmd',
          observedAt: 't',
        },
      ],
    },
    {
      control: 'mtls',
      status: 'unknown',
      summary: 'no evidence',
      evidence: [],
    },
  ],
};

describe('evidence export', () => {
  it('has one row per evidence object and one for a control without evidence', () => {
    const data = evidenceExport(posture);
    expect(data.rows.map(r => [r.control, r.kind])).toEqual([
      ['admission', 'PolicyReport'],
      ['mtls', undefined],
    ]);
  });

  it('writes CSV that a spreadsheet will not run as formulas', () => {
    const csv = evidenceCsv(evidenceExport(posture));
    const [, first] = csv.split('\r\n');
    expect(first).toContain(
      `"'=HYPERLINK(""http://evil"") | pipes, ""quotes""\nand lines"`,
    );
    expect(first).toContain(",'+cmd,");
  });

  it('escapes pipes and newlines in Markdown cells', () => {
    const md = evidenceMarkdown(evidenceExport(posture));
    expect(md).toContain('\\| pipes, "quotes" and lines');
    expect(
      md.split('\n').filter(l => l.startsWith('| admission')),
    ).toHaveLength(1);
  });
});
