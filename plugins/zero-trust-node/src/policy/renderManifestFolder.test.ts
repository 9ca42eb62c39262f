import fs from 'fs';
import os from 'os';
import path from 'path';
import YAML from 'yaml';
import {
  renderManifestFiles,
  renderManifestFolder,
} from './renderManifestFolder';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 1,
    template: {
      spec: { containers: [{ name: 'web', image: 'registry.test/web:1.0' }] },
    },
  },
};

describe('renderManifestFolder', () => {
  let dir: string;
  const write = (file: string, value: unknown) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(
      path.join(dir, file),
      typeof value === 'string' ? value : YAML.stringify(value),
    );
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-render-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a folder without kustomization as plain documents, including Lists', () => {
    write(
      'a.yaml',
      `${YAML.stringify(deployment)}---\n${YAML.stringify({
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }],
      })}`,
    );
    write('notes.txt', 'not yaml: [');
    const builds = renderManifestFolder(dir);
    expect(builds).toHaveLength(1);
    expect(builds[0].root).toBe('.');
    expect(builds[0].objects.map(o => o.kind)).toEqual([
      'Deployment',
      'Service',
    ]);
  });

  it('renders every overlay with images, replicas, namespace and JSON6902 patches', () => {
    write('base/deployment.yaml', deployment);
    write('base/kustomization.yaml', { resources: ['deployment.yaml'] });
    write('overlays/prod/kustomization.yaml', {
      resources: ['../../base'],
      namespace: 'shop',
      images: [{ name: 'registry.test/web', newTag: '2.0' }],
      replicas: [{ name: 'web', count: 3 }],
      patches: [
        {
          target: { kind: 'Deployment', name: 'web' },
          patch: YAML.stringify([
            {
              op: 'add',
              path: '/spec/template/spec/containers/0/args',
              value: ['--x'],
            },
          ]),
        },
      ],
    });
    write('overlays/dev/kustomization.yaml', { resources: ['../../base'] });
    const builds = renderManifestFolder(dir);
    expect(builds.map(b => b.root)).toEqual(['overlays/dev', 'overlays/prod']);
    const prod = builds[1].objects[0] as any;
    expect(prod.metadata.namespace).toBe('shop');
    expect(prod.spec.replicas).toBe(3);
    expect(prod.spec.template.spec.containers[0]).toEqual({
      name: 'web',
      image: 'registry.test/web:2.0',
      args: ['--x'],
    });
    // Overlays render independently: dev still has the base's values.
    expect((builds[0].objects[0] as any).spec.replicas).toBe(1);
  });

  it.each([
    [
      'a resource outside the folder',
      { resources: ['../../etc/passwd'] },
      /is outside the validated folder/,
    ],
    [
      'a remote base',
      { resources: ['https://example.test/repo//base?ref=main'] },
      /remote resource .* cannot be validated offline/,
    ],
    [
      'a generator it cannot render',
      { configMapGenerator: [{ name: 'x' }] },
      /uses "configMapGenerator", which this validator cannot render/,
    ],
    [
      'a strategic merge patch',
      { resources: [], patches: [{ patch: YAML.stringify(deployment) }] },
      /only JSON6902 patches/,
    ],
    [
      'a missing resource',
      { resources: ['missing.yaml'] },
      /"missing.yaml" does not exist/,
    ],
  ])('refuses %s with a clear error', (_what, kustomization, message) => {
    write('kustomization.yaml', kustomization);
    expect(() => renderManifestFolder(dir)).toThrow(message);
  });

  it('refuses a kustomization cycle', () => {
    write('a/kustomization.yaml', { resources: ['../b'] });
    write('b/kustomization.yaml', { resources: ['../a'] });
    write('kustomization.yaml', { resources: ['a'] });
    expect(() => renderManifestFolder(dir)).toThrow(/kustomization cycle/);
  });

  it('refuses symbolic links, which could point anywhere', () => {
    fs.symlinkSync('/etc/hostname', path.join(dir, 'host.yaml'));
    expect(() => renderManifestFolder(dir)).toThrow(/is a symbolic link/);
  });

  it('names the file and document of malformed YAML', () => {
    write('bad.yaml', `${YAML.stringify(deployment)}---\nkind: [unclosed\n`);
    expect(() => renderManifestFolder(dir)).toThrow(
      /bad.yaml: document 2 is not valid YAML/,
    );
    write('bad.yaml', '- just\n- a list\n');
    expect(() => renderManifestFolder(dir)).toThrow(
      /bad.yaml: document 1 is not a Kubernetes object/,
    );
  });

  it('renders an in-memory tree exactly as the same files on disk', () => {
    const files: Record<string, string> = {
      'base/deployment.yaml': YAML.stringify(deployment),
      'base/kustomization.yaml': YAML.stringify({
        resources: ['deployment.yaml'],
      }),
      'overlays/prod/kustomization.yaml': YAML.stringify({
        resources: ['../../base/', 'extra.yaml'],
        images: [
          { name: 'registry.test/web', digest: `sha256:${'a'.repeat(64)}` },
        ],
        patches: [
          {
            path: 'patch.yaml',
            target: { kind: 'Deployment', name: 'web' },
          },
        ],
      }),
      'overlays/prod/patch.yaml': YAML.stringify([
        { op: 'replace', path: '/spec/replicas', value: 3 },
      ]),
      'overlays/prod/extra.yaml': YAML.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'extra' },
      }),
      'notes/README.md': '# not a manifest',
    };
    for (const [file, text] of Object.entries(files)) {
      write(file, text);
    }
    const builds = renderManifestFiles(files);
    expect(builds).toEqual(renderManifestFolder(dir));
    expect(builds.map(b => b.root)).toEqual(['overlays/prod']);
    expect(builds[0].objects.map(o => o.kind)).toEqual([
      'Deployment',
      'ConfigMap',
    ]);
    expect((builds[0].objects[0] as any).spec.replicas).toBe(3);
  });

  it.each([
    ['../../../outside.yaml', /is outside the validated folder/],
    ['/etc/passwd', /is outside the validated folder/],
    ['base/../../../../x', /is outside the validated folder/],
    ['nope', /"nope" does not exist/],
  ])('refuses the in-memory resource %p', (resource, message) => {
    expect(() =>
      renderManifestFiles({
        'overlays/dev/kustomization.yaml': YAML.stringify({
          resources: [resource],
        }),
      }),
    ).toThrow(message);
  });

  it('refuses a path that is not a folder', () => {
    expect(() => renderManifestFolder(path.join(dir, 'nope'))).toThrow(
      /is not a folder/,
    );
  });
});
