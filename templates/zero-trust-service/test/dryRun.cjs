/*
 * Dry-runs the zero-trust-service template on a real scaffolder backend for every language and
 * protocol, checks the run and the rendered skeleton, and writes each workspace to
 * <out>/<case>/ so test/run.sh can build and test the generated services.
 *
 * Usage: node --require @backstage/cli/config/nodeTransform.cjs test/dryRun.cjs <out>
 */
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
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

// Actions the template may use: the scaffolder's built-ins it needs and the zerotrust contract.
const KNOWN_ACTIONS = new Set([
  'fetch:template',
  'publish:github',
  'catalog:register',
  'zerotrust:catalog:resolve-dependencies',
  'zerotrust:manifests:generate',
  'zerotrust:manifests:validate',
  'zerotrust:gitops:pull-request',
]);

const baseValues = {
  name: 'basketservice',
  description:
    'Keeps each shopper\'s basket: "quotes", colons: and #hashes stay text',
  owner: 'group:default/platform-security',
  system: 'system:default/online-boutique',
  namespace: 'online-boutique',
  language: 'go',
  port: 7000,
  protocol: 'grpc',
  callees: [
    'component:default/cartservice',
    'component:default/productcatalogservice',
  ],
  callers: ['component:default/frontend'],
  egressFqdns: ['cloudtrace.googleapis.com', '*.example.com'],
  meshMode: 'ambient',
  externalSecrets: [
    {
      name: 'redis-password',
      remoteKey: 'boutique/redis',
      property: 'password',
    },
  ],
  cloudProvider: 'gke',
  gcpServiceAccount: 'basketservice@my-project-123.iam.gserviceaccount.com',
  repoUrl: 'github.com?owner=acme-shop&repo=basketservice',
  gitopsRepoUrl: 'github.com?owner=acme-shop&repo=gitops',
  imageRepository: 'ghcr.io/acme-shop/basketservice',
  imageTag: '0.1.0',
  canary: true,
};

const CASES = [
  { id: 'go-grpc', values: { language: 'go', protocol: 'grpc' } },
  {
    id: 'go-http',
    values: {
      language: 'go',
      protocol: 'http',
      meshMode: 'sidecar',
      callers: [],
    },
  },
  {
    id: 'node-grpc',
    values: {
      language: 'node',
      protocol: 'grpc',
      cloudProvider: 'eks',
      gcpServiceAccount: undefined,
      gitopsBranch: 'release/prod',
      awsRoleArn: 'arn:aws:iam::123456789012:role/basketservice',
    },
  },
  {
    id: 'node-http',
    values: {
      language: 'node',
      protocol: 'http',
      port: 8080,
      callees: [],
      callers: [],
      egressFqdns: [],
      externalSecrets: [],
      cloudProvider: 'none',
      gcpServiceAccount: undefined,
      canary: false,
    },
  },
];

// Each must be refused by the parameter schemas before any step runs.
const HOSTILE = [
  ['name with upper case', { name: 'Basket' }],
  ['GitOps branch with ..', { gitopsBranch: 'main/../x' }],
  ['GitOps branch with a newline', { gitopsBranch: 'main\nkind: Secret' }],
  ['name longer than 50', { name: 'a'.repeat(51) }],
  ['name with a newline', { name: 'basket\nkind: Secret' }],
  ['description with a newline', { description: 'one\ntwo: three' }],
  ['namespace with a slash', { namespace: '../kube-system' }],
  ['port below 1024', { port: 80 }],
  ['port reserved by Istio', { port: 15008 }],
  ['unknown protocol', { protocol: 'tcp' }],
  [
    'callee that is not an entity ref',
    { callees: ['component:default/cart service'] },
  ],
  ['egress FQDN with a path', { egressFqdns: ['example.com/evil'] }],
  ['egress FQDN with YAML', { egressFqdns: ['a.com\n- 0.0.0.0/0'] }],
  [
    'remote key with ..',
    { externalSecrets: [{ name: 'x', remoteKey: 'boutique/../admin' }] },
  ],
  [
    'secret name with a slash',
    { externalSecrets: [{ name: '../x', remoteKey: 'a' }] },
  ],
  ['gke without a service account', { gcpServiceAccount: undefined }],
  ['bad service account', { gcpServiceAccount: 'root@evil.com' }],
  ['repoUrl on another host', { repoUrl: 'evil.example?owner=a&repo=b' }],
  [
    'repoUrl with extra parameters',
    { repoUrl: 'github.com?owner=a&repo=b&x=$(id)' },
  ],
  ['image with a tag', { imageRepository: 'ghcr.io/acme/basket:latest' }],
  ['image tag latest', { imageTag: 'latest' }],
  ['image tag LATEST', { imageTag: 'LATEST' }],
];

function staticChecks() {
  const template = yaml.parse(
    fs.readFileSync(path.join(TEMPLATE_DIR, 'template.yaml'), 'utf8'),
  );
  assert.equal(template.apiVersion, 'scaffolder.backstage.io/v1beta3');
  assert.equal(template.kind, 'Template');
  assert.equal(template.metadata.name, 'zero-trust-service');
  assert.equal(template.spec.owner, 'group:default/platform-security');
  const ids = template.spec.steps.map(s => s.action);
  for (const id of ids)
    assert.ok(KNOWN_ACTIONS.has(id), `unknown action ${id}`);
  assert.deepEqual(
    template.spec.steps.map(s => s.id),
    [
      'fetchBase',
      'fetchGo',
      'fetchNode',
      'resolve',
      'generate',
      'validate',
      'publish',
      'gitopsPr',
      'register',
    ],
  );
  // Every ${{ parameters.x }} names a declared parameter.
  const declared = new Set();
  const collect = schema => {
    for (const [k, v] of Object.entries(schema.properties ?? {})) {
      declared.add(k);
      if (v.items) collect(v.items);
    }
    for (const dep of Object.values(schema.dependencies ?? {})) {
      for (const branch of dep.oneOf ?? []) collect(branch);
    }
  };
  template.spec.parameters.forEach(collect);
  const text = fs.readFileSync(
    path.join(TEMPLATE_DIR, 'template.yaml'),
    'utf8',
  );
  for (const m of text.matchAll(/parameters\.([A-Za-z0-9_]+)/g)) {
    assert.ok(declared.has(m[1]), `template uses undeclared parameter ${m[1]}`);
  }
  // Every string parameter that can reach a file or manifest is constrained.
  for (const page of template.spec.parameters) {
    for (const [k, v] of Object.entries(page.properties)) {
      if (v.type === 'string') {
        assert.ok(
          v.pattern || v.enum,
          `string parameter ${k} has neither pattern nor enum`,
        );
      }
      if (v.type === 'array' && v.items.type === 'string') {
        assert.ok(v.items.pattern, `array parameter ${k} has no item pattern`);
      }
    }
  }
  // The form shows each refusal in words: every pattern (and the port's `not`) carries its own
  // message for ajv-errors, never the raw "must match pattern" or "must NOT be valid".
  const constrained = [];
  const walk = (schema, where) => {
    if (!schema || typeof schema !== 'object') return;
    for (const keyword of ['pattern', 'not']) {
      if (schema[keyword] === undefined) continue;
      constrained.push(where);
      const message = schema.errorMessage?.[keyword];
      assert.ok(
        typeof message === 'string' && message.length > 10,
        `${where} has a ${keyword} without errorMessage.${keyword}`,
      );
      assert.doesNotMatch(message, /\^|\$|\[|\(\?/, `${where}: regex in words`);
    }
    for (const [k, v] of Object.entries(schema.properties ?? {}))
      walk(v, `${where}.${k}`);
    if (schema.items) walk(schema.items, `${where}[]`);
    for (const dep of Object.values(schema.dependencies ?? {}))
      for (const branch of dep.oneOf ?? []) walk(branch, where);
  };
  template.spec.parameters.forEach((page, i) => walk(page, `page ${i + 1}`));
  assert.ok(constrained.length >= 18, `only ${constrained.length} patterns`);
  // Help text is markdown: an <x> placeholder outside a code span would be dropped as HTML.
  const described = [];
  const descriptions = schema => {
    if (!schema || typeof schema !== 'object') return;
    if (typeof schema.description === 'string')
      described.push(schema.description);
    Object.values(schema).forEach(descriptions);
  };
  template.spec.parameters.forEach(descriptions);
  for (const d of described) {
    const outsideCode = d.replace(/`[^`]*`/g, '');
    assert.doesNotMatch(outsideCode, /<[A-Za-z]/, `unescaped <…> in: ${d}`);
  }
  // Entity pickers take only entities that exist, found by name or title.
  for (const page of template.spec.parameters) {
    for (const [k, v] of Object.entries(page.properties)) {
      if (!/EntityPicker|OwnerPicker/.test(v['ui:field'] ?? '')) continue;
      assert.equal(v['ui:field'], 'ExistingEntityPicker', k);
      assert.equal(v['ui:options']?.allowArbitraryValues, false, k);
    }
  }
  return ids;
}

/** Walks a folder; returns workspace-relative file paths. */
function files(dir, rel = '') {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap(e => {
      const p = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? files(dir, p) : [p];
    });
}

/** The manifests zerotrust:manifests:generate wrote, as the GitOps pull request would carry them. */
function checkGitops(caseId, values, all, dir) {
  const gitops = all
    .filter(f => f.startsWith('gitops/'))
    .map(f => f.slice('gitops/'.length));
  const read = f =>
    yaml.parse(fs.readFileSync(path.join(dir, 'gitops', f), 'utf8'));
  for (const env of ['dev', 'stage', 'prod']) {
    for (const f of [
      `overlays/${env}/kustomization.yaml`,
      `argocd/${values.name}-${env}.yaml`,
    ])
      assert.ok(gitops.includes(f), `${caseId}: gitops/${f} missing`);
  }
  const kind = values.canary ? 'rollout' : 'deployment';
  const workload = read(`base/${kind}-${values.name}.yaml`);
  const container = workload.spec.template.spec.containers[0];
  assert.equal(container.image, `${values.imageRepository}:${values.imageTag}`);
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.equal(workload.metadata.namespace, values.namespace);
  // The probes ask what the skeleton serves (server.go / server.ts), liveness and readiness apart.
  if (values.protocol === 'grpc') {
    assert.deepEqual(container.livenessProbe.grpc, { port: values.port });
    assert.deepEqual(container.readinessProbe.grpc, {
      port: values.port,
      service: 'readiness',
    });
  } else {
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  }
  // Stage and prod run more than one replica and carry a PodDisruptionBudget; dev runs one.
  const pdb = env => `overlays/${env}/poddisruptionbudget-${values.name}.yaml`;
  assert.ok(gitops.includes(pdb('prod')), `${caseId}: no ${pdb('prod')}`);
  assert.ok(!gitops.includes(pdb('dev')), `${caseId}: ${pdb('dev')} written`);
  const sa = read(`base/serviceaccount-${values.name}.yaml`);
  const identity = {
    gke: ['iam.gke.io/gcp-service-account', values.gcpServiceAccount],
    eks: ['eks.amazonaws.com/role-arn', values.awsRoleArn],
  }[values.cloudProvider];
  if (identity)
    assert.equal(sa.metadata.annotations?.[identity[0]], identity[1], caseId);
  const authz = read(`base/authorizationpolicy-${values.name}.yaml`);
  const principals = JSON.stringify(authz.spec.rules ?? []);
  for (const caller of values.callers) {
    const name = caller.split('/').pop();
    assert.ok(
      principals.includes(`cluster.local/ns/${values.namespace}/sa/${name}`),
      `${caseId}: ${name} is not an allowed principal`,
    );
  }
  // The record of what produced the tree: the spec, the baseline version, and the git blob sha
  // of every other file, as `git hash-object` computes it.
  const record = read('zero-trust.yaml');
  assert.equal(record.kind, 'GeneratedTree', caseId);
  assert.ok(Number.isInteger(record.baseline), `${caseId}: record baseline`);
  assert.equal(record.spec.name, values.name);
  assert.equal(record.spec.gitops.path, `apps/${values.name}`);
  const blobSha = f => {
    const bytes = fs.readFileSync(path.join(dir, 'gitops', f));
    return crypto
      .createHash('sha1')
      .update(`blob ${bytes.length}\0`)
      .update(bytes)
      .digest('hex');
  };
  assert.deepEqual(
    record.files,
    Object.fromEntries(
      gitops
        .filter(f => f !== 'zero-trust.yaml')
        .sort()
        .map(f => [f, blobSha(f)]),
    ),
    `${caseId}: the record lists every generated file with its blob sha`,
  );
  const argo = read(`argocd/${values.name}-prod.yaml`);
  assert.equal(
    argo.spec.source.repoURL,
    'https://github.com/acme-shop/gitops.git',
  );
  assert.equal(argo.spec.source.path, `apps/${values.name}/overlays/prod`);
  assert.equal(argo.spec.source.targetRevision, values.gitopsBranch ?? 'main');
}

function checkWorkspace(caseId, values, result, dir) {
  const all = files(dir);
  const service = all
    .filter(f => f.startsWith('service/'))
    .map(f => f.slice(8));
  const expected = [
    'catalog-info.yaml',
    'README.md',
    '.github/workflows/ci.yaml',
    '.github/dependabot.yml',
    'Dockerfile',
    '.dockerignore',
    '.gitignore',
    ...(values.language === 'go'
      ? [
          'go.mod',
          'go.sum',
          'main.go',
          'config.go',
          'server.go',
          'server_test.go',
        ]
      : [
          'package.json',
          'package-lock.json',
          'tsconfig.json',
          'src/server.ts',
          'src/main.ts',
        ]),
  ];
  for (const f of expected)
    assert.ok(service.includes(f), `${caseId}: service/${f} missing`);
  const other = values.language === 'go' ? 'package.json' : 'go.mod';
  assert.ok(
    !service.includes(other),
    `${caseId}: ${other} from the other language`,
  );
  assert.ok(
    all.some(f => f.startsWith('gitops/')),
    `${caseId}: nothing generated under gitops/`,
  );
  // publish:github must not see the GitOps manifests: they live outside service/.
  assert.ok(!service.some(f => f.startsWith('gitops/')));

  for (const f of service) {
    const text = fs.readFileSync(path.join(dir, 'service', f), 'utf8');
    assert.ok(
      !/\$\{\{\s*values\./.test(text),
      `${caseId}: unrendered value in ${f}`,
    );
    assert.ok(
      !/\{%-?\s*(if|for|raw|endraw|endif|endfor|else)\b/.test(text),
      `${caseId}: template tag left in ${f}`,
    );
    if (/\.(ya?ml)$/.test(f))
      yaml
        .parseAllDocuments(text)
        .forEach(d => assert.deepEqual(d.errors, [], `${caseId}: ${f}`));
    if (f.endsWith('.json')) JSON.parse(text);
  }

  checkGitops(caseId, values, all, dir);

  const catalogInfo = yaml.parse(
    fs.readFileSync(path.join(dir, 'service/catalog-info.yaml'), 'utf8'),
  );
  assert.equal(catalogInfo.kind, 'Component');
  assert.equal(catalogInfo.metadata.name, values.name);
  assert.equal(catalogInfo.metadata.description, values.description);
  const ann = catalogInfo.metadata.annotations;
  assert.equal(ann['backstage.io/kubernetes-id'], values.name);
  assert.equal(ann['backstage.io/kubernetes-namespace'], values.namespace);
  assert.equal(ann['zero-trust.io/ports'], `${values.protocol}:${values.port}`);
  // What zerotrust:baseline:upgrade finds the component and its GitOps tree by.
  assert.equal(
    ann['backstage.io/source-template'],
    'template:default/zero-trust-service',
  );
  assert.equal(
    ann['zero-trust.io/gitops-record'],
    `https://github.com/acme-shop/gitops/blob/${
      values.gitopsBranch ?? 'main'
    }/apps/${values.name}/zero-trust.yaml`,
  );
  assert.equal(catalogInfo.spec.owner, values.owner);
  assert.equal(catalogInfo.spec.system, values.system);
  assert.deepEqual(catalogInfo.spec.dependsOn ?? [], values.callees);
  assert.deepEqual(catalogInfo.spec.dependencyOf ?? [], values.callers);

  const ci = fs.readFileSync(
    path.join(dir, 'service/.github/workflows/ci.yaml'),
    'utf8',
  );
  const workflow = yaml.parse(ci);
  assert.deepEqual(
    workflow.permissions,
    {},
    'workflow default permissions must be empty',
  );
  for (const [job, spec] of Object.entries(workflow.jobs)) {
    assert.ok(spec.permissions, `job ${job} must declare its permissions`);
    for (const step of spec.steps) {
      if (step.uses)
        assert.match(
          step.uses,
          /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/,
          `${job}: ${step.uses} not pinned by SHA`,
        );
    }
  }
  assert.equal(workflow.jobs.image.permissions['id-token'], 'write');
  assert.equal(workflow.env.IMAGE, values.imageRepository);
  assert.equal(workflow.env.GITOPS_OVERLAY, `apps/${values.name}/overlays/dev`);
  const trivy = workflow.jobs.image.steps.find(s =>
    s.uses?.startsWith('aquasecurity/trivy-action@'),
  );
  assert.equal(trivy.with['exit-code'], '1');
  assert.equal(trivy.with.severity, 'HIGH,CRITICAL');
  assert.equal(trivy.with['ignore-unfixed'], true);
  const sboms = workflow.jobs.image.steps.filter(s =>
    s.uses?.startsWith('anchore/sbom-action@'),
  );
  assert.deepEqual(sboms.map(s => s.with.format).sort(), [
    'cyclonedx-json',
    'spdx-json',
  ]);
  assert.match(ci, /cosign sign --yes/);
  assert.match(ci, /cosign attest --yes --type cyclonedx/);
  assert.match(
    ci,
    /cosign attest --yes --type slsaprovenance --predicate provenance\.json/,
  );
  // The provenance names the repository the keyless identity (this workflow) belongs to.
  assert.match(
    ci,
    /SOURCE: git\+\$\{\{ github\.server_url \}\}\/\$\{\{ github\.repository \}\}@/,
  );
  assert.match(ci, /kustomize" edit set image/);
  assert.match(
    ci,
    /\$\{\{ github\.sha \}\}/,
    'GitHub expressions must survive templating',
  );
  const testSteps = workflow.jobs.test.steps.map(s => s.run ?? '').join('\n');
  assert.match(testSteps, values.language === 'go' ? /go test/ : /npm test/);

  const dockerfile = fs.readFileSync(
    path.join(dir, 'service/Dockerfile'),
    'utf8',
  );
  const froms = [
    ...dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gm),
  ].map(m => m[1]);
  assert.equal(
    froms.at(-1),
    values.language === 'go'
      ? 'gcr.io/distroless/static-debian12:nonroot'
      : 'gcr.io/distroless/nodejs22-debian12:nonroot',
  );
  for (const image of froms)
    assert.match(image, /:[0-9A-Za-z][\w.-]*$/, `${image} not pinned`);
  for (const image of froms) assert.doesNotMatch(image, /:latest$/);
  assert.match(dockerfile, /^USER 65532:65532$/m);
  assert.match(dockerfile, new RegExp(`^EXPOSE ${values.port}$`, 'm'));

  // The outputs the user sees.
  assert.ok(
    result.output.links.some(l => l.title === 'GitOps pull request' && l.url),
  );
}

async function main() {
  const ids = staticChecks();
  console.log(
    `static checks passed (actions: ${[...new Set(ids)].join(', ')})`,
  );

  const { backend, actionIds } = await startDryRunBackend();
  const missing = [...KNOWN_ACTIONS].filter(id => !actionIds.includes(id));
  assert.deepEqual(missing, [], 'actions not registered on the backend');
  let failures = 0;
  try {
    for (const c of CASES) {
      const values = JSON.parse(JSON.stringify({ ...baseValues, ...c.values }));
      const { status, body } = await dryRun(backend, TEMPLATE_DIR, values);
      try {
        assert.equal(
          status,
          200,
          `${c.id}: dry-run failed: ${JSON.stringify(body).slice(0, 3000)}`,
        );
        const failed = body.log.filter(l => l.body.status === 'failed');
        assert.deepEqual(failed, [], `${c.id}: failed steps`);
        const skipped = body.log
          .filter(l => l.body.status === 'skipped')
          .map(l => l.body.stepId);
        const other = values.language === 'go' ? 'fetchNode' : 'fetchGo';
        assert.ok(
          skipped.includes(other),
          `${c.id}: ${other} should be skipped`,
        );
        const dir = path.join(OUT, c.id);
        writeWorkspace(body, dir);
        checkWorkspace(c.id, values, body, dir);
        console.log(
          `ok   dry-run ${c.id} -> ${path.relative(
            process.cwd(),
            dir,
          )} (skipped: ${[...new Set(skipped)].join(', ')})`,
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
        JSON.parse(JSON.stringify({ ...baseValues, ...override })),
      ]),
    );
  } finally {
    await backend.stop();
  }
  return failures;
}

runDryRunTest(main);
