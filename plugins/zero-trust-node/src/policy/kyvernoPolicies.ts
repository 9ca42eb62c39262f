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

/** The workload's namespace and `app` label, for every kind in WORKLOAD_KINDS. */
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
];

const list = (name: string, urlPath: string) => ({
  name,
  apiCall: { urlPath, jmesPath: 'items' },
});

// JMESPath filters, mirroring namespaceChecks.ts.
const NAMESPACE_WIDE =
  'length(spec.selector.matchLabels || `{}`) == `0` && spec.targetRef == `null` && spec.targetRefs == `null`';
const SELECTS_APP = `(${NAMESPACE_WIDE} || spec.selector.matchLabels.app == '{{ app }}')`;
const TARGETS_SERVICE =
  "(length((spec.targetRefs || `[]`)[?kind == 'Service' && name == '{{ app }}']) > `0` || (spec.targetRef.kind == 'Service' && spec.targetRef.name == '{{ app }}'))";
const ENFORCING = "spec.action != 'AUDIT' && spec.action != 'CUSTOM'";

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
          [
            list(
              'peerAuthentications',
              `/apis/security.istio.io/v1/namespaces/${ns}/peerauthentications`,
            ),
            list(
              'meshPeerAuthentications',
              `/apis/security.istio.io/v1/namespaces/${MESH_ROOT_NAMESPACE}/peerauthentications`,
            ),
          ],
          [
            {
              key: `{{ add(length((peerAuthentications || \`[]\`)[?${SELECTS_APP} && spec.mtls.mode == 'STRICT']), length((meshPeerAuthentications || \`[]\`)[?${NAMESPACE_WIDE} && spec.mtls.mode == 'STRICT'])) }}`,
              operator: 'Equals',
              value: 0,
            },
            {
              key: `{{ length((peerAuthentications || \`[]\`)[?${SELECTS_APP} && (spec.mtls.mode == 'PERMISSIVE' || spec.mtls.mode == 'DISABLE')]) }}`,
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
          [
            list(
              'authorizationPolicies',
              `/apis/security.istio.io/v1/namespaces/${ns}/authorizationpolicies`,
            ),
            list(
              'meshAuthorizationPolicies',
              `/apis/security.istio.io/v1/namespaces/${MESH_ROOT_NAMESPACE}/authorizationpolicies`,
            ),
          ],
          [
            {
              key: `{{ add(length((authorizationPolicies || \`[]\`)[?${ENFORCING} && (${SELECTS_APP} || ${TARGETS_SERVICE})]), length((meshAuthorizationPolicies || \`[]\`)[?${ENFORCING} && ${NAMESPACE_WIDE}])) }}`,
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
}

/**
 * The baseline as Kyverno ClusterPolicies (Enforce), the same rules {@link checkManifests}
 * applies, for the platform template to ship. The pod security policies follow kyverno/policies
 * and rely on Kyverno's autogen for pod controllers, plus explicit rules for Argo Rollouts.
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
  if (!namespaces) {
    return policies;
  }
  const exclude = { any: [{ resources: { namespaces: [...namespaces] } }] };
  return policies.map(policy => ({
    ...policy,
    spec: {
      ...policy.spec,
      rules: (policy.spec.rules as Record<string, unknown>[]).map(rule => ({
        ...rule,
        exclude,
      })),
    },
  }));
}
