import { obj } from './clusters';

/** Trivy's labels tying a report to the ReplicaSet `<app>-abc` and one container. */
export const trivyLabels = (app: string, container = 'server') => ({
  'trivy-operator.resource.kind': 'ReplicaSet',
  'trivy-operator.resource.name': `${app}-abc`,
  'trivy-operator.resource.namespace': 'shop',
  'trivy-operator.container.name': container,
});

// The image `deploymentChain` runs (`<app>:1`), as trivy-operator records it.
const artifact = (app: string) => ({
  registry: { server: 'index.docker.io' },
  artifact: { repository: `library/${app}`, tag: '1', digest: 'sha256:abc' },
  scanner: { name: 'Trivy', version: '0.58.2' },
  updateTimestamp: '2026-01-01T00:00:00Z',
});

/** A Trivy SbomReport with a CycloneDX BOM of these components. */
export const sbomReport = (
  app: string,
  components: object[],
  container = 'server',
) =>
  obj(
    'aquasecurity.github.io/v1alpha1',
    'SbomReport',
    `replicaset-${app}-abc-${container}`,
    'shop',
    {
      report: {
        ...artifact(app),
        components: { bomFormat: 'CycloneDX', specVersion: '1.5', components },
      },
    },
    { labels: trivyLabels(app, container) },
  );

/** A Trivy VulnerabilityReport with these findings. */
export const vulnerabilityReport = (app: string, vulnerabilities: object[]) =>
  obj(
    'aquasecurity.github.io/v1alpha1',
    'VulnerabilityReport',
    `replicaset-${app}-abc-server`,
    'shop',
    { report: { ...artifact(app), vulnerabilities } },
    { labels: trivyLabels(app) },
  );
