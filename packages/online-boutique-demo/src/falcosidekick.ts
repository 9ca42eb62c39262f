import { KubernetesObject, V1Pod } from '@kubernetes/client-node';

/**
 * The PolicyReport falcosidekick's PolicyReport output writes for one Falco event in a pod.
 *
 * falcosidekick's module is not served by the Go module proxy here, so it cannot run in the test
 * cluster; the report follows its code, github.com/falcosecurity/falcosidekick outputs/policyreport.go
 * at tag 2.34.1:
 * - one PolicyReport `falco-policy-report` in the event's namespace (lines 31-33), labelled
 *   `app.kubernetes.io/managed-by: falcosidekick`, without a scope (lines 80-102);
 * - per event a result (`newResult`, lines 176-194): policy = the event source, rule, category
 *   `SI - System and Information Integrity`, source `Falco`, `timestamp.seconds` = the second of the
 *   minute (`Time.Second()`), message = Falco's output line, properties = the output fields as
 *   strings, resources = the pod (`getSubjects`, lines 358-373);
 * - result (`mapResult`, lines 334-342: Notice and below skip, Warning warn, else fail) and
 *   severity (`mapSeverity`, lines 344-356: Notice low, Warning medium, Error high, else critical);
 * - summary counts of the results (`getSummary`, lines 315-332).
 * The event is Falco's rule "Read sensitive file untrusted" (priority WARNING) of
 * github.com/falcosecurity/rules rules/falco_rules.yaml, with the fields Falco appends.
 */
export function falcoReadSensitiveFile(
  pod: V1Pod,
  at: Date,
): KubernetesObject & Record<string, unknown> {
  const namespace = pod.metadata!.namespace!;
  const name = pod.metadata!.name!;
  const container = pod.spec!.containers[0].name;
  const time = at.toISOString().replace('Z', '000000Z').slice(11);
  const fields: Record<string, string> = {
    'container.id': '3f2a9c1d7b4e',
    'container.name': container,
    'evt.type': 'openat',
    'fd.name': '/etc/shadow',
    'k8s.ns.name': namespace,
    'k8s.pod.name': name,
    'proc.cmdline': 'cat /etc/shadow',
    'proc.name': 'cat',
    'user.name': 'root',
  };
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: {
      name: 'falco-policy-report',
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'falcosidekick' },
    },
    summary: { pass: 0, fail: 0, warn: 1, error: 0, skip: 0 },
    results: [
      {
        policy: 'syscall',
        rule: 'Read sensitive file untrusted',
        category: 'SI - System and Information Integrity',
        source: 'Falco',
        timestamp: { seconds: at.getUTCSeconds(), nanos: 0 },
        severity: 'medium',
        result: 'warn',
        message: `${time}: Warning Sensitive file opened for reading by non-trusted program (file=/etc/shadow gparent=<NA> ggparent=<NA> gggparent=<NA> evt_type=openat user=root user_uid=0 user_loginuid=-1 process=cat proc_exepath=/usr/bin/cat parent=sh command=cat /etc/shadow terminal=34816 container_id=3f2a9c1d7b4e container_name=${container})`,
        properties: fields,
        resources: [{ apiVersion: 'v1', kind: 'Pod', namespace, name }],
      },
    ],
  };
}
