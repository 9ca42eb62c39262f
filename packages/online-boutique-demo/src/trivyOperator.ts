import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { KubernetesObject } from '@kubernetes/client-node';

/**
 * Trivy Operator's reports of a running ReplicaSet, for the Trivy findings in `scans/`.
 *
 * Trivy Operator's module is not served by the Go module proxy here, so it cannot run in the test
 * cluster. Its reports are wrapped as its code writes them, at github.com/aquasecurity/trivy-operator
 * v0.32.0 (commit 1006872c1463e81a40d48298145625aefef2a02f):
 * - one report per container of the owning workload, the ReplicaSet of a Deployment's pods
 *   (pkg/kube/object.go `GetActiveReplicaSetForDeployment`), named `<kind>-<name>-<container>` in
 *   lower case (pkg/vulnerabilityreport/builder.go `reportName`, pkg/kube `ComputeSpecHash` aside);
 * - labels `trivy-operator.resource.{kind,name,namespace}` and `trivy-operator.container.name`
 *   (pkg/trivyoperator/constants.go), owned by the ReplicaSet with `controller: true` and
 *   `blockOwnerDeletion: false` (builder.go `controllerutil.SetControllerReference`), as in the
 *   samples of docs/docs/crds/vulnerability-report.md and sbom-report.md.
 * Left out: the `resource-spec-hash` label (a hash of the Go pod spec struct nobody reads here).
 */
export interface ImageScan {
  image: string;
  container: string;
  sbom: Record<string, unknown>;
  vulnerabilities: Record<string, unknown>;
}

export function loadScans(dir: string): ImageScan[] {
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => yaml.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

interface ReplicaSetLike extends KubernetesObject {
  spec?: {
    template?: { spec?: { containers?: { name: string; image?: string }[] } };
  };
}

type Report = KubernetesObject & { report: Record<string, unknown> };

export function trivyReports(
  replicaSet: ReplicaSetLike,
  scans: ImageScan[],
): Report[] {
  const { name, namespace, uid } = replicaSet.metadata!;
  const containers = replicaSet.spec?.template?.spec?.containers ?? [];
  return containers.flatMap((container): Report[] => {
    const scan = scans.find(
      s => s.image === container.image && s.container === container.name,
    );
    if (!scan) {
      return []; // an image Trivy has not scanned (yet): no report
    }
    const metadata = {
      name: `replicaset-${name}-${container.name}`.toLowerCase(),
      namespace,
      labels: {
        'trivy-operator.resource.kind': 'ReplicaSet',
        'trivy-operator.resource.name': name!,
        'trivy-operator.resource.namespace': namespace!,
        'trivy-operator.container.name': container.name,
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: name!,
          uid: uid!,
          controller: true,
          blockOwnerDeletion: false,
        },
      ],
    };
    const apiVersion = 'aquasecurity.github.io/v1alpha1';
    return [
      { apiVersion, kind: 'SbomReport', metadata, report: scan.sbom },
      {
        apiVersion,
        kind: 'VulnerabilityReport',
        metadata,
        report: scan.vulnerabilities,
      },
    ];
  });
}
