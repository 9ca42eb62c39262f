import fs from 'fs';
import path from 'path';
import { checkManifests, kyvernoRuleName } from './checkManifests';
import { CORPUS, expectedCases, readCorpusDocs } from './__fixtures__/corpus';

const context = readCorpusDocs('context.yaml');

describe('policy corpus', () => {
  it('lists every case file exactly once', () => {
    const files = ['good', 'bad'].flatMap(dir =>
      fs.readdirSync(path.join(CORPUS, dir)).map(f => `${dir}/${f}`),
    );
    expect(expectedCases.map(c => c.file).sort()).toEqual(files.sort());
  });

  it('has good cases without and bad cases with exactly one violation', () => {
    for (const c of expectedCases) {
      expect([c.file, c.violations.length]).toEqual([
        c.file,
        c.file.startsWith('good/') ? 0 : 1,
      ]);
    }
  });

  it.each(expectedCases.map(c => [c.file, c.violations] as const))(
    '%s',
    (file, violations) => {
      const actual = checkManifests([...context, ...readCorpusDocs(file)]).map(
        v => ({
          policy: v.policy,
          rule: v.rule,
          kyvernoRule: kyvernoRuleName(v),
          resource: {
            kind: v.resource.kind,
            namespace: v.resource.namespace,
            name: v.resource.name,
          },
          path: v.path,
        }),
      );
      expect(actual).toEqual(violations);
    },
  );

  it('reports severity and the message of the rule', () => {
    const [violation] = checkManifests([
      ...context,
      ...readCorpusDocs('bad/pod-latest-tag.yaml'),
    ]);
    expect(violation).toMatchObject({
      severity: 'medium',
      message: "Using a mutable image tag e.g. 'latest' is not allowed.",
      resource: { apiVersion: 'v1', kind: 'Pod' },
    });
  });
});
