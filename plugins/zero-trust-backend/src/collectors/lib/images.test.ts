import { obj } from '../../__testUtils__/clusters';
import {
  parseImageRef,
  reportCoversContainer,
  runningContainers,
} from './images';

// The cases of trivy-operator's own `TestParseImageRef` (github.com/aquasecurity/trivy-operator,
// pkg/plugins/trivy/plugin_test.go at tag v0.32.0): image reference → report.registry.server,
// report.artifact.repository and tag. (The digest there comes from Trivy's scan, not the reference,
// except for references that pin one.)
const TRIVY_OPERATOR_CASES: [string, string, string, string | undefined][] = [
  ['nginx:v1.3.4', 'index.docker.io', 'library/nginx', 'v1.3.4'],
  ['library/nginx:v.4.5.6', 'index.docker.io', 'library/nginx', 'v.4.5.6'],
  ['quay.io/centos/centos', 'quay.io', 'centos/centos', 'latest'],
  [
    'docker.io/library/alpine:v2.3.4',
    'index.docker.io',
    'library/alpine',
    'v2.3.4',
  ],
  [
    'my-private-repo.company.com/my-app:1.2.3',
    'my-private-repo.company.com',
    'my-app',
    '1.2.3',
  ],
  [
    'quay.io/prometheus-operator/prometheus-operator:v0.63.0',
    'quay.io',
    'prometheus-operator/prometheus-operator',
    'v0.63.0',
  ],
  [
    'europe-west4-docker.pkg.dev/my-project/my-repo/my-app:1.0.0',
    'europe-west4-docker.pkg.dev',
    'my-project/my-repo/my-app',
    '1.0.0',
  ],
  [
    'quay.io/prometheus-operator/prometheus-operator@sha256:1420cefd4b20014b3361951c22593de6e9a2476bbbadd1759464eab5bfc0d34f',
    'quay.io',
    'prometheus-operator/prometheus-operator',
    undefined,
  ],
  [
    'my-private-repo.company.com/my-app:some-tag@sha256:1420cefd4b20014b3361951c22593de6e9a2476bbbadd1759464eab5bfc0d34f',
    'my-private-repo.company.com',
    'my-app',
    'some-tag',
  ],
];

describe('parseImageRef', () => {
  it.each(TRIVY_OPERATOR_CASES)(
    '%s → %s / %s : %s, as trivy-operator records it',
    (image, registry, repository, tag) => {
      expect(parseImageRef(image)).toMatchObject({
        registry,
        repository,
        tag,
      });
    },
  );

  it('keeps a pinned digest, and a registry with a port or localhost', () => {
    expect(parseImageRef('localhost:5000/app@sha256:1420cefd')).toEqual({
      registry: 'localhost:5000',
      repository: 'app',
      tag: undefined,
      digest: 'sha256:1420cefd',
    });
    expect(parseImageRef('localhost/app')).toMatchObject({
      registry: 'localhost',
      repository: 'app',
      tag: 'latest',
    });
  });

  it('rejects what trivy-operator cannot parse', () => {
    expect(parseImageRef('## some incorrect input ###')).toBeUndefined();
    expect(parseImageRef('')).toBeUndefined();
    expect(parseImageRef('a@b@c')).toBeUndefined();
  });
});

describe('runningContainers and reportCoversContainer', () => {
  const pod = (status: object, spec: object) =>
    obj('v1', 'Pod', 'p', 'shop', { spec, status });

  it('reads the digest the kubelet pulled from containerd and dockershim imageIDs, not a local image ID', () => {
    const [containerd, dockershim, local] = runningContainers(
      pod(
        {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'a',
              imageID: 'docker.io/library/nginx@sha256:aaa',
            },
            { name: 'b', imageID: 'docker-pullable://nginx@sha256:bbb' },
            { name: 'c', imageID: 'sha256:ccc' },
          ],
        },
        {
          containers: [
            { name: 'a', image: 'nginx:1.16' },
            { name: 'b', image: 'nginx:1.16' },
            { name: 'c', image: 'nginx:1.16' },
          ],
        },
      ),
    );
    expect(containerd.digest).toBe('sha256:aaa');
    expect(dockershim.digest).toBe('sha256:bbb');
    expect(local.digest).toBeUndefined();
  });

  it('matches by digest whatever the tag, and by reference when the report has no digest', () => {
    const [c] = runningContainers(
      pod(
        {
          containerStatuses: [
            { name: 'a', imageID: 'docker.io/library/nginx@sha256:aaa' },
          ],
        },
        { containers: [{ name: 'a', image: 'docker.io/nginx:1.16' }] },
      ),
    );
    const base = { registry: 'index.docker.io', repository: 'library/nginx' };
    expect(
      reportCoversContainer({ ...base, tag: 'other', digest: 'sha256:aaa' }, c),
    ).toBe(true);
    expect(reportCoversContainer({ ...base, tag: '1.16' }, c)).toBe(true);
    expect(reportCoversContainer({ ...base, tag: '1.17' }, c)).toBe(false);
    expect(
      reportCoversContainer(
        { ...base, repository: 'library/httpd', tag: '1.16' },
        c,
      ),
    ).toBe(false);
  });

  it('runs nothing in a finished pod, and only native sidecars among init containers', () => {
    expect(
      runningContainers(
        pod({ phase: 'Succeeded' }, { containers: [{ name: 'a' }] }),
      ),
    ).toEqual([]);
    const names = runningContainers(
      pod(
        {},
        {
          containers: [{ name: 'a' }],
          initContainers: [
            { name: 'migrate' },
            { name: 'shipper', restartPolicy: 'Always' },
          ],
        },
      ),
    ).map(c => c.name);
    expect(names).toEqual(['a', 'shipper']);
  });
});
