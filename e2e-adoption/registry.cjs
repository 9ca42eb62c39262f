#!/usr/bin/env node
/*
 * A local npm registry for the packed tarballs, on 127.0.0.1 only, so the adoption test can run the
 * README's install commands as written (`yarn add @zero-trust-k8s/...`) before the packages are
 * published. Only our scope is routed here (npmScopes in the app's .yarnrc.yml); every other package
 * comes from the default registry. Usage: registry.cjs <port-file> <tarball>...
 * It prints nothing; the port it listens on is written to <port-file> once it is ready.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const [portFile, ...tarballs] = process.argv.slice(2);
if (!portFile || tarballs.length === 0) {
  process.stderr.write('usage: registry.cjs <port-file> <tarball>...\n');
  process.exit(2);
}

// Published long ago as far as Yarn's npmMinimalAgeGate is concerned: the gate guards against
// freshly published packages on the public registry, not against the build under test.
const PUBLISHED = '2000-01-01T00:00:00.000Z';

/** name -> { manifest, file, data } */
const packages = new Map();
for (const file of tarballs) {
  const data = fs.readFileSync(file);
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', file, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  packages.set(manifest.name, { manifest, file, data });
}

function packument(name, origin) {
  const { manifest, data } = packages.get(name);
  const tarballName = `${name.replace('/', '-')}-${manifest.version}.tgz`;
  return {
    name,
    'dist-tags': { latest: manifest.version },
    versions: {
      [manifest.version]: {
        ...manifest,
        _id: `${name}@${manifest.version}`,
        dist: {
          tarball: `${origin}/${name}/-/${path.basename(tarballName)}`,
          shasum: crypto.createHash('sha1').update(data).digest('hex'),
          integrity: `sha512-${crypto
            .createHash('sha512')
            .update(data)
            .digest('base64')}`,
        },
      },
    },
    time: {
      created: PUBLISHED,
      modified: PUBLISHED,
      [manifest.version]: PUBLISHED,
    },
  };
}

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url.split('?')[0]).replace(/^\/+/, '');
  const tarball = url.match(/^(@[^/]+\/[^/]+)\/-\/[^/]+\.tgz$/);
  const origin = `http://${req.headers.host}`;
  if (tarball && packages.has(tarball[1])) {
    const { data } = packages.get(tarball[1]);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': data.length,
    });
    res.end(data);
    return;
  }
  if (packages.has(url)) {
    const body = JSON.stringify(packument(url, origin));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
    return;
  }
  // Anything else in our scope is a package the README names but the build did not pack.
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: `not packed by the adoption test: ${url}` }));
  process.stderr.write(`registry: 404 for ${req.method} /${url}\n`);
});

server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile, String(server.address().port));
});
