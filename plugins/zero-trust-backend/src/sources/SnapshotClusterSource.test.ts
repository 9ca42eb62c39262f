import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SnapshotClusterSource } from './SnapshotClusterSource';

// eslint-disable-next-line no-restricted-syntax
const demo = path.resolve(
  __dirname,
  '../../../../examples/online-boutique/cluster',
);

describe('SnapshotClusterSource', () => {
  it('reads the Online Boutique snapshot by kind', () => {
    const source = SnapshotClusterSource.fromDirectory('demo', demo);
    expect(source.objects('', 'Pod')).toHaveLength(14);
    expect(
      source.objects('argoproj.io', 'Rollout').map(r => r.metadata.name),
    ).toEqual(['checkoutservice']);
    expect(source.objects('aquasecurity.github.io', 'SbomReport')).toHaveLength(
      11,
    );
    expect(source.objects('cilium.io', 'Nothing')).toEqual([]);
    expect(source.health()).toMatchObject({
      name: 'demo',
      source: 'snapshot',
      healthy: true,
      errors: [],
    });
  });

  it('flattens kubectl List output and reports malformed documents without throwing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-snapshot-'));
    fs.writeFileSync(
      path.join(dir, 'list.yaml'),
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: x}\n',
    );
    fs.writeFileSync(
      path.join(dir, 'bad.yaml'),
      'just: a map\n---\nkey: [unclosed\n',
    );
    const source = SnapshotClusterSource.fromDirectory('s', dir);
    expect(source.objects('', 'Pod').map(p => p.metadata.name)).toEqual(['a']);
    expect(source.health().healthy).toBe(false);
    expect(source.health().errors).toHaveLength(2);
  });
});
