import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { checkManifests, kyvernoRuleName } from './checkManifests';

const CORPUS = path.join(__dirname, '__fixtures__', 'corpus');

const readDocs = (file: string): unknown[] =>
  YAML.parseAllDocuments(fs.readFileSync(path.join(CORPUS, file), 'utf8'))
    .map(d => d.toJS())
    .filter(Boolean);

interface ExpectedViolation {
  policy: string;
  rule: string;
  kyvernoRule: string;
  resource: { kind: string; namespace: string; name: string };
  path: string;
}

const expected: { file: string; violations: ExpectedViolation[] }[] =
  YAML.parse(fs.readFileSync(path.join(CORPUS, 'expected.yaml'), 'utf8')).cases;

const context = readDocs('context.yaml');

describe('policy corpus', () => {
  it('lists every case file exactly once', () => {
    const files = ['good', 'bad'].flatMap(dir =>
      fs.readdirSync(path.join(CORPUS, dir)).map(f => `${dir}/${f}`),
    );
    expect(expected.map(c => c.file).sort()).toEqual(files.sort());
  });

  it('has good cases without and bad cases with exactly one violation', () => {
    for (const c of expected) {
      expect([c.file, c.violations.length]).toEqual([
        c.file,
        c.file.startsWith('good/') ? 0 : 1,
      ]);
    }
  });

  it.each(expected.map(c => [c.file, c.violations] as const))(
    '%s',
    (file, violations) => {
      const actual = checkManifests([...context, ...readDocs(file)]).map(v => ({
        policy: v.policy,
        rule: v.rule,
        kyvernoRule: kyvernoRuleName(v),
        resource: {
          kind: v.resource.kind,
          namespace: v.resource.namespace,
          name: v.resource.name,
        },
        path: v.path,
      }));
      expect(actual).toEqual(violations);
    },
  );

  it('reports severity and the message of the rule', () => {
    const [violation] = checkManifests([
      ...context,
      ...readDocs('bad/pod-latest-tag.yaml'),
    ]);
    expect(violation).toMatchObject({
      severity: 'medium',
      message: "Using a mutable image tag e.g. 'latest' is not allowed.",
      resource: { apiVersion: 'v1', kind: 'Pod' },
    });
  });
});
