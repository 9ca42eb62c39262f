#!/usr/bin/env node
/*
 * Applies the installation steps of README.md to a Backstage app, so the adoption test runs the
 * README's own snippets (one source: they cannot drift). A step is a fenced block right after a
 * marker comment, which GitHub does not render:
 *
 *   <!-- adoption: run -->                            shell block, run with bash in the app's root
 *   <!-- adoption: append FILE -->                    block appended to FILE
 *   <!-- adoption: insert FILE before "LINE" -->      block inserted before the one line of FILE
 *   <!-- adoption: insert FILE after "LINE" -->       ... or after it; LINE is compared trimmed and
 *                                                     must occur exactly once
 *   <!-- adoption: merge FILE -->                     YAML block merged into the YAML file FILE:
 *                                                     maps key by key, lists appended, comments kept
 *
 * Usage: readme-steps.cjs README.md APP_DIR [--list]. Steps run in README order; the first one
 * that cannot be applied stops the run with its README line number and the reason.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const YAML = require('yaml');

const MARKER = /^<!--\s*adoption:\s*(.*?)\s*-->\s*$/;

function fail(message) {
  process.stderr.write(`adoption: ${message}\n`);
  process.exit(1);
}

/** Every marked step of the README: { line, directive, lang, body }. */
function parseSteps(readmePath) {
  const lines = fs.readFileSync(readmePath, 'utf8').split('\n');
  const steps = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = lines[i].match(MARKER);
    if (!marker) continue;
    let j = i + 1;
    while (j < lines.length && lines[j].trim() === '') j++;
    const fence = (lines[j] ?? '').match(/^(```+)\s*(\S*)\s*$/);
    if (!fence) {
      fail(
        `${readmePath}:${i + 1}: the marker "${
          marker[1]
        }" is not followed by a fenced code block`,
      );
    }
    const body = [];
    let k = j + 1;
    while (k < lines.length && lines[k].trim() !== fence[1])
      body.push(lines[k++]);
    if (k === lines.length) {
      fail(`${readmePath}:${j + 1}: the code block is never closed`);
    }
    steps.push({
      line: i + 1,
      directive: marker[1],
      lang: fence[2],
      body: `${body.join('\n')}\n`,
    });
    i = k;
  }
  return steps;
}

function resolveInApp(appDir, file) {
  const target = path.resolve(appDir, file);
  if (!target.startsWith(path.resolve(appDir) + path.sep)) {
    throw new Error(`${file} is outside the app`);
  }
  if (!fs.existsSync(target)) {
    throw new Error(`${file} does not exist in the app`);
  }
  return target;
}

function run(step, appDir) {
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', step.body], {
    cwd: appDir,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    throw new Error(
      `the commands exited with ${result.status ?? result.signal}`,
    );
  }
}

function append(appDir, file, body) {
  const target = resolveInApp(appDir, file);
  const text = fs.readFileSync(target, 'utf8');
  fs.writeFileSync(target, `${text.replace(/\n*$/, '\n')}${body}`);
}

function insert(appDir, file, where, anchor, body) {
  const target = resolveInApp(appDir, file);
  const lines = fs.readFileSync(target, 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.trim() === anchor.trim() ? [i] : []));
  if (hits.length !== 1) {
    throw new Error(
      `${file} has ${hits.length} lines "${anchor}", expected exactly one`,
    );
  }
  const at = where === 'before' ? hits[0] : hits[0] + 1;
  lines.splice(at, 0, ...body.replace(/\n$/, '').split('\n'));
  fs.writeFileSync(target, lines.join('\n'));
}

const isEmpty = node =>
  node === undefined ||
  node === null ||
  (YAML.isScalar(node) && node.value === null);

function mergeNode(node, add, at) {
  if (YAML.isMap(node) && YAML.isMap(add)) {
    for (const pair of add.items) {
      const key = YAML.isScalar(pair.key) ? pair.key.value : pair.key;
      const existing = node.get(key, true);
      node.set(
        key,
        isEmpty(existing)
          ? pair.value
          : mergeNode(existing, pair.value, `${at}.${key}`),
      );
    }
    return node;
  }
  if (YAML.isSeq(node) && YAML.isSeq(add)) {
    node.items.push(...add.items);
    return node;
  }
  if (YAML.isScalar(node) && YAML.isScalar(add)) return add;
  throw new Error(
    `cannot merge into ${at}: the README and the file disagree on its shape`,
  );
}

function merge(appDir, file, body) {
  const target = resolveInApp(appDir, file);
  const doc = YAML.parseDocument(fs.readFileSync(target, 'utf8'));
  const snippet = YAML.parseDocument(body);
  for (const [name, d] of [
    [file, doc],
    ['the YAML block', snippet],
  ]) {
    if (d.errors.length) throw new Error(`${name}: ${d.errors[0].message}`);
    if (!YAML.isMap(d.contents)) throw new Error(`${name} is not a mapping`);
  }
  mergeNode(doc.contents, snippet.contents, '');
  fs.writeFileSync(
    target,
    doc.toString({ lineWidth: 0, flowCollectionPadding: false }),
  );
}

function apply(step, appDir) {
  const d = step.directive;
  let m;
  if (d === 'run') return run(step, appDir);
  if ((m = d.match(/^append (\S+)$/))) return append(appDir, m[1], step.body);
  if ((m = d.match(/^merge (\S+)$/))) return merge(appDir, m[1], step.body);
  if ((m = d.match(/^insert (\S+) (before|after) (".*")$/))) {
    return insert(appDir, m[1], m[2], JSON.parse(m[3]), step.body);
  }
  throw new Error(`unknown directive "${d}"`);
}

function main() {
  const [readme, appDir, flag] = process.argv.slice(2);
  if (!readme || !appDir)
    fail('usage: readme-steps.cjs README.md APP_DIR [--list]');
  const steps = parseSteps(readme);
  if (steps.length === 0) fail(`${readme} has no <!-- adoption: ... --> steps`);
  for (const [index, step] of steps.entries()) {
    const label = `README step ${index + 1}/${steps.length} (${path.basename(
      readme,
    )}:${step.line}): ${step.directive}`;
    if (flag === '--list') {
      process.stdout.write(`${label}\n${step.body}\n`);
      continue;
    }
    process.stderr.write(`adoption: ${label}\n`);
    try {
      apply(step, appDir);
    } catch (error) {
      fail(`${label} failed: ${error.message}`);
    }
  }
}

module.exports = { parseSteps };
if (require.main === module) main();
