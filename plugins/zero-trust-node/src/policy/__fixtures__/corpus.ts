import fs from 'fs';
import path from 'path';
import YAML from 'yaml';

/** The policy corpus (see corpus/README.md): good and bad manifests with expected violations. */
// eslint-disable-next-line no-restricted-syntax -- fixtures live beside this file
export const CORPUS = path.join(__dirname, 'corpus');

/** One violation a case must produce, as expected.yaml lists it. */
export interface ExpectedViolation {
  policy: string;
  rule: string;
  kyvernoRule: string;
  resource: { kind: string; namespace: string; name: string };
  path: string;
}

/** Every case file with the violations it must produce. */
export const expectedCases: {
  file: string;
  violations: ExpectedViolation[];
}[] = YAML.parse(
  fs.readFileSync(path.join(CORPUS, 'expected.yaml'), 'utf8'),
).cases;

/** The YAML documents of a corpus file. */
export const readCorpusDocs = (file: string): unknown[] =>
  YAML.parseAllDocuments(fs.readFileSync(path.join(CORPUS, file), 'utf8'))
    .map(d => d.toJS())
    .filter(Boolean);
