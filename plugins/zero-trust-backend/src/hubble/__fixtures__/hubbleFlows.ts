// Flows in Hubble's own JSON shape (GetFlowsResponse as protojson with proto field names, the
// output of `hubble observe -o jsonpb` and of Hubble's flow exporter), each copied from Cilium's
// repository at github.com/cilium/cilium@v1.18.6 (Go module), with its place named.

/** Documentation/observability/hubble/configuration/export.rst, exporter output, line 1. */
export const exportDocsIpv6Drop =
  '{"flow":{"time":"2023-08-21T12:12:13.517394084Z","verdict":"DROPPED","IP":{"source":"fe80::64d8:8aff:fe72:fc14","destination":"ff02::2","ipVersion":"IPv6"},"l4":{"ICMPv6":{"type":133}},"source":{},"destination":{},"node_name":"kind-kind/kind-worker","drop_reason_desc":"INVALID_SOURCE_IP"},"node_name":"kind-kind/kind-worker","time":"2023-08-21T12:12:13.517394084Z"}';

/** Documentation/observability/hubble/configuration/export.rst, exporter output, line 2. */
export const exportDocsXwingDenied =
  '{"flow":{"time":"2023-08-21T12:12:18.510175415Z","verdict":"DROPPED","IP":{"source":"10.244.1.60","destination":"10.244.1.5","ipVersion":"IPv4"},"l4":{"TCP":{"source_port":44916,"destination_port":80,"flags":{"SYN":true}}},"source":{"namespace":"default","pod_name":"xwing"},"destination":{"namespace":"default","pod_name":"deathstar-7848d6c4d5-th9v2"},"node_name":"kind-kind/kind-worker","drop_reason_desc":"POLICY_DENIED"},"node_name":"kind-kind/kind-worker","time":"2023-08-21T12:12:18.510175415Z"}';

/**
 * hubble/pkg/printer/printer_test.go, test case "jsonpb": the expected output of
 * `hubble observe -o jsonpb` for its flow `f` (identities only, no pods).
 */
export const printerJsonpbDrop =
  '{"flow":{"time":"1970-01-01T00:20:34.567800Z",' +
  '"verdict":"DROPPED",' +
  '"IP":{"source":"1.1.1.1","destination":"2.2.2.2"},' +
  '"l4":{"TCP":{"source_port":31793,"destination_port":8080}},' +
  '"source":{"identity":4},"destination":{"identity":12345},' +
  '"Type":"L3_L4","node_name":"k8s1",' +
  '"event_type":{"type":1,"sub_type":133},' +
  '"is_reply":false,"Summary":"TCP Flags: SYN"}}';

/**
 * pkg/hubble/metrics/api/registry_test.go, `flow1` and `flow2` of TestRegister (Go literals
 * of flowpb.Flow; written here as protojson: EventType MessageTypeAccessLog = 129, an L7 HTTP
 * record, verdict FORWARDED). Cilium's repository has no allowed flow between pods as JSON.
 */
export const registryTestForwarded = [
  '{"flow":{"verdict":"FORWARDED","source":{"namespace":"foo","pod_name":"foo-123","workloads":[{"name":"worker"}]},"destination":{"namespace":"bar","pod_name":"bar-123","workloads":[{"name":"api"}]},"l7":{"http":{}},"event_type":{"type":129}}}',
  '{"flow":{"verdict":"FORWARDED","source":{"namespace":"abc","pod_name":"abc-456","workloads":[{"name":"worker"}]},"destination":{"namespace":"bar","pod_name":"bar-123","workloads":[{"name":"api"}]},"l7":{"http":{}},"event_type":{"type":129}}}',
];

/** The flow of a recorded line. */
export const flowOf = (line: string) => JSON.parse(line).flow;
