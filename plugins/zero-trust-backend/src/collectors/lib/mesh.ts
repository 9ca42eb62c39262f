import { MeshDataplane } from '@zero-trust-k8s/plugin-zero-trust-common';
import { ambientEnrollment } from '@zero-trust-k8s/plugin-zero-trust-node';
import { KubeObject } from '../../sources/types';
import { podContainers } from './workloadName';

/**
 * How a pod takes part in the Istio mesh. A sidecar (an `istio-proxy` container, or since Kubernetes
 * 1.29 a native-sidecar init container with `restartPolicy: Always`) wins over ambient, as in Istio.
 * Ambient enrollment is the `istio.io/dataplane-mode=ambient` label on the pod or its namespace;
 * a pod labelled `none` opts out.
 */
export function meshEnrollment(
  pod: KubeObject,
  namespace: KubeObject | undefined,
): { dataplane: MeshDataplane; enrolledBy?: string } {
  const { containers, initContainers } = podContainers(pod);
  if (containers.some(c => c?.name === 'istio-proxy')) {
    return { dataplane: 'sidecar', enrolledBy: 'istio-proxy container' };
  }
  if (
    initContainers.some(
      c => c?.name === 'istio-proxy' && c.restartPolicy === 'Always',
    )
  ) {
    return {
      dataplane: 'sidecar',
      enrolledBy: 'istio-proxy native sidecar (init container)',
    };
  }
  // Label-based enrollment follows the shared Istio rules (plugin-zero-trust-node src/istio).
  const enrolledBy = ambientEnrollment(
    pod.metadata.labels,
    namespace?.metadata.labels,
  );
  if (enrolledBy) return { dataplane: 'ambient', enrolledBy };
  return { dataplane: 'none' };
}
