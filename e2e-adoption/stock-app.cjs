#!/usr/bin/env node
/*
 * The adoption test's bookkeeping around the stock app; none of it is an installation step.
 *
 *   stock-app.cjs pin REPO APP
 *     Puts the stock app on Backstage's release packages. create-app writes `^` ranges, and without
 *     the yarn.lock seed it downloads from GitHub (unreachable here), Yarn resolves them to the newest
 *     versions, which do not work together (1.55's backend-defaults with a newer signals-backend:
 *     "httpRouter.addWebSocketHandler is not a function"). So every @backstage/* package gets a
 *     `resolutions` entry with its release version: the versions create-app names (its release's),
 *     and for the others the single version this repository's yarn.lock resolves (it is built on
 *     the same release). Also the repository's resolutions for the partial registry copy.
 *
 *   stock-app.cjs verify APP TARBALL...
 *     After the README's steps: the installed packages are exactly the packed tarballs, and every
 *     @backstage/* range our packages declare accepts the app's version (else the pin would hide an
 *     incompatibility). Nested copies of Backstage packages under ours are listed as a warning.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const semver = require('semver');

const APP_PACKAGES = ['.', 'packages/app', 'packages/backend'];
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

function fail(message) {
  process.stderr.write(`adoption: ${message}\n`);
  process.exit(1);
}

/** name -> version for every @backstage/* package the repository's yarn.lock resolves once. */
function repositoryBackstageVersions(repo) {
  const lock = fs.readFileSync(path.join(repo, 'yarn.lock'), 'utf8');
  const seen = new Map();
  for (const m of lock.matchAll(
    /^"(@backstage\/[^@"]+)@[^\n]*:\n {2}version: ([^\n]+)/gm,
  )) {
    if (!seen.has(m[1])) seen.set(m[1], new Set());
    seen.get(m[1]).add(m[2]);
  }
  return new Map(
    [...seen].filter(([, v]) => v.size === 1).map(([n, v]) => [n, [...v][0]]),
  );
}

function pin(repo, app) {
  const pins = repositoryBackstageVersions(repo);
  for (const dir of APP_PACKAGES) {
    const manifest = readJson(path.join(app, dir, 'package.json'));
    for (const deps of [manifest.dependencies, manifest.devDependencies]) {
      for (const [name, range] of Object.entries(deps ?? {})) {
        const version = range.match(/^\^(\d+\.\d+\.\d+)$/)?.[1];
        if (name.startsWith('@backstage/') && version) pins.set(name, version);
      }
    }
  }
  const rootFile = path.join(app, 'package.json');
  const root = readJson(rootFile);
  root.resolutions = {
    ...readJson(path.join(repo, 'package.json')).resolutions,
    ...root.resolutions,
    ...Object.fromEntries([...pins].sort(([a], [b]) => a.localeCompare(b))),
  };
  writeJson(rootFile, root);
  process.stderr.write(
    `adoption: ${pins.size} @backstage/* packages pinned to their release versions\n`,
  );
}

function verify(app, tarballs) {
  const problems = [];
  const warnings = [];
  const resolutions = readJson(path.join(app, 'package.json')).resolutions;
  const scratch = fs.mkdtempSync(
    path.join(require('node:os').tmpdir(), 'zt-verify-'),
  );
  try {
    for (const tarball of tarballs) {
      const dir = fs.mkdtempSync(path.join(scratch, 'p-'));
      execFileSync('tar', ['-xzf', tarball, '-C', dir]);
      const packed = path.join(dir, 'package');
      const manifest = readJson(path.join(packed, 'package.json'));
      const installed = path.join(app, 'node_modules', manifest.name);
      if (!fs.existsSync(installed)) {
        problems.push(
          `${manifest.name} is not installed in the app's node_modules`,
        );
        continue;
      }
      try {
        execFileSync('diff', [
          '-rq',
          '--exclude=node_modules',
          packed,
          installed,
        ]);
      } catch (error) {
        problems.push(
          `${manifest.name} in node_modules differs from the packed tarball:\n${error.stdout}`,
        );
      }
      for (const [name, range] of Object.entries({
        ...manifest.dependencies,
        ...manifest.peerDependencies,
      })) {
        const version = resolutions[name];
        if (
          name.startsWith('@backstage/') &&
          version &&
          !semver.satisfies(version, range)
        ) {
          problems.push(
            `${manifest.name} wants ${name}@${range}, but Backstage's release has ${version}`,
          );
        }
      }
      const nested = path.join(installed, 'node_modules', '@backstage');
      if (fs.existsSync(nested)) {
        for (const name of fs.readdirSync(nested)) {
          const { version } = readJson(path.join(nested, name, 'package.json'));
          warnings.push(
            `${manifest.name} has its own @backstage/${name}@${version}`,
          );
        }
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  for (const w of warnings) process.stderr.write(`adoption: warning: ${w}\n`);
  if (problems.length) fail(problems.join('\n'));
  process.stderr.write(
    `adoption: the app has the ${tarballs.length} packed packages, on Backstage's release versions\n`,
  );
}

const [command, ...args] = process.argv.slice(2);
if (command === 'pin' && args.length === 2) pin(args[0], args[1]);
else if (command === 'verify' && args.length >= 2)
  verify(args[0], args.slice(1));
else fail('usage: stock-app.cjs pin REPO APP | verify APP TARBALL...');
