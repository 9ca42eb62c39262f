/*
 * The production build of the app (`backstage-cli package build`, as `yarn build` runs it), reused
 * while its inputs are unchanged: it takes minutes on 2 cores. The stamp holds a hash of the app's
 * sources, those of the workspace packages it bundles (followed through `dependencies`), the
 * lockfile and the config the build reads.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const CACHE = path.join(ROOT, 'node_modules/.cache/ui-bench');
const APP = path.join(ROOT, 'packages/app');
const STAMP = path.join(CACHE, 'build.stamp');

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Directories of the workspace packages the app bundles, the app first. */
export function bundledPackages(): string[] {
  const byName = new Map<string, string>();
  for (const parent of ['packages', 'plugins']) {
    for (const entry of fs.readdirSync(path.join(ROOT, parent))) {
      const file = path.join(ROOT, parent, entry, 'package.json');
      if (fs.existsSync(file))
        byName.set(readJson(file).name, path.dirname(file));
    }
  }
  const dirs = [APP];
  for (let i = 0; i < dirs.length; i++) {
    const deps = readJson(path.join(dirs[i], 'package.json')).dependencies;
    for (const [name, range] of Object.entries(deps ?? {})) {
      const dir = byName.get(name);
      if (String(range).startsWith('workspace:') && dir && !dirs.includes(dir))
        dirs.push(dir);
    }
  }
  return dirs;
}

/** Files under a directory, sorted; tests are left out (they are not bundled). */
function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && !/\.test\.[jt]sx?$/.test(e.name))
    .map(e => path.join(e.parentPath, e.name))
    .sort();
}

/** The hash of everything the build reads from this repository. */
export function buildInputsHash(): string {
  const files = [
    path.join(ROOT, 'yarn.lock'),
    path.join(ROOT, 'app-config.yaml'),
    ...bundledPackages().flatMap(dir => [
      path.join(dir, 'package.json'),
      ...sourceFiles(path.join(dir, 'src')),
      ...sourceFiles(path.join(dir, 'public')),
    ]),
  ];
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(ROOT, file)).update('\0');
    hash.update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/**
 * Builds packages/app/dist unless the stamp says the build is of these inputs. The hash is taken
 * before the build, so a source changed during the build makes the next run build again.
 */
export async function ensureBuild(
  log: (line: string) => void,
): Promise<{ reused: boolean; seconds: number }> {
  const hash = buildInputsHash();
  const dist = path.join(APP, 'dist/index.html');
  if (
    fs.existsSync(dist) &&
    fs.existsSync(STAMP) &&
    fs.readFileSync(STAMP, 'utf8').trim() === hash
  ) {
    return { reused: true, seconds: 0 };
  }
  fs.mkdirSync(CACHE, { recursive: true });
  const logFile = path.join(CACHE, 'build.log');
  log(
    `building the app (nice -n 10 backstage-cli package build; log: ${logFile})`,
  );
  const start = Date.now();
  const out = fs.openSync(logFile, 'w');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      'nice',
      [
        '-n',
        '10',
        path.join(ROOT, 'node_modules/.bin/backstage-cli'),
        'package',
        'build',
      ],
      { cwd: APP, stdio: ['ignore', out, out] },
    );
    child.on('error', reject);
    child.on('exit', resolve);
  });
  fs.closeSync(out);
  if (code !== 0 || !fs.existsSync(dist)) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30);
    throw new Error(
      `the app build failed (exit ${code}), see ${logFile}:\n${tail.join(
        '\n',
      )}`,
    );
  }
  fs.writeFileSync(STAMP, `${hash}\n`);
  return { reused: false, seconds: (Date.now() - start) / 1000 };
}
