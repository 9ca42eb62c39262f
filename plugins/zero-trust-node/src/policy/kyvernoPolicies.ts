import {
  ALLOWED_VOLUME_KEYS,
  BASELINE_POLICIES,
  BaselinePolicyName,
  EXCLUDED_NAMESPACES,
  MESH_ROOT_NAMESPACE,
} from './baseline';

/** A Kyverno ClusterPolicy as a plain object, ready for the YAML library. @public */
export interface KyvernoClusterPolicy {
  apiVersion: 'kyverno.io/v1';
  kind: 'ClusterPolicy';
  metadata: { name: string; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

/** Where a rule finds the pod spec: a Pod's own, or a Rollout's template (no Kyverno autogen). */
interface PodLocation {
  kinds: string[];
  nameSuffix: string;
  /** JMESPath of the pod spec in the admission request. */
  expression: string;
  /** Wraps a pattern written for `spec` of a Pod. */
  pattern: (podSpecPattern: unknown) => unknown;
}

const POD: PodLocation = {
  kinds: ['Pod'],
  nameSuffix: '',
  expression: 'request.object.spec',
  pattern: spec => ({ spec }),
};

// Kyverno generates rules for Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and
// ReplicaSets from Pod rules, but not for Argo Rollouts: those get explicit rules.
const ROLLOUT: PodLocation = {
  kinds: ['argoproj.io/v1alpha1/Rollout'],
  nameSuffix: '-rollout',
  expression: 'request.object.spec.template.spec',
  pattern: spec => ({ spec: { template: { spec } } }),
};

const EXCLUDE = {
  any: [{ resources: { namespaces: [...EXCLUDED_NAMESPACES] } }],
};

const NOT_DELETE = {
  all: [
    {
      key: "{{ request.operation || 'BACKGROUND' }}",
      operator: 'NotEquals',
      value: 'DELETE',
    },
  ],
};

type RuleBody = (at: PodLocation) => Record<string, unknown>;

function message(policy: BaselinePolicyName, rule: string): string {
  return (BASELINE_POLICIES[policy].rules as Record<string, string>)[rule];
}

/** The Pod rule and its Rollout twin. */
function podRules(rule: string, body: RuleBody) {
  return [POD, ROLLOUT].map(at => ({
    name: `${rule}${at.nameSuffix}`,
    match: { any: [{ resources: { kinds: at.kinds } }] },
    exclude: EXCLUDE,
    ...body(at),
  }));
}

function validate(
  policy: BaselinePolicyName,
  rule: string,
  check: Record<string, unknown>,
) {
  return {
    validate: {
      failureAction: 'Enforce',
      message: message(policy, rule),
      ...check,
    },
  };
}

const allContainers = (at: PodLocation) =>
  `${at.expression}.[ephemeralContainers, initContainers, containers][]`;

function clusterPolicy(
  name: BaselinePolicyName,
  rules: unknown[],
  extraAnnotations: Record<string, string> = {},
): KyvernoClusterPolicy {
  const p = BASELINE_POLICIES[name];
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      annotations: {
        'policies.kyverno.io/title': p.title,
        'policies.kyverno.io/category': p.category,
        'policies.kyverno.io/severity': p.severity,
        'policies.kyverno.io/subject': 'Pod',
        'policies.kyverno.io/description': p.description,
        ...extraAnnotations,
      },
    },
    // Each rule carries failureAction: Enforce; the policy-wide validationFailureAction is deprecated.
    spec: { background: true, rules },
  };
}

function podSecurityPolicies(): KyvernoClusterPolicy[] {
  const conditional = (inner: Record<string, unknown>) => [
    { '=(securityContext)': inner },
  ];
  return [
    clusterPolicy('disallow-capabilities-strict', [
      ...podRules('require-drop-all', at => ({
        preconditions: NOT_DELETE,
        ...validate('disallow-capabilities-strict', 'require-drop-all', {
          foreach: [
            {
              list: allContainers(at),
              deny: {
                conditions: {
                  all: [
                    {
                      key: 'ALL',
                      operator: 'AnyNotIn',
                      value:
                        "{{ element.securityContext.capabilities.drop || '' }}",
                    },
                  ],
                },
              },
            },
          ],
        }),
      })),
      ...podRules('adding-capabilities-strict', at => ({
        preconditions: NOT_DELETE,
        ...validate(
          'disallow-capabilities-strict',
          'adding-capabilities-strict',
          {
            foreach: [
              {
                list: allContainers(at),
                deny: {
                  conditions: {
                    all: [
                      {
                        key: "{{ element.securityContext.capabilities.add[] || '' }}",
                        operator: 'AnyNotIn',
                        value: ['NET_BIND_SERVICE', ''],
                      },
                    ],
                  },
                },
              },
            ],
          },
        ),
      })),
    ]),
    clusterPolicy(
      'disallow-privilege-escalation',
      podRules('privilege-escalation', at =>
        validate('disallow-privilege-escalation', 'privilege-escalation', {
          pattern: at.pattern({
            '=(ephemeralContainers)': [
              { securityContext: { allowPrivilegeEscalation: 'false' } },
            ],
            '=(initContainers)': [
              { securityContext: { allowPrivilegeEscalation: 'false' } },
            ],
            containers: [
              { securityContext: { allowPrivilegeEscalation: 'false' } },
            ],
          }),
        }),
      ),
    ),
    clusterPolicy(
      'require-run-as-nonroot',
      podRules('run-as-non-root', at =>
        validate('require-run-as-nonroot', 'run-as-non-root', {
          anyPattern: [
            at.pattern({
              securityContext: { runAsNonRoot: true },
              '=(ephemeralContainers)': conditional({
                '=(runAsNonRoot)': true,
              }),
              '=(initContainers)': conditional({ '=(runAsNonRoot)': true }),
              containers: conditional({ '=(runAsNonRoot)': true }),
            }),
            at.pattern({
              '=(ephemeralContainers)': [
                { securityContext: { runAsNonRoot: true } },
              ],
              '=(initContainers)': [
                { securityContext: { runAsNonRoot: true } },
              ],
              containers: [{ securityContext: { runAsNonRoot: true } }],
            }),
          ],
        }),
      ),
    ),
    clusterPolicy(
      'restrict-seccomp-strict',
      podRules('check-seccomp-strict', at => {
        const allowed = 'RuntimeDefault | Localhost';
        const optional = conditional({
          '=(seccompProfile)': { '=(type)': allowed },
        });
        const required = [
          { securityContext: { seccompProfile: { type: allowed } } },
        ];
        return validate('restrict-seccomp-strict', 'check-seccomp-strict', {
          anyPattern: [
            at.pattern({
              securityContext: { seccompProfile: { type: allowed } },
              '=(ephemeralContainers)': optional,
              '=(initContainers)': optional,
              containers: optional,
            }),
            at.pattern({
              '=(ephemeralContainers)': required,
              '=(initContainers)': required,
              containers: required,
            }),
          ],
        });
      }),
    ),
    clusterPolicy(
      'restrict-volume-types',
      podRules('restricted-volumes', at =>
        validate('restrict-volume-types', 'restricted-volumes', {
          deny: {
            conditions: {
              all: [
                {
                  key: `{{ ${at.expression}.volumes[].keys(@)[] || '' }}`,
                  operator: 'AnyNotIn',
                  // '' is what the expression yields for a pod without volumes.
                  value: [...ALLOWED_VOLUME_KEYS, ''],
                },
              ],
            },
          },
        }),
      ),
    ),
  ];
}

function bestPracticePolicies(): KyvernoClusterPolicy[] {
  const eachContainerList = (at: PodLocation, pattern: unknown) =>
    ['containers', 'initContainers', 'ephemeralContainers'].map(list => ({
      list: `${at.expression}.${list}`,
      pattern,
    }));
  return [
    clusterPolicy(
      'require-ro-rootfs',
      podRules('validate-readOnlyRootFilesystem', at =>
        validate('require-ro-rootfs', 'validate-readOnlyRootFilesystem', {
          foreach: [
            {
              list: allContainers(at),
              pattern: { securityContext: { readOnlyRootFilesystem: true } },
            },
          ],
        }),
      ),
    ),
    clusterPolicy('disallow-latest-tag', [
      ...podRules('require-image-tag', at =>
        validate('disallow-latest-tag', 'require-image-tag', {
          foreach: eachContainerList(at, { image: '*:*' }),
        }),
      ),
      ...podRules('validate-image-tag', at =>
        validate('disallow-latest-tag', 'validate-image-tag', {
          foreach: eachContainerList(at, { image: '!*:latest' }),
        }),
      ),
    ]),
  ];
}

// Set-level rules read other objects through the API server, so they are written once for every
// pod-bearing kind, with Kyverno's autogen switched off.
const WORKLOAD_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'argoproj.io/v1alpha1/Rollout',
];

const NO_AUTOGEN = { 'pod-policies.kyverno.io/autogen-controllers': 'none' };

/**
 * The workload's namespace, `app` label and pod labels (the pod template's, a CronJob's job
 * template's, or a Pod's own: what checkManifests matches Istio selectors against), for every kind
 * in WORKLOAD_KINDS.
 */
const WORKLOAD_CONTEXT = [
  {
    name: 'namespace',
    variable: {
      jmesPath:
        "request.namespace || request.object.metadata.namespace || 'default'",
    },
  },
  {
    name: 'app',
    variable: {
      jmesPath:
        "request.object.spec.template.metadata.labels.app || request.object.spec.jobTemplate.spec.template.metadata.labels.app || request.object.metadata.labels.app || ''",
    },
  },
  {
    name: 'podLabels',
    variable: {
      jmesPath:
        'request.object.spec.template.metadata.labels || request.object.spec.jobTemplate.spec.template.metadata.labels || request.object.metadata.labels || `{}`',
    },
  },
];

/**
 * The `items` of an API list call; `[]` when the call fails (a kind whose CRD is not installed,
 * such as the Gateway API's, or that Kyverno may not read).
 */
const list = (name: string, urlPath: string) => ({
  name,
  apiCall: { urlPath, jmesPath: 'items', default: [] },
});

/** A context variable; Kyverno refuses one that evaluates to null, so each has a fallback. */
const variable = (name: string, jmesPath: string) => ({
  name,
  variable: { jmesPath },
});

// JMESPath over Istio objects, mirroring the shared Istio rules (../istio) that checkManifests
// applies. Kyverno's JMESPath has no variables inside a filter, so what a filter compares with (the
// pod labels, the waypoints) is substituted into it as a JSON literal: `{{ podLabels }}` in
// backticks. label_match(selector, labels) is Kyverno's subset test (labels.Instance.SubsetOf).

/** The selector's matchLabels (none: every workload) are all on the pod. */
const SELECTOR_MATCHES =
  'label_match(spec.selector.matchLabels || `{}`, `{{ podLabels }}`)';
const HAS_SELECTOR = 'length(spec.selector.matchLabels || `{}`) > `0`';
const NO_SELECTOR = 'length(spec.selector.matchLabels || `{}`) == `0`';
/** targetRefs, or the deprecated targetRef when targetRefs is empty (GetTargetRefs). */
const TARGET_REFS =
  '(length(spec.targetRefs || `[]`) > `0` && spec.targetRefs || [spec.targetRef])[?@]';
const HAS_TARGET_REFS = `length(${TARGET_REFS}) > \`0\``;
/** Istio's strconv.ParseBool of `istio.io/dry-run`: such a policy is evaluated and logged only. */
const NOT_DRY_RUN =
  "!contains(['1', 't', 'T', 'TRUE', 'true', 'True'], metadata.annotations.\"istio.io/dry-run\" || '')";
/** ALLOW (the default) and DENY decide; AUDIT, CUSTOM and unknown actions do not. */
const ENFORCING = `(spec.action == \`null\` || spec.action == 'ALLOW' || spec.action == 'DENY') && ${NOT_DRY_RUN}`;
/** Oldest first, then by name (sortConfigByCreationTime): the policy Istio picks within a level. */
const OLDEST = "&join('|', [metadata.creationTimestamp || '', metadata.name])";
const MODES = "['STRICT', 'PERMISSIVE', 'DISABLE']";
/** The waypoint a Service's labels name (`none` opts out), else its namespace's. */
const SERVICE_WAYPOINT = `((metadata.labels."istio.io/use-waypoint" == 'none' && 'none') || (metadata.labels."istio.io/use-waypoint" && join('/', [metadata.labels."istio.io/use-waypoint-namespace" || '{{ namespace }}', metadata.labels."istio.io/use-waypoint"])) || '{{ namespaceWaypoint }}')`;

/**
 * The workload as the mesh sees it (waypoint.ts ambientEnrollment): ambient by its pod label, else
 * (unless the pod says `none`) by its namespace's label.
 */
const MESH_WORKLOAD_CONTEXT = [
  list('namespaceList', '/api/v1/namespaces'),
  variable(
    'namespaceLabels',
    "namespaceList[?metadata.name == '{{ namespace }}'] | [0].metadata.labels || `{}`",
  ),
  variable(
    'ambient',
    'podLabels."istio.io/dataplane-mode" == \'ambient\' || (podLabels."istio.io/dataplane-mode" != \'none\' && namespaceLabels."istio.io/dataplane-mode" == \'ambient\')',
  ),
];

/**
 * The effective PeerAuthentication (peerAuthentication.ts effectivePeerAuthentication): the oldest
 * policy of each level (workload: a selector matching the pod, in its namespace; namespace: no
 * selector, in its namespace; mesh: no selector, in the root namespace, whose selector policies
 * Istio ignores); the most specific level that sets a mode wins, UNSET inherits, PERMISSIVE by
 * default. STRICT needs that mode STRICT and no port of the workload policy's portLevelMtls
 * PERMISSIVE or DISABLE, except that ztunnel keeps DISABLE ports STRICT when the workload policy's
 * own mode is UNSET (and no port is PERMISSIVE, which fails anyway).
 */
function peerAuthenticationContext(ns: string) {
  const levels = {
    workloadPeerAuthentication: `peerAuthentications[?${HAS_SELECTOR} && ${SELECTOR_MATCHES}]`,
    namespacePeerAuthentication: `peerAuthentications[?${NO_SELECTOR}]`,
    meshPeerAuthentication: `meshPeerAuthentications[?${NO_SELECTOR}]`,
  };
  return [
    ...MESH_WORKLOAD_CONTEXT,
    list(
      'peerAuthentications',
      `/apis/security.istio.io/v1/namespaces/${ns}/peerauthentications`,
    ),
    list(
      'meshPeerAuthentications',
      `/apis/security.istio.io/v1/namespaces/${MESH_ROOT_NAMESPACE}/peerauthentications`,
    ),
    ...Object.entries(levels).map(([name, candidates]) =>
      variable(name, `sort_by(${candidates}, ${OLDEST})[0] || \`{}\``),
    ),
    variable(
      'mtlsMode',
      `[workloadPeerAuthentication, namespacePeerAuthentication, meshPeerAuthentication][?contains(${MODES}, spec.mtls.mode || '')] | [0].spec.mtls.mode || 'PERMISSIVE'`,
    ),
    variable(
      'disablePortsIgnored',
      `ambient && !contains(${MODES}, workloadPeerAuthentication.spec.mtls.mode || '')`,
    ),
    variable(
      'weakPorts',
      "items(workloadPeerAuthentication.spec.portLevelMtls || `{}`, 'port', 'setting')[?to_number(port) != `null` && (setting.mode == 'PERMISSIVE' || (setting.mode == 'DISABLE' && !`{{ disablePortsIgnored }}`))].port",
    ),
  ];
}

/**
 * The context of the authorization rule: the policies of the workload's namespace and the root
 * namespace, and the waypoints that enforce `targetRefs` (waypoint.ts effectiveWaypoint): the
 * Services of the workload's namespace that select its pods, bound (Service label, else namespace
 * label) to a waypoint whose Gateway exists and takes service traffic.
 */
function authorizationContext(ns: string) {
  return [
    ...MESH_WORKLOAD_CONTEXT,
    list(
      'authorizationPolicies',
      `/apis/security.istio.io/v1/namespaces/${ns}/authorizationpolicies`,
    ),
    list(
      'meshAuthorizationPolicies',
      `/apis/security.istio.io/v1/namespaces/${MESH_ROOT_NAMESPACE}/authorizationpolicies`,
    ),
    list('services', `/api/v1/namespaces/${ns}/services`),
    list('gateways', '/apis/gateway.networking.k8s.io/v1/gateways'),
    variable(
      'namespaceWaypoint',
      `(namespaceLabels."istio.io/use-waypoint" && namespaceLabels."istio.io/use-waypoint" != 'none' && join('/', [namespaceLabels."istio.io/use-waypoint-namespace" || '{{ namespace }}', namespaceLabels."istio.io/use-waypoint"])) || ''`,
    ),
    variable(
      'waypointGateways',
      "gateways[?starts_with(apiVersion, 'gateway.networking.k8s.io/') && contains(['service', 'all'], metadata.labels.\"istio.io/waypoint-for\" || 'service')].join('/', [metadata.namespace, metadata.name])",
    ),
    variable(
      'waypointServices',
      `services[?length(spec.selector || \`{}\`) > \`0\` && label_match(spec.selector, \`{{ podLabels }}\`) && contains(\`{{ waypointGateways }}\`, ${SERVICE_WAYPOINT})].{name: metadata.name, waypoint: ${SERVICE_WAYPOINT}}`,
    ),
  ];
}

/**
 * How a policy with targetRefs reaches an ambient workload (authorizationPolicy.ts
 * waypointAttachment; sidecars and ztunnel ignore such policies): a Service of the workload bound
 * to a waypoint, named by a policy in its namespace (group "" or core); that waypoint's Gateway,
 * named by a policy in the Gateway's namespace; or the istio-waypoint GatewayClass, from the root
 * namespace.
 */
function waypointAttached(policyNamespace: string, root: boolean): string {
  const service =
    "kind == 'Service' && (group == `null` || group == '' || group == 'core') && contains(`{{ waypointServices[].name }}`, name)";
  const gateway = `kind == 'Gateway' && group == 'gateway.networking.k8s.io' && (namespace == \`null\` || namespace == '${policyNamespace}') && contains(\`{{ waypointServices[].waypoint }}\`, join('/', ['${policyNamespace}', name || '']))`;
  const gatewayClass =
    "kind == 'GatewayClass' && group == 'gateway.networking.k8s.io' && name == 'istio-waypoint' && length(`{{ waypointServices }}`) > `0`";
  const refs = root
    ? `(${gateway}) || (${gatewayClass})`
    : `(${service}) || (${gateway})`;
  return `\`{{ ambient }}\` && length(${TARGET_REFS} | [?${refs}]) > \`0\``;
}

/**
 * The enforced AuthorizationPolicies of a namespace that apply to the workload
 * (authorizationPolicy.ts authorizationPolicyScope): without targetRefs, by selector (none: every
 * workload; from the root namespace, in every namespace); with targetRefs, through a waypoint.
 */
function applyingAuthorizationPolicies(
  listName: string,
  policyNamespace: string,
  root: boolean,
): string {
  return `(${listName} || \`[]\`)[?${ENFORCING} && ((!(${HAS_TARGET_REFS}) && ${SELECTOR_MATCHES}) || (${HAS_TARGET_REFS} && ${waypointAttached(
    policyNamespace,
    root,
  )}))]`;
}

function setLevelRule(
  policy: BaselinePolicyName,
  rule: string,
  context: unknown[],
  anyCondition: unknown[],
) {
  return {
    name: rule,
    match: { any: [{ resources: { kinds: WORKLOAD_KINDS } }] },
    exclude: EXCLUDE,
    context: [...WORKLOAD_CONTEXT, ...context],
    preconditions: NOT_DELETE,
    ...validate(policy, rule, { deny: { conditions: { any: anyCondition } } }),
  };
}

function setLevelPolicies(): KyvernoClusterPolicy[] {
  const ns = '{{ namespace }}';
  return [
    clusterPolicy(
      'require-default-deny-networkpolicy',
      [
        setLevelRule(
          'require-default-deny-networkpolicy',
          'default-deny-present',
          [
            list(
              'networkPolicies',
              `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`,
            ),
          ],
          [
            {
              key: "{{ length((networkPolicies || `[]`)[?length(spec.podSelector.matchLabels || `{}`) == `0` && length(spec.podSelector.matchExpressions || `[]`) == `0` && contains(spec.policyTypes || `[]`, 'Ingress') && contains(spec.policyTypes || `[]`, 'Egress') && length(spec.ingress || `[]`) == `0` && length(spec.egress || `[]`) == `0`]) }}",
              operator: 'Equals',
              value: 0,
            },
          ],
        ),
      ],
      NO_AUTOGEN,
    ),
    clusterPolicy(
      'require-mtls-strict',
      [
        setLevelRule(
          'require-mtls-strict',
          'peer-authentication-strict',
          peerAuthenticationContext(ns),
          [
            { key: '{{ mtlsMode }}', operator: 'NotEquals', value: 'STRICT' },
            {
              key: '{{ length(weakPorts) }}',
              operator: 'GreaterThan',
              value: 0,
            },
          ],
        ),
      ],
      NO_AUTOGEN,
    ),
    clusterPolicy(
      'require-authorization-policy',
      [
        setLevelRule(
          'require-authorization-policy',
          'authorization-policy-present',
          authorizationContext(ns),
          [
            {
              key: `{{ add(length(${applyingAuthorizationPolicies(
                'authorizationPolicies',
                ns,
                false,
              )}), length(${applyingAuthorizationPolicies(
                'meshAuthorizationPolicies',
                MESH_ROOT_NAMESPACE,
                true,
              )})) }}`,
              operator: 'Equals',
              value: 0,
            },
          ],
        ),
      ],
      NO_AUTOGEN,
    ),
  ];
}

/** @public */
export interface KyvernoPolicyOptions {
  /**
   * Namespaces every rule skips; defaults to kube-system, istio-system and kyverno, the ones
   * {@link checkManifests} skips. A platform adds its own agents (falco, kube-bench, …).
   */
  excludedNamespaces?: readonly string[];
  /**
   * `Enforce` (default) denies a violating request; `Audit` admits it and reports the violation
   * in Kyverno's PolicyReports: how a platform rolls the baseline out on a running cluster.
   */
  failureAction?: 'Enforce' | 'Audit';
}

/**
 * The baseline as Kyverno ClusterPolicies (Enforce unless asked otherwise), the same rules
 * {@link checkManifests} applies, for the platform template to ship. The pod security policies
 * follow kyverno/policies and rely on Kyverno's autogen for pod controllers, plus explicit rules
 * for Argo Rollouts.
 *
 * @public
 */
export function zeroTrustKyvernoPolicies(
  options: KyvernoPolicyOptions = {},
): KyvernoClusterPolicy[] {
  const policies = [
    ...podSecurityPolicies(),
    ...bestPracticePolicies(),
    ...setLevelPolicies(),
  ];
  const namespaces = options.excludedNamespaces;
  const failureAction = options.failureAction ?? 'Enforce';
  return policies.map(policy => ({
    ...policy,
    spec: {
      ...policy.spec,
      rules: (policy.spec.rules as Record<string, any>[]).map(rule => ({
        ...rule,
        ...(namespaces
          ? {
              exclude: {
                any: [{ resources: { namespaces: [...namespaces] } }],
              },
            }
          : {}),
        ...(rule.validate
          ? { validate: { ...rule.validate, failureAction } }
          : {}),
      })),
    },
  }));
}
