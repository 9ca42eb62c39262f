import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SnapshotClusterSource } from './SnapshotClusterSource';
import { ingestNote } from './prepareForCache';

// eslint-disable-next-line no-restricted-syntax
const demo = path.resolve(
  __dirname,
  '../../../../examples/online-boutique/cluster',
);

describe('SnapshotClusterSource', () => {
  it('reads the Online Boutique snapshot by kind', () => {
    const source = SnapshotClusterSource.fromDirectory('demo', demo);
    expect(source.objects('', 'Pod')).toHaveLength(16);
    expect(
      source.objects('argoproj.io', 'Rollout').map(r => r.metadata.name),
    ).toEqual(['checkoutservice']);
    expect(source.objects('aquasecurity.github.io', 'SbomReport')).toHaveLength(
      11,
    );
    expect(source.objects('cilium.io', 'Nothing')).toEqual([]);
    expect(source.objects('', 'Pod', 'loadgenerator')).toHaveLength(1);
    // Only watched kinds are kept: an AnalysisTemplate or a ClusterSecretStore is not evidence we read.
    expect(source.objects('argoproj.io', 'AnalysisTemplate')).toEqual([]);
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

  it('reports a document whose aliases expand too far as an error, and reads the rest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-snapshot-'));
    const tens = (ref: string) => `[${Array(10).fill(ref).join(', ')}]`;
    fs.writeFileSync(
      path.join(dir, 'aliases.yaml'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: laughs, namespace: x}',
        `a: &a ${tens('lol')}`,
        `b: &b ${tens('*a')}`,
        `c: &c ${tens('*b')}`,
        `d: ${tens('*c')}`,
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: a, namespace: x}',
        '',
      ].join('\n'),
    );
    const source = SnapshotClusterSource.fromDirectory('s', dir);
    expect(source.objects('', 'Pod').map(p => p.metadata.name)).toEqual(['a']);
    expect(source.health().errors).toEqual([
      expect.stringMatching(/^aliases\.yaml: .*alias/i),
    ]);
  });

  const write = (files: Record<string, string>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-snapshot-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };

  it('never keeps Secrets, and reads nested folders', () => {
    const dir = write({
      'a/b/secret.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: x}\ndata: {k: dmFsdWU=}\n',
      'a/sa.yml':
        'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: x}\n',
    });
    const source = SnapshotClusterSource.fromDirectory('s', dir);
    expect(source.objects('', 'Secret')).toEqual([]);
    expect(source.objects('', 'ServiceAccount')).toHaveLength(1);
  });

  it('without CRDs in the snapshot every kind is synced; with CRDs a missing one is not installed', () => {
    const without = SnapshotClusterSource.fromDirectory(
      's',
      write({ 'x.yaml': '' }),
    );
    expect(without.kindStatus('argoproj.io', 'Rollout').state).toBe('synced');

    const withCrds = SnapshotClusterSource.fromDirectory(
      's',
      write({
        'crds.yaml': [
          'apiVersion: v1',
          'kind: List',
          'items:',
          '- apiVersion: apiextensions.k8s.io/v1',
          '  kind: CustomResourceDefinition',
          '  metadata: {name: peerauthentications.security.istio.io}',
        ].join('\n'),
      }),
    );
    expect(
      withCrds.kindStatus('security.istio.io', 'PeerAuthentication').state,
    ).toBe('synced');
    expect(withCrds.kindStatus('argoproj.io', 'Rollout').state).toBe(
      'not-installed',
    );
    expect(withCrds.kindStatus('', 'Pod').state).toBe('synced');
    expect(
      withCrds.health().kinds!.find(k => k.kind === 'Rollout'),
    ).toMatchObject({ state: 'not-installed', count: 0 });
  });

  it('truncates an oversized SbomReport to the configured limit and notes it', () => {
    const components = Array.from(
      { length: 50 },
      (_, i) => `    - {type: library, name: p${i}}`,
    );
    const dir = write({
      'sbom.yaml': [
        'apiVersion: aquasecurity.github.io/v1alpha1',
        'kind: SbomReport',
        'metadata: {name: big, namespace: x}',
        'report:',
        '  components:',
        '    bomFormat: CycloneDX',
        '    components:',
        ...components,
      ].join('\n'),
    });
    const source = SnapshotClusterSource.fromDirectory('s', dir, {
      limits: { maxSbomComponents: 10 },
    });
    const [report] = source.objects('aquasecurity.github.io', 'SbomReport');
    expect((report.report as any).components.components).toHaveLength(10);
    expect(ingestNote(report)).toEqual({
      sbomComponents: { kept: 10, total: 50 },
    });
  });

  it('reports a missing folder as an error', () => {
    const source = SnapshotClusterSource.fromDirectory('s', '/nonexistent/zt');
    expect(source.health()).toMatchObject({
      healthy: false,
      errors: [expect.stringMatching(/cannot read/)],
    });
  });
});
