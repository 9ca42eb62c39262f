import { KubernetesObject } from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { EXAMPLE_DIR } from './paths';

/**
 * The ClusterPolicyReport the kube-bench adapter writes, as the adapter's own sample has it
 * (examples/online-boutique/scans/cluster/kube-bench.clusterpolicyreport.yaml names the source):
 * the test cluster has no nodes for kube-bench to inspect. The server assigns the identity fields.
 */
export function kubeBenchReport(): KubernetesObject {
  const report = yaml.parse(
    fs.readFileSync(
      path.join(
        EXAMPLE_DIR,
        'scans/cluster/kube-bench.clusterpolicyreport.yaml',
      ),
      'utf8',
    ),
  );
  const { name, annotations } = report.metadata;
  return { ...report, metadata: { name, annotations } };
}
