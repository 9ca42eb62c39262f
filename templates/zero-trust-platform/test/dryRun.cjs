/*
 * Dry-runs the zero-trust-platform template on a real scaffolder backend for each secret store
 * provider and platform, checks the rendered stack, and writes each one to
 * <out>/<case>/security-stack so test/run.sh can server-side apply them into a real API server.
 *
 * Usage: node --require @backstage/cli/config/nodeTransform.cjs test/dryRun.cjs <out>
 */
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const yaml = require('yaml');
const {
  startDryRunBackend,
  dryRun,
  expectRefused,
  runDryRunTest,
  writeWorkspace,
} = require('../../test-lib/dryRun.cjs');

const TEMPLATE_DIR = path.resolve(__dirname, '..');
const OUT = path.resolve(process.argv[2] ?? path.join(TEMPLATE_DIR, '.work'));

const KNOWN_ACTIONS = new Set([
  'fetch:template',
  'zerotrust:policies:kyverno',
  'zerotrust:gitops:pull-request',
]);

// The engine's baseline, written by zerotrust:policies:kyverno.
const POLICIES = [
  'disallow-capabilities-strict',
  'disallow-privilege-escalation',
  'require-run-as-nonroot',
  'restrict-seccomp-strict',
  'restrict-volume-types',
  'require-ro-rootfs',
  'disallow-latest-tag',
  'require-default-deny-networkpolicy',
  'require-mtls-strict',
  'require-authorization-policy',
];
const ALWAYS_EXCLUDED = [
  'kube-system',
  'istio-system',
  'kyverno',
  'falco',
  'kube-bench',
];

const base = {
  clusterName: 'prod-eu1',
  clusterPlatform: 'generic',
  gitopsRepoUrl: 'github.com?owner=acme-shop&repo=gitops',
  gitopsRevision: 'main',
  argocdNamespace: 'argocd',
  manageCilium: true,
  additionalExcludedNamespaces: [],
  imageVerification: {
    enabled: true,
    branch: 'main',
    workflow: '.github/workflows/ci.yaml',
    services: [
      {
        repository: 'acme-shop/cartservice',
        image: 'ghcr.io/acme-shop/cartservice',
      },
    ],
  },
};

const CASES = [
  {
    id: 'gcpsm-gke',
    values: {
      clusterPlatform: 'gke',
      secretStoreProvider: 'gcpsm',
      gcpProjectId: 'acme-shop-prod',
      esoGcpServiceAccount:
        'external-secrets@acme-shop-prod.iam.gserviceaccount.com',
    },
  },
  {
    id: 'aws-eks',
    values: {
      clusterPlatform: 'eks',
      secretStoreProvider: 'aws',
      awsRegion: 'eu-west-1',
      esoAwsRoleArn: 'arn:aws:iam::123456789012:role/external-secrets',
      manageCilium: false,
      imageVerification: {
        enabled: false,
        branch: 'main',
        workflow: '.github/workflows/ci.yaml',
        services: [],
      },
    },
  },
  {
    id: 'vault-generic',
    values: {
      secretStoreProvider: 'vault',
      vaultServer: 'https://vault.acme.example:8200',
      vaultPath: 'secret',
      vaultRole: 'external-secrets',
      vaultAuthMount: 'kubernetes',
      gitopsRevision: 'release/2026-11',
      argocdNamespace: 'gitops-system',
      additionalExcludedNamespaces: ['legacy-batch'],
      // Dots, regex metacharacters the input patterns allow, must not widen the identity.
      imageVerification: {
        enabled: true,
        branch: 'release/2026.11',
        workflow: '.github/workflows/build.image.yml',
        services: [
          {
            repository: 'acme-shop/cart.service',
            image: 'ghcr.io/acme-shop/cart.service',
          },
          {
            repository: 'acme-io/payments.api',
            image: 'ghcr.io/acme-io/payments.api',
          },
        ],
      },
    },
  },
];

const HOSTILE = [
  ['cluster name with a slash', { clusterName: '../../etc' }],
  ['cluster name with YAML', { clusterName: 'a\nkind: Secret' }],
  ['revision with ..', { gitopsRevision: 'main/../../x' }],
  [
    'vault over http',
    {
      secretStoreProvider: 'vault',
      vaultServer: 'http://vault:8200',
      vaultPath: 'secret',
      vaultRole: 'r',
    },
  ],
  [
    'gcpsm without a project',
    { secretStoreProvider: 'gcpsm', gcpProjectId: undefined },
  ],
  [
    'excluded namespace that is not a name',
    { additionalExcludedNamespaces: ['*'] },
  ],
  ['unknown platform', { clusterPlatform: 'openshift' }],
  [
    'image verification of a repository that is not owner/name',
    {
      imageVerification: {
        ...base.imageVerification,
        services: [{ repository: 'acme/../x', image: 'ghcr.io/acme/x' }],
      },
    },
  ],
  [
    'image verification of a repository with regex syntax',
    {
      imageVerification: {
        ...base.imageVerification,
        services: [{ repository: 'acme/(x|.*)', image: 'ghcr.io/acme/x' }],
      },
    },
  ],
  [
    'image verification of a branch with a wildcard',
    { imageVerification: { ...base.imageVerification, branch: 'release-*' } },
  ],
  [
    'image verification of an image with a tag',
    {
      imageVerification: {
        ...base.imageVerification,
        services: [{ repository: 'acme/x', image: 'ghcr.io/acme/x:1' }],
      },
    },
  ],
];

function staticChecks() {
  const text = fs.readFileSync(
    path.join(TEMPLATE_DIR, 'template.yaml'),
    'utf8',
  );
  const template = yaml.parse(text);
  assert.equal(template.apiVersion, 'scaffolder.backstage.io/v1beta3');
  assert.equal(template.metadata.name, 'zero-trust-platform');
  assert.equal(template.spec.owner, 'group:default/platform-security');
  for (const step of template.spec.steps) {
    assert.ok(KNOWN_ACTIONS.has(step.action), `unknown action ${step.action}`);
  }
  assert.deepEqual(
    template.spec.steps.map(s => s.action),
    [
      'fetch:template',
      'zerotrust:policies:kyverno',
      'zerotrust:gitops:pull-request',
    ],
  );
  for (const page of template.spec.parameters) {
    for (const [k, v] of Object.entries(page.properties)) {
      if (v.type === 'string')
        assert.ok(v.pattern || v.enum, `${k} unconstrained`);
      if (v.type === 'array')
        assert.ok(v.items.pattern, `${k} items unconstrained`);
    }
  }
  assert.doesNotMatch(text, /:latest\b/);
}

/** Every manifest of a rendered stack: [relative file, object]. */
function manifests(dir) {
  const out = [];
  const walk = rel => {
    for (const e of fs.readdirSync(path.join(dir, rel), {
      withFileTypes: true,
    })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) {
        const text = fs.readFileSync(path.join(dir, p), 'utf8');
        assert.doesNotMatch(text, /\$\{\{|\{%/, `${p}: template syntax left`);
        for (const doc of yaml.parseAllDocuments(text)) {
          assert.deepEqual(doc.errors, [], `${p}: YAML errors`);
          const obj = doc.toJSON();
          if (obj) out.push([p, obj]);
        }
      }
    }
  };
  walk('');
  return out;
}

const SEMVER = /^\d+\.\d+\.\d+$/;

function checkStack(caseId, values, dir) {
  const objs = manifests(dir);
  const byKind = kind => objs.filter(([, o]) => o.kind === kind);
  const repoURL = 'https://github.com/acme-shop/gitops.git';
  const basePath = `clusters/${values.clusterName}/security-stack`;

  // Argo CD: the app of apps and its children; every source pins its revision.
  const apps = byKind('Application');
  const root = apps.find(([, o]) => o.metadata.name === 'security-stack');
  assert.ok(root, `${caseId}: no security-stack Application`);
  assert.equal(root[0], 'security-stack.yaml');
  assert.equal(root[1].spec.source.path, `${basePath}/apps`);
  for (const [file, app] of apps) {
    assert.equal(app.metadata.namespace, values.argocdNamespace, file);
    const src = app.spec.source;
    assert.ok(src && !app.spec.sources, `${file}: one source`);
    assert.ok(src.targetRevision, `${file}: no targetRevision`);
    assert.notEqual(src.targetRevision, 'HEAD', file);
    assert.doesNotMatch(
      String(src.targetRevision),
      /latest|\*|\^|~|\.x\b/i,
      file,
    );
    if (src.chart) {
      assert.match(
        String(src.targetRevision),
        SEMVER,
        `${file}: chart not pinned`,
      );
    } else {
      assert.equal(src.repoURL, repoURL, file);
      assert.equal(src.targetRevision, values.gitopsRevision, file);
      assert.ok(
        src.path.startsWith(`${basePath}`),
        `${file}: path ${src.path}`,
      );
      assert.ok(
        fs.existsSync(path.join(dir, src.path.slice(basePath.length + 1))),
        `${file}: ${src.path} missing`,
      );
    }
    assert.deepEqual(
      app.spec.syncPolicy.automated,
      { prune: true, selfHeal: true },
      file,
    );
    if (app !== root[1]) assert.equal(app.spec.project, 'security-stack', file);
  }
  const charts = apps
    .filter(([, o]) => o.spec.source.chart)
    .map(([, o]) => o.spec.source.chart)
    .sort();
  const expectedCharts = [
    'base',
    'cni',
    'external-secrets',
    'falco',
    'istiod',
    'kyverno',
    'ztunnel',
  ];
  if (values.manageCilium) expectedCharts.push('cilium');
  assert.deepEqual(charts, expectedCharts.sort(), `${caseId}: charts`);
  const project = byKind('AppProject')[0][1];
  for (const [, app] of apps) {
    if (app.spec.project === 'security-stack') {
      assert.ok(
        project.spec.sourceRepos.includes(app.spec.source.repoURL),
        `${app.metadata.name}: source not in project`,
      );
    }
  }

  // No image or chart floats.
  for (const [file, o] of objs) {
    // The disallow-latest-tag policy names the tag it refuses.
    const s = JSON.stringify(o).replaceAll('"!*:latest"', '');
    assert.doesNotMatch(s, /:latest"/, `${file}: latest`);
  }

  // Image provenance: verify-image-provenance, in Enforce, keyless by each service's workflow.
  const verify = byKind('ClusterPolicy')
    .map(([, o]) => o)
    .filter(p => p.metadata.name === 'verify-image-provenance');
  if (values.imageVerification.enabled) {
    checkImageVerification(caseId, values, verify);
  } else {
    assert.deepEqual(verify, [], `${caseId}: image verification is off`);
  }

  // Kyverno: the baseline's policies, every rule in Enforce, platform namespaces excluded.
  const policies = byKind('ClusterPolicy')
    .map(([, o]) => o)
    .filter(p => p.metadata.name !== 'verify-image-provenance');
  assert.deepEqual(
    policies.map(p => p.metadata.name).sort(),
    [...POLICIES].sort(),
  );
  for (const p of policies) {
    assert.ok(
      !('validationFailureAction' in p.spec),
      `${p.metadata.name}: use the rule-level failureAction`,
    );
    for (const rule of p.spec.rules) {
      assert.equal(
        rule.validate.failureAction,
        'Enforce',
        `${p.metadata.name}/${rule.name}`,
      );
      const excluded = rule.exclude.any.flatMap(a => a.resources.namespaces);
      for (const ns of [
        ...ALWAYS_EXCLUDED,
        ...values.additionalExcludedNamespaces,
      ]) {
        assert.ok(
          excluded.includes(ns),
          `${p.metadata.name}/${rule.name} does not exclude ${ns}`,
        );
      }
    }
  }

  // Istio: STRICT and deny-by-default in the root namespace.
  const pa = byKind('PeerAuthentication')[0][1];
  assert.equal(pa.metadata.namespace, 'istio-system');
  assert.equal(pa.spec.mtls.mode, 'STRICT');
  const az = byKind('AuthorizationPolicy')[0][1];
  assert.equal(az.metadata.namespace, 'istio-system');
  assert.deepEqual(az.spec, {});
  const istiod = apps.find(([, o]) => o.spec.source.chart === 'istiod')[1];
  assert.equal(istiod.spec.source.helm.valuesObject.profile, 'ambient');
  const cni = apps.find(([, o]) => o.spec.source.chart === 'cni')[1];
  assert.equal(cni.spec.source.helm.valuesObject.profile, 'ambient');
  if (values.clusterPlatform === 'gke') {
    assert.equal(cni.spec.source.helm.valuesObject.global.platform, 'gke');
  }

  // Cilium: default deny both ways, Hubble on.
  const ccnps = byKind('CiliumClusterwideNetworkPolicy').map(([, o]) => o);
  const deny = ccnps.find(o => o.metadata.name === 'zero-trust-default-deny');
  assert.deepEqual(deny.spec.enableDefaultDeny, {
    ingress: true,
    egress: true,
  });
  assert.ok(!deny.spec.ingress, 'default deny must not allow ingress');
  assert.ok(
    deny.spec.endpointSelector.matchExpressions[0].values.includes(
      values.argocdNamespace,
    ),
  );
  if (values.manageCilium) {
    const cilium = apps.find(([, o]) => o.spec.source.chart === 'cilium')[1];
    const v = cilium.spec.source.helm.valuesObject;
    assert.equal(v.hubble.enabled, true);
    assert.equal(v.hubble.relay.enabled, true);
  }

  // Falco: falcosidekick with the PolicyReport output.
  const falco = apps.find(([, o]) => o.spec.source.chart === 'falco')[1];
  const fv = falco.spec.source.helm.valuesObject;
  assert.equal(fv.falcosidekick.enabled, true);
  assert.equal(fv.falcosidekick.config.policyreport.enabled, true);

  // External Secrets: the store for the chosen provider.
  const store = byKind('ClusterSecretStore')[0][1];
  assert.equal(store.metadata.name, 'cluster-secret-store');
  assert.deepEqual(Object.keys(store.spec.provider), [
    values.secretStoreProvider,
  ]);

  // kube-bench: the adapter's CronJob, and the kube-bench Job it creates (configmap.yaml),
  // each restricted where it can be.
  const cron = byKind('CronJob')[0][1];
  const adapterPod = cron.spec.jobTemplate.spec.template.spec;
  const adapter = adapterPod.containers[0];
  assert.match(
    adapter.image,
    /^ghcr\.io\/nirmata\/kube-bench-adapter:v\d+\.\d+\.\d+$/,
  );
  assert.equal(adapterPod.serviceAccountName, 'kube-bench-adapter');
  assert.equal(adapterPod.securityContext.runAsNonRoot, true);
  assert.equal(adapterPod.hostPID, undefined);
  assert.ok(
    adapter.args.includes('-custom-job-file=/etc/kube-bench-adapter/job.yaml'),
  );
  const configMap = byKind('ConfigMap')
    .map(([, o]) => o)
    .find(o => o.metadata.name === 'kube-bench-job');
  const job = yaml.parse(configMap.data['job.yaml']);
  assert.equal(job.kind, 'Job');
  const pod = job.spec.template.spec;
  const c = pod.containers[0];
  const image = adapter.args.find(a => a.startsWith('-kube-bench-image='));
  assert.match(image, /:v\d+\.\d+\.\d+$/);
  assert.equal(`-kube-bench-image=${c.image}`, image);
  for (const sc of [c.securityContext, adapter.securityContext]) {
    assert.equal(sc.privileged, false);
    assert.equal(sc.allowPrivilegeEscalation, false);
    assert.equal(sc.readOnlyRootFilesystem, true);
    assert.deepEqual(sc.capabilities.drop, ['ALL']);
  }
  assert.equal(pod.automountServiceAccountToken, false);
  assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
  for (const v of pod.volumes.filter(v => v.hostPath)) {
    const mount = c.volumeMounts.find(m => m.name === v.name);
    assert.equal(mount.readOnly, true, `${v.name} must be read-only`);
  }
  // The adapter may write the ClusterPolicyReport and handle its Job, nothing else.
  const roles = [...byKind('Role'), ...byKind('ClusterRole')]
    .map(([, o]) => o)
    .filter(o => o.metadata.name === 'kube-bench-adapter');
  const resources = roles.flatMap(r => r.rules.flatMap(x => x.resources));
  assert.deepEqual([...new Set(resources)].sort(), [
    'clusterpolicyreports',
    'jobs',
    'pods',
    'pods/log',
  ]);
  // A missed run is skipped after its deadline, not started days later.
  assert.ok(
    cron.spec.startingDeadlineSeconds > 0,
    'no startingDeadlineSeconds',
  );
  // Its namespace denies everything, both ways, with no allow rule; only the adapter may reach
  // the API server.
  const benchPolicies = byKind('NetworkPolicy')
    .map(([, o]) => o)
    .filter(o => o.metadata.namespace === 'kube-bench');
  assert.deepEqual(
    benchPolicies.map(o => o.spec),
    [{ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }],
    'kube-bench needs a default-deny NetworkPolicy without exceptions',
  );
  const benchCilium = byKind('CiliumNetworkPolicy')
    .map(([, o]) => o)
    .filter(o => o.metadata.namespace === 'kube-bench');
  assert.deepEqual(
    benchCilium.map(o => o.spec),
    [
      {
        endpointSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'kube-bench-adapter' },
        },
        egress: [{ toEntities: ['kube-apiserver'] }],
      },
    ],
  );
}

/** The generated verify-image-provenance policy: one Enforce entry per service, pinned to it. */
function checkImageVerification(caseId, values, policies) {
  assert.equal(policies.length, 1, `${caseId}: verify-image-provenance`);
  const [rule] = policies[0].spec.rules;
  const excluded = rule.exclude.any.flatMap(a => a.resources.namespaces);
  for (const ns of [
    ...ALWAYS_EXCLUDED,
    ...values.additionalExcludedNamespaces,
  ]) {
    assert.ok(
      excluded.includes(ns),
      `verify-image-provenance does not exclude ${ns}`,
    );
  }
  const { branch, workflow, services } = values.imageVerification;
  assert.equal(rule.verifyImages.length, services.length);
  services.forEach((service, i) => {
    const entry = rule.verifyImages[i];
    const subjectRegExp =
      entry.attestors[0]?.entries[0]?.keyless?.subjectRegExp ?? '';
    const identity = {
      issuer: 'https://token.actions.githubusercontent.com',
      subjectRegExp,
      rekor: { url: 'https://rekor.sigstore.dev' },
    };
    checkSubjectRegExp(subjectRegExp, service.repository, workflow, branch);
    assert.equal(entry.failureAction, 'Enforce');
    assert.deepEqual(entry.imageReferences, [
      `${service.image}:*`,
      `${service.image}@*`,
    ]);
    assert.deepEqual(entry.attestors, [{ entries: [{ keyless: identity }] }]);
    assert.deepEqual(
      entry.attestations.map(a => a.type),
      ['https://cyclonedx.org/bom', 'https://slsa.dev/provenance/v0.2'],
    );
    for (const a of entry.attestations) {
      assert.deepEqual(a.attestors, [{ entries: [{ keyless: identity }] }]);
    }
    // The source the service template's CI writes into the provenance.
    // The source the service template's CI writes into the provenance: the branch, or a v* tag
    // (Kyverno's Equals matches the value as a wildcard).
    const source = `git+https://github.com/${service.repository}`;
    assert.deepEqual(entry.attestations[1].conditions, [
      {
        any: [
          {
            key: '{{ invocation.configSource.uri }}',
            operator: 'Equals',
            value: `${source}@refs/heads/${branch}`,
          },
          {
            key: '{{ invocation.configSource.uri }}',
            operator: 'Equals',
            value: `${source}@refs/tags/v*`,
          },
        ],
      },
    ]);
  });
}

/**
 * The keyless identity admits the service's workflow at the branch and at v* tags (the refs the
 * service template's CI signs on), and nothing else: anchored, with the repository, workflow and
 * branch escaped. Kyverno compiles it with Go's regexp (RE2); the constructs used here (^ $ (?:|)
 * [^/] and backslash escapes of punctuation) mean the same in JavaScript's RegExp.
 */
function checkSubjectRegExp(subjectRegExp, repository, workflow, branch) {
  const re = new RegExp(subjectRegExp);
  const at = ref => `https://github.com/${repository}/${workflow}@${ref}`;
  for (const ok of [
    at(`refs/heads/${branch}`),
    at('refs/tags/v1.2.3'),
    at('refs/tags/v0.1.0-rc.1'),
  ]) {
    assert.ok(re.test(ok), `${subjectRegExp} refuses ${ok}`);
  }
  // Each dot of each part changed, one at a time: a dot left unescaped would admit it.
  const dotsSwapped = part =>
    [...part.matchAll(/\./g)].map(
      m => `${part.slice(0, m.index)}X${part.slice(m.index + 1)}`,
    );
  const [owner, name] = repository.split('/');
  for (const bad of [
    at(`refs/heads/${branch}-x`),
    at(`refs/heads/x${branch}`),
    at('refs/tags/1.2.3'),
    at('refs/tags/v1/evil'),
    at(`refs/pull/1/merge`),
    `https://evil.example/?${at(`refs/heads/${branch}`)}`,
    `${at(`refs/heads/${branch}`)}\n`,
    `https://github.com/${owner}/${name}-fork/${workflow}@refs/heads/${branch}`,
    `https://github.com/${owner}x/${name}/${workflow}@refs/heads/${branch}`,
    `https://github.com/${repository}/${workflow}.bak@refs/heads/${branch}`,
    `https://githubXcom/${repository}/${workflow}@refs/heads/${branch}`,
    ...[repository, workflow, branch].flatMap(part =>
      dotsSwapped(part).map(changed =>
        at(`refs/heads/${branch}`).replace(part, changed),
      ),
    ),
  ]) {
    assert.ok(!re.test(bad), `${subjectRegExp} admits ${bad}`);
  }
}

async function main() {
  staticChecks();
  console.log('static checks passed');
  const { backend } = await startDryRunBackend();
  let failures = 0;
  try {
    for (const c of CASES) {
      const values = { ...base, ...c.values };
      const { status, body } = await dryRun(backend, TEMPLATE_DIR, values);
      try {
        assert.equal(
          status,
          200,
          `dry-run failed: ${JSON.stringify(body).slice(0, 3000)}`,
        );
        assert.deepEqual(
          body.log.filter(l => l.body.status === 'failed'),
          [],
        );
        const dir = path.join(OUT, c.id);
        writeWorkspace(body, dir);
        checkStack(c.id, values, path.join(dir, 'security-stack'));
        assert.ok(body.output.links[0].url, 'no pull request link');
        console.log(
          `ok   dry-run ${c.id} -> ${path.join(dir, 'security-stack')}`,
        );
      } catch (e) {
        failures++;
        console.log(`FAIL dry-run ${c.id}: ${e.message}`);
      }
    }
    failures += await expectRefused(
      backend,
      TEMPLATE_DIR,
      HOSTILE.map(([what, override]) => [
        what,
        { ...base, ...CASES[0].values, ...override },
      ]),
    );
  } finally {
    await backend.stop();
  }
  return failures;
}

runDryRunTest(main);
