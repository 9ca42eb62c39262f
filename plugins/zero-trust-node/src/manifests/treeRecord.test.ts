import { InputError } from '@backstage/errors';
import YAML from 'yaml';
import { BASELINE_VERSION } from './baselineVersion';
import { generateManifests } from './generateManifests';
import { TREE_RECORD_FILE, parseTreeRecord } from './treeRecord';
import { inMemoryTree, planUpgrade } from './upgrade';
import { boutiqueSpec } from './__fixtures__/onlineBoutique';

const files = generateManifests(boutiqueSpec('cartservice')).files;
const record = YAML.parse(files[TREE_RECORD_FILE]);
const SHA = 'a'.repeat(40);

/** The generated record with one change, as text. */
const tampered = (change: (r: any) => void) => {
  const copy = structuredClone(record);
  change(copy);
  return YAML.stringify(copy);
};

function refusal(text: string): string {
  try {
    parseTreeRecord(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('the record was accepted');
}

describe('parseTreeRecord', () => {
  it('reads the record generateManifests writes', () => {
    expect(parseTreeRecord(files[TREE_RECORD_FILE]).baseline).toBe(
      BASELINE_VERSION,
    );
  });

  it.each<[string, string, RegExp]>([
    [
      'invalid YAML',
      'baseline: [4\nspec: {',
      /^zero-trust\.yaml: is not valid YAML: /,
    ],
    ['a YAML list', '- 1\n- 2\n', /^zero-trust\.yaml: record: Expected object/],
    [
      'duplicate keys',
      `${files[TREE_RECORD_FILE]}\nbaseline: 1\n`,
      /^zero-trust\.yaml: is not valid YAML: Map keys must be unique/,
    ],
    [
      'an alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n',
      /^zero-trust\.yaml: is not a plain YAML mapping: /,
    ],
    [
      'another kind',
      tampered(r => (r.kind = 'Deployment')),
      /^zero-trust\.yaml: kind: Invalid literal value, expected "GeneratedTree"$/,
    ],
    [
      'an unknown field',
      tampered(r => (r.extra = true)),
      /^zero-trust\.yaml: record: Unrecognized key\(s\) in object: 'extra'$/,
    ],
    [
      'a file path that walks out of the tree',
      tampered(r => (r.files['../../other-team/base/secret.yaml'] = SHA)),
      /^zero-trust\.yaml: files\.\.\.\/\.\.\/other-team\/base\/secret\.yaml: is not a file of a generated tree/,
    ],
    [
      'an absolute file path',
      tampered(r => (r.files['/etc/passwd'] = SHA)),
      /^zero-trust\.yaml: files\.\/etc\/passwd: is not a file of a generated tree/,
    ],
    [
      'a dot segment inside the tree',
      tampered(r => (r.files['base/../argocd/x.yaml'] = SHA)),
      /is not a file of a generated tree/,
    ],
    [
      'a file outside the generated folders',
      tampered(r => (r.files['.github/workflows/ci.yaml'] = SHA)),
      /is not a file of a generated tree/,
    ],
    [
      'a sha that is not a blob id',
      tampered(r => (r.files['base/kustomization.yaml'] = 'HEAD')),
      /^zero-trust\.yaml: files\.base\/kustomization\.yaml: is not a git blob sha$/,
    ],
    [
      'an unknown baseline version',
      tampered(r => (r.baseline = 99)),
      /^zero-trust\.yaml: baseline 99 is not a version this Backstage knows \(1, 2, 3, 4\); a newer baseline wrote it, or it was edited$/,
    ],
    [
      'a baseline version as text',
      tampered(r => (r.baseline = String(BASELINE_VERSION))),
      /^zero-trust\.yaml: baseline "\d+" is not a version this Backstage knows/,
    ],
    [
      'no baseline version',
      tampered(r => delete r.baseline),
      /^zero-trust\.yaml: baseline undefined is not a version/,
    ],
    [
      'a spec the ServiceSpec schema refuses',
      tampered(r => {
        r.spec.namespace = 'kube-system';
        r.spec.image.tag = 'latest';
      }),
      /^zero-trust\.yaml: spec: Invalid ServiceSpec, 2 problems:\n {2}- namespace: is a system namespace .*\n {2}- image\.tag: must not be `latest`/,
    ],
    [
      'a spec whose GitOps folder walks out of the repository',
      tampered(r => (r.spec.gitops.path = 'apps/../../etc')),
      /^zero-trust\.yaml: spec: Invalid ServiceSpec, 2 problems:\n {2}- gitops\.path: is not a repository folder .*\n {2}- gitops\.path: must not contain \. or \.\. segments/,
    ],
    [
      'a record larger than 1 MiB',
      `${files[TREE_RECORD_FILE]}#${'x'.repeat(1 << 20)}\n`,
      /^zero-trust\.yaml: is larger than 1048576 bytes$/,
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(refusal(text)).toMatch(message);
  });

  it('refuses through planUpgrade before reading any file', async () => {
    const readBlob = jest.fn();
    await expect(
      planUpgrade({
        record: tampered(r => (r.files['../x.yaml'] = SHA)),
        path: 'apps/cartservice',
        tree: { ...inMemoryTree(files), readBlob },
      }),
    ).rejects.toThrow(InputError);
    expect(readBlob).not.toHaveBeenCalled();
  });
});
