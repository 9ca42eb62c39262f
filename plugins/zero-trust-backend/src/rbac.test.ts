import fs from 'node:fs';
import path from 'node:path';

// The package's rbac/ folder is the source of the least-privilege manifests and ships in the
// tarball; examples/rbac is the copy the repository's test cluster and demo apply.
const packaged = path.resolve(__dirname, '../rbac');
const example = path.resolve(__dirname, '../../../examples/rbac');

const read = (dir: string) =>
  Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map(name => [name, fs.readFileSync(path.join(dir, name), 'utf8')]),
  );

describe('the RBAC manifests shipped in the package', () => {
  it('are identical to examples/rbac (copy rbac/ over examples/rbac after a change)', () => {
    expect(read(example)).toEqual(read(packaged));
  });

  it('are listed in the files the package publishes', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8'),
    );
    expect(pkg.files).toContain('rbac');
    expect(read(packaged)['kustomization.yaml']).toMatch(/clusterrole\.yaml/);
  });
});
