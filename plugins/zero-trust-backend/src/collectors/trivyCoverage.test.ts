// SBOM and vulnerability coverage per running image, on reports as trivy-operator writes them
// (__fixtures__/upstream/trivy-operator, each file naming its source). The Deployments, ReplicaSets
// and Pods around them are ours, shaped as the Kubernetes controllers write them.
import { contextFor, obj } from '../__testUtils__/clusters';
import { KubeObject } from '../sources/types';
import { loadOne } from './__fixtures__/upstream/load';
import { collectSbom } from './sbom';
import { collectVulnerabilities } from './vulnerabilities';

const nginxReport = () =>
  loadOne('trivy-operator/vulnerabilityreport-nginx.yaml');
const corednsReport = () =>
  loadOne('trivy-operator/vulnerabilityreport-coredns.yaml');
const apiserverSbom = () =>
  loadOne('trivy-operator/sbomreport-kube-apiserver.yaml');

/** A ReplicaSet of a Deployment and one running pod of it, with the image the kubelet pulled. */
function replicaSet(
  deployment: KubeObject,
  name: string,
  uid: string,
  container: string,
  image: string,
  imageID: string | undefined,
  replicas = 1,
): KubeObject[] {
  const ns = deployment.metadata.namespace!;
  const labels = {
    ...deployment.metadata.labels!,
    'pod-template-hash': name.split('-').pop()!,
  };
  const rs = obj(
    'apps/v1',
    'ReplicaSet',
    name,
    ns,
    {
      spec: {
        replicas,
        template: { spec: { containers: [{ name: container, image }] } },
      },
    },
    {
      uid,
      labels,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment.metadata.name,
          uid: deployment.metadata.uid,
          controller: true,
        },
      ],
    },
  );
  const pods = Array.from({ length: replicas }, (_, i) =>
    obj(
      'v1',
      'Pod',
      `${name}-pod${i}`,
      ns,
      {
        spec: { containers: [{ name: container, image }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: container,
              image,
              ready: true,
              ...(imageID ? { imageID } : {}),
            },
          ],
        },
      },
      {
        uid: `uid-${name}-pod${i}`,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name,
            uid,
            controller: true,
          },
        ],
      },
    ),
  );
  return [rs, ...pods];
}

const nginxDeployment = obj(
  'apps/v1',
  'Deployment',
  'nginx',
  'default',
  {},
  {
    labels: { app: 'nginx' },
  },
);
// The ReplicaSet the docs' report is about (its owner reference uid), running nginx:1.16.
const stable = (replicas = 1) =>
  replicaSet(
    nginxDeployment,
    'nginx-6d4cf56db6',
    'aa345200-cf24-443a-8f11-ddb438ff8659',
    'nginx',
    'nginx:1.16',
    'docker.io/library/nginx@sha256:d2925188effb4ddca9f14f162d6fba9b5fab232028aa07ae5c1dab764dca8f9f',
    replicas,
  );
// A canary ReplicaSet of the same Deployment, running a new image trivy-operator has not scanned.
const canary = replicaSet(
  nginxDeployment,
  'nginx-7c5ddbdf54',
  'uid-rs-canary',
  'nginx',
  'nginx:1.17',
  'docker.io/library/nginx@sha256:0d71ff22db29a08ac7399d1b35b0311c5b0cbe68d878993718275758811f652a',
);

const vulns = (objects: KubeObject[], selector = 'app=nginx') =>
  collectVulnerabilities(contextFor(objects, { selector }));

describe('vulnerability coverage per running image (trivy-operator reports)', () => {
  it("counts the docs' VulnerabilityReport for the image its ReplicaSet runs", () => {
    const r = vulns([nginxDeployment, ...stable(), nginxReport()]);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('2 critical (1 fixable): at least critical fails.');
    expect(r.details!.images).toEqual([
      expect.objectContaining({
        report: 'replicaset-nginx-6d4cf56db6-nginx',
        container: 'nginx',
        image: 'index.docker.io/library/nginx:1.16',
      }),
    ]);
    expect(r.details!.unscanned).toBeUndefined();
  });

  it('names the canary ReplicaSet image no report covers', () => {
    const r = vulns([nginxDeployment, ...stable(), ...canary, nginxReport()]);
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/Not scanned: nginx \(nginx:1\.17\)\.$/);
    expect(r.details!.unscanned).toEqual([
      {
        cluster: 'test',
        namespace: 'default',
        workload: 'Deployment/nginx',
        container: 'nginx',
        image: 'nginx:1.17',
      },
    ]);
  });

  it('does not count the report of an image no pod runs any more (the stable ReplicaSet scaled down)', () => {
    const r = vulns([nginxDeployment, ...stable(0), ...canary, nginxReport()]);
    expect(r.status).toBe('warn');
    expect(r.summary).toBe(
      'No VulnerabilityReport for the images this workload runs: they were not scanned. Not scanned: nginx (nginx:1.17).',
    );
    expect(r.details!.counts.critical).toBe(0);
    expect(r.details!.top).toEqual([]);
    expect(r.notes).toEqual([
      'VulnerabilityReport default/replicaset-nginx-6d4cf56db6-nginx is for index.docker.io/library/nginx:1.16, which no pod of this workload runs: not counted.',
    ]);
  });

  it('trusts the summary of a report that lists fewer findings than it counts (trivy-operator envtest fixture)', () => {
    const deployment = obj(
      'apps/v1',
      'Deployment',
      'coredns',
      'kube-system',
      {},
      {
        labels: { 'k8s-app': 'kube-dns' },
      },
    );
    const r = vulns(
      [
        deployment,
        ...replicaSet(
          deployment,
          'coredns-558bd4d5db',
          '1136b574-9f3f-49af-adaf-ba35d78ea57b',
          'coredns',
          'k8s.gcr.io/coredns/coredns:v1.8.0',
          undefined,
        ),
        corednsReport(),
      ],
      'k8s-app=kube-dns',
    );
    expect(r.status).toBe('warn');
    expect(r.details!.counts).toEqual({
      critical: 0,
      high: 12,
      medium: 6,
      low: 0,
      unknown: 9,
    });
  });
});

// The static Pod the docs' SbomReport is about.
const apiserverPod = (image: string, imageID?: string) =>
  obj(
    'v1',
    'Pod',
    'kube-apiserver-kind-control-plane',
    'kube-system',
    {
      spec: { containers: [{ name: 'kube-apiserver', image }] },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'kube-apiserver', image, ...(imageID ? { imageID } : {}) },
        ],
      },
    },
    {
      uid: '732b4aa7-91f8-40a3-8b21-9627a98a910b',
      labels: { component: 'kube-apiserver', tier: 'control-plane' },
    },
  );
const sbom = (objects: KubeObject[]) =>
  collectSbom(contextFor(objects, { selector: 'component=kube-apiserver' }));
// The digest trivy-operator writes into report.artifact.digest (`ParseImageRef`, from Trivy's
// RepoDigests): the BOM of the docs' report records it as aquasecurity:trivy:RepoDigest.
const REPO_DIGEST =
  'sha256:53a13cd1588391888c5a8ac4cef13d3ee6d229cd904038936731af7131d193a9';

describe('SBOM coverage per running image (trivy-operator reports)', () => {
  it("passes on the docs' SbomReport for the image the pod runs", () => {
    const r = sbom([
      apiserverPod('k8s.gcr.io/kube-apiserver:v1.21.1'),
      apiserverSbom(),
    ]);
    expect(r.status).toBe('pass');
    expect(r.details!.images[0]).toMatchObject({
      image: 'k8s.gcr.io/kube-apiserver:v1.21.1',
      format: 'CycloneDX 1.4',
      tools: ['trivy'],
      components: 4,
    });
  });

  it('does not cover the same container name running another image', () => {
    const r = sbom([
      apiserverPod('k8s.gcr.io/kube-apiserver:v1.22.0'),
      apiserverSbom(),
    ]);
    expect(r.status).toBe('warn');
    expect(r.details!.missing).toEqual([
      expect.objectContaining({
        container: 'kube-apiserver',
        image: 'k8s.gcr.io/kube-apiserver:v1.22.0',
      }),
    ]);
  });

  it('covers by digest an image pulled under another name, and not a different digest', () => {
    const report = apiserverSbom();
    (report.report as any).artifact.digest = REPO_DIGEST;
    const moved = 'registry.k8s.io/kube-apiserver:v1.21.1';
    expect(
      sbom([
        apiserverPod(moved, `registry.k8s.io/kube-apiserver@${REPO_DIGEST}`),
        report,
      ]).status,
    ).toBe('pass');
    expect(
      sbom([
        apiserverPod(moved, 'registry.k8s.io/kube-apiserver@sha256:0000'),
        report,
      ]).status,
    ).toBe('warn');
  });

  it('covers a canary only once its own ReplicaSet has a report', () => {
    const bom = (rsName: string, rsUid: string, tag: string) =>
      obj(
        'aquasecurity.github.io/v1alpha1',
        'SbomReport',
        `replicaset-${rsName}-nginx`,
        'default',
        {
          report: {
            registry: { server: 'index.docker.io' },
            artifact: { repository: 'library/nginx', tag },
            components: {
              bomFormat: 'CycloneDX',
              specVersion: '1.5',
              components: [{ type: 'library', name: 'openssl' }],
            },
          },
        },
        {
          labels: {
            'trivy-operator.container.name': 'nginx',
            'trivy-operator.resource.kind': 'ReplicaSet',
            'trivy-operator.resource.name': rsName,
            'trivy-operator.resource.namespace': 'default',
          },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: rsName,
              uid: rsUid,
              controller: true,
            },
          ],
        },
      );
    const objects = [
      nginxDeployment,
      ...stable(),
      ...canary,
      bom('nginx-6d4cf56db6', 'aa345200-cf24-443a-8f11-ddb438ff8659', '1.16'),
    ];
    const before = collectSbom(contextFor(objects, { selector: 'app=nginx' }));
    expect(before.status).toBe('warn');
    expect(before.summary).toBe(
      'No SBOM for the image of container(s) nginx (nginx:1.17); 1 of 2 running containers covered.',
    );
    const after = collectSbom(
      contextFor(
        [...objects, bom('nginx-7c5ddbdf54', 'uid-rs-canary', '1.17')],
        { selector: 'app=nginx' },
      ),
    );
    expect(after.status).toBe('pass');
  });
});
