import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort';

/** A throwaway PostgreSQL server on 127.0.0.1, for the tests of several replicas. */
export interface TestPostgres {
  /** The `backend.database` configuration that reaches it as its superuser. */
  config: {
    client: 'pg';
    connection: { host: string; port: number; user: string };
  };
  stop(): Promise<void>;
}

/** The server binaries of Debian's `postgresql` package (the newest version installed). */
function binaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter(v => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) {
    throw new Error(
      `PostgreSQL's server is not installed (no ${root}/<version>/bin/postgres): run scripts/setup.sh --postgres`,
    );
  }
  return path.join(root, versions[0], 'bin');
}

/**
 * initdb into a temporary folder and postgres on a free loopback port (no other listener: its
 * Unix socket stays in that folder). PostgreSQL refuses to run as root, so as root the server
 * runs as Debian's unprivileged `postgres` user.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = binaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-postgres-'));
  const ids =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
          gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
        }
      : {};
  if (ids.uid !== undefined) fs.chownSync(dir, ids.uid, ids.gid!);
  const data = path.join(dir, 'data');
  execFileSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'],
    { ...ids, stdio: 'pipe' },
  );
  const port = await freePort();
  const server: ChildProcess = spawn(
    path.join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
    ],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    server.stderr!.on('data', chunk => {
      log += chunk;
      if (log.includes('ready to accept connections')) resolve();
    });
    server.once('exit', code =>
      reject(
        new Error(`postgres exited (${code}) before it was ready:\n${log}`),
      ),
    );
  });
  return {
    config: {
      client: 'pg',
      connection: { host: '127.0.0.1', port, user: 'postgres' },
    },
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise(r => server.once('exit', r));
        server.kill('SIGINT'); // fast shutdown: ends the clients' sessions
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
