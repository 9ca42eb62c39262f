/*
 * Runs a template through the scaffolder's dry-run API (POST /api/scaffolder/v2/dry-run) on a
 * real backend, the same call Backstage's template editor makes: the real scaffolder plugin with
 * its built-in actions (fetch:template, publish:github, catalog:register, ...), a catalog holding
 * the Online Boutique entities, and our zerotrust:* actions.
 *
 * The zerotrust:* actions are the real ones of plugins/scaffolder-backend-module-zero-trust.
 *
 * Run with the Backstage node transform so the workspace TypeScript packages load:
 *   node --require @backstage/cli/config/nodeTransform.cjs templates/test-lib/dryRun.cjs ...
 */
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const yaml = require('yaml');
const {
  startTestBackend,
  mockServices,
} = require('@backstage/backend-test-utils');
const {
  catalogServiceMock,
} = require('@backstage/plugin-catalog-node/testUtils');

const REPO_ROOT = path.resolve(__dirname, '../..');

/** Every file of a template folder, as the template editor uploads them. */
function directoryContents(dir) {
  const out = [];
  const walk = rel => {
    for (const entry of fs.readdirSync(path.join(dir, rel), {
      withFileTypes: true,
    })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'test')
          walk(relPath);
      } else {
        out.push({
          path: relPath,
          base64Content: fs
            .readFileSync(path.join(dir, relPath))
            .toString('base64'),
        });
      }
    }
  };
  walk('');
  return out;
}

/** The Online Boutique catalog (and the platform group), for the pickers' refs. */
function catalogEntities() {
  const files = [
    ...fs
      .readdirSync(path.join(REPO_ROOT, 'examples/online-boutique/catalog'))
      .filter(f => f.endsWith('.yaml'))
      .map(f => path.join(REPO_ROOT, 'examples/online-boutique/catalog', f)),
    path.join(REPO_ROOT, 'examples/org.yaml'),
  ];
  return files
    .flatMap(f =>
      yaml.parseAllDocuments(fs.readFileSync(f, 'utf8')).map(d => d.toJSON()),
    )
    .filter(e => e && e.kind && e.kind !== 'Location')
    .map(e => ({ ...e, metadata: { namespace: 'default', ...e.metadata } }));
}

// ---- backend --------------------------------------------------------------------------------

async function startBackend(extraFeatures) {
  return startTestBackend({
    features: [
      require('@backstage/plugin-scaffolder-backend').default,
      require('@backstage/plugin-scaffolder-backend-module-github').default,
      catalogServiceMock.factory({ entities: catalogEntities() }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://127.0.0.1:7007' },
          integrations: { github: [{ host: 'github.com' }] },
        },
      }),
      ...extraFeatures,
    ],
  });
}

/**
 * One HTTP request on a fresh connection: a reused keep-alive connection can be reset by the
 * server's keep-alive timeout while the next request is sent.
 */
function request(server, method, url, body) {
  const payload = body ? JSON.stringify(body) : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.address().port,
        path: url,
        method,
        agent: false,
        headers: {
          'content-type': 'application/json',
          ...(payload ? { 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = { raw: text };
          }
          resolve({ status: res.statusCode, body: json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const CONTRACT_IDS = [
  'zerotrust:catalog:resolve-dependencies',
  'zerotrust:manifests:generate',
  'zerotrust:manifests:validate',
  'zerotrust:policies:kyverno',
  'zerotrust:gitops:pull-request',
];

/**
 * Starts a backend with the scaffolder, the GitHub module and our zerotrust:* actions; fails if
 * any action the templates use is missing.
 */
async function startDryRunBackend() {
  const backend = await startBackend([
    require('@zero-trust-k8s/plugin-scaffolder-backend-module-zero-trust')
      .default,
  ]);
  const { body: actions } = await request(
    backend.server,
    'GET',
    '/api/scaffolder/v2/actions',
  );
  const actionIds = actions.map(a => a.id);
  const missing = CONTRACT_IDS.filter(id => !actionIds.includes(id));
  if (missing.length) {
    await backend.stop();
    throw new Error(
      `the scaffolder module does not register ${missing.join(', ')}`,
    );
  }
  return { backend, actionIds };
}

/** POST /api/scaffolder/v2/dry-run with the template folder, as the template editor does. */
async function dryRun(backend, templateDir, values) {
  const template = yaml.parse(
    fs.readFileSync(path.join(templateDir, 'template.yaml'), 'utf8'),
  );
  return request(backend.server, 'POST', '/api/scaffolder/v2/dry-run', {
    template,
    values,
    secrets: {},
    directoryContents: directoryContents(templateDir),
  });
}

/** Writes the dry-run workspace to disk. */
function writeWorkspace(result, outDir) {
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const file of result.directoryContents) {
    const target = path.join(outDir, file.path);
    if (!target.startsWith(outDir + path.sep))
      throw new Error(`unsafe path ${file.path}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, Buffer.from(file.base64Content, 'base64'), {
      mode: file.executable ? 0o755 : 0o644,
    });
  }
}

/**
 * Dry-runs each hostile parameter set and expects the scaffolder to refuse it (400 with errors);
 * prints a line per case and returns how many were accepted.
 */
async function expectRefused(backend, templateDir, cases) {
  let accepted = 0;
  for (const [what, values] of cases) {
    const { status, body } = await dryRun(backend, templateDir, values);
    if (status === 400 && body.errors?.length) {
      console.log(`ok   refused: ${what}`);
    } else {
      accepted++;
      console.log(`FAIL accepted hostile input: ${what} (${status})`);
    }
  }
  return accepted;
}

/** Runs a template test's main and exits with its failure count (the scheduler keeps timers alive). */
function runDryRunTest(main) {
  main().then(
    failures => {
      if (failures) console.log(`${failures} check(s) failed`);
      process.exit(failures ? 1 : 0);
    },
    e => {
      console.error(e);
      process.exit(1);
    },
  );
}

module.exports = {
  startDryRunBackend,
  dryRun,
  expectRefused,
  runDryRunTest,
  writeWorkspace,
  CONTRACT_IDS,
  REPO_ROOT,
};
