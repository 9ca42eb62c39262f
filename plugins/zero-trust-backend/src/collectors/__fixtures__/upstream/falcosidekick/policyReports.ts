// PolicyReports exactly as falcosidekick's PolicyReport output writes them.
//
// Source: github.com/falcosecurity/falcosidekick, outputs/policyreport.go at tag 2.34.1
// (unchanged in these lines up to commit 41ce85824d2ce3cea997ad0d32b6cb72a3646a30):
// - report names and label: lines 31-33 (`falco-policy-report`, `falco-cluster-policy-report`),
//   80-102 (`app.kubernetes.io/managed-by: falcosidekick`, no scope);
// - one result per event: `newResult`, lines 176-194 (policy = event source, rule = rule name,
//   category `SI - System and Information Integrity`, source `Falco`, timestamp.seconds =
//   `Time.Second()`, message = Falco's output line, properties = output fields as strings,
//   resources = `getSubjects`, lines 358-373);
// - namespace: `getNamespace`, lines 375-384 (namespaced report when `k8s.ns.name` or
//   `ka.target.namespace` is set, else the ClusterPolicyReport);
// - summary: `getSummary`, lines 315-332; result: `mapResult`, lines 334-342 (Notice and below
//   skip, Warning warn, else fail); severity: `mapSeverity`, lines 344-356 (Informational and below
//   info, Notice low, Warning medium, Error high, else critical).
// handlers.go at the same tag: `newFalcoPayload` sets an empty event source to `syscalls`, and only
// events of the sources syscall, syscalls and k8saudit go to the PolicyReport output.
// JSON field names: sigs.k8s.io/wg-policy-prototypes v0.0.0-20240327135653-0fc2ddc5d3e3,
// policy-report/pkg/api/wgpolicyk8s.io/v1alpha2/policyreport_types.go (Description → `message`,
// Subjects → `resources`).
//
// The Falco events are rules of github.com/falcosecurity/rules, rules/falco_rules.yaml and
// rules/falco-sandbox_rules.yaml at commit c72713ee2e6330195979124de4f656546ad1e0fd ("Terminal
// shell in container" NOTICE, "Read sensitive file untrusted" WARNING, "Write below binary dir"
// ERROR, "Drop and execute new binary in container" CRITICAL), with the container and Kubernetes
// fields Falco appends to the output fields. Pod and node names are ours.

const managedBy = { 'app.kubernetes.io/managed-by': 'falcosidekick' };

const podOutputFields = (pod: string, namespace: string) => ({
  'container.id': '3f2a9c1d7b4e',
  'container.name': 'server',
  'k8s.ns.name': namespace,
  'k8s.pod.name': pod,
});

/** The result falcosidekick writes for a syscall event in a pod. */
export function falcosidekickPodResult(
  pod: string,
  namespace: string,
  event: {
    rule: string;
    priority:
      | 'Debug'
      | 'Informational'
      | 'Notice'
      | 'Warning'
      | 'Error'
      | 'Critical'
      | 'Alert'
      | 'Emergency';
    severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
    result: 'skip' | 'warn' | 'fail';
    output: string;
    fields?: Record<string, string>;
  },
) {
  return {
    policy: 'syscall',
    rule: event.rule,
    category: 'SI - System and Information Integrity',
    source: 'Falco',
    // `Time.Second()` of 2026-01-01T09:00:12.123456789Z: the second of the minute.
    timestamp: { seconds: 12, nanos: 123456789 },
    severity: event.severity,
    result: event.result,
    message: `09:00:12.123456789: ${event.priority} ${event.output}`,
    properties: {
      ...event.fields,
      ...podOutputFields(pod, namespace),
    },
    resources: [{ namespace, name: pod, kind: 'Pod', apiVersion: 'v1' }],
  };
}

export const terminalShell = (pod: string, namespace: string) =>
  falcosidekickPodResult(pod, namespace, {
    rule: 'Terminal shell in container',
    priority: 'Notice',
    severity: 'low',
    result: 'skip',
    output:
      'A shell was spawned in a container with an attached terminal | evt_type=execve user=root user_uid=0 user_loginuid=-1 process=sh proc_exepath=/bin/busybox parent=runc command=sh terminal=34816 exe_flags=EXE_WRITABLE container_id=3f2a9c1d7b4e container_name=server',
    fields: {
      'evt.type': 'execve',
      'user.name': 'root',
      'user.uid': '0',
      'proc.name': 'sh',
      'proc.pname': 'runc',
      'proc.cmdline': 'sh',
      'proc.tty': '34816',
    },
  });

export const readSensitiveFile = (pod: string, namespace: string) =>
  falcosidekickPodResult(pod, namespace, {
    rule: 'Read sensitive file untrusted',
    priority: 'Warning',
    severity: 'medium',
    result: 'warn',
    output:
      'Sensitive file opened for reading by non-trusted program | file=/etc/shadow gparent=runc ggparent=<NA> gggparent=<NA> evt_type=openat user=root user_uid=0 user_loginuid=-1 process=cat proc_exepath=/bin/cat parent=sh command=cat /etc/shadow terminal=34816',
    fields: {
      'fd.name': '/etc/shadow',
      'evt.type': 'openat',
      'proc.name': 'cat',
      'proc.cmdline': 'cat /etc/shadow',
    },
  });

export const writeBelowBinaryDir = (pod: string, namespace: string) =>
  falcosidekickPodResult(pod, namespace, {
    rule: 'Write below binary dir',
    priority: 'Error',
    severity: 'high',
    result: 'fail',
    output:
      'File below a known binary directory opened for writing | file=/bin/hack pcmdline=sh gparent=runc evt_type=openat user=root user_uid=0 user_loginuid=-1 process=touch proc_exepath=/bin/touch parent=sh command=touch /bin/hack terminal=34816',
    fields: {
      'fd.name': '/bin/hack',
      'evt.type': 'openat',
      'proc.name': 'touch',
      'proc.cmdline': 'touch /bin/hack',
    },
  });

export const dropAndExecute = (pod: string, namespace: string) =>
  falcosidekickPodResult(pod, namespace, {
    rule: 'Drop and execute new binary in container',
    priority: 'Critical',
    severity: 'critical',
    result: 'fail',
    output:
      'Executing binary not part of base image | proc_exe=/tmp/x proc_sname=sh gparent=runc evt_type=execve user=root user_uid=0 user_loginuid=-1 process=x proc_exepath=/tmp/x parent=sh command=x terminal=0 exe_flags=EXE_UPPER_LAYER',
    fields: { 'proc.exe': '/tmp/x', 'evt.type': 'execve', 'proc.name': 'x' },
  });

/** `getSummary`: counts of the results by `result`. */
function summaryOf(results: { result: string }[]) {
  const count = (r: string) => results.filter(x => x.result === r).length;
  return {
    pass: count('pass'),
    fail: count('fail'),
    warn: count('warn'),
    error: count('error'),
    skip: count('skip'),
  };
}

/** The namespaced report falcosidekick keeps per namespace (`createOrUpdatePolicyReport`). */
export function falcoPolicyReport(
  namespace: string,
  results: { result: string }[],
) {
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: 'PolicyReport',
    metadata: {
      name: 'falco-policy-report',
      namespace,
      labels: managedBy,
      uid: `uid-falco-policy-report-${namespace}`,
      resourceVersion: '7',
    },
    summary: summaryOf(results),
    results,
  };
}

/**
 * The ClusterPolicyReport (`createOrUpdateClusterPolicyReport`): events without a namespace, such
 * as this one from the falcosidekick README's test event (README.md, "Usage"), which has no
 * Kubernetes fields.
 */
export const falcoClusterPolicyReport = {
  apiVersion: 'wgpolicyk8s.io/v1alpha2',
  kind: 'ClusterPolicyReport',
  metadata: {
    name: 'falco-cluster-policy-report',
    labels: managedBy,
    uid: 'uid-falco-cluster-policy-report',
    resourceVersion: '3',
  },
  summary: { pass: 0, fail: 1, warn: 0, error: 0, skip: 0 },
  results: [
    {
      policy: 'syscalls',
      rule: 'Write below binary dir',
      category: 'SI - System and Information Integrity',
      source: 'Falco',
      timestamp: { seconds: 56, nanos: 746609046 },
      severity: 'high',
      result: 'fail',
      message:
        '16:31:56.746609046: Error File below a known binary directory opened for writing (user=root command=touch /bin/hack file=/bin/hack)',
      properties: {
        'evt.time': '1507591916746609046',
        'fd.name': '/bin/hack',
        'proc.cmdline': 'touch /bin/hack',
        'user.name': 'root',
      },
    },
  ],
};
