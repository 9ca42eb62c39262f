import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

// This private package only runs from source inside the repository, next to the Go harness.
// eslint-disable-next-line no-restricted-syntax
const PACKAGE_DIR = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

/** @public */
export interface StartTestClusterOptions {
  /** Install the pinned upstream CRDs (default true). */
  crds?: boolean;
  /** Apply the Online Boutique cluster state and the backend's RBAC (examples/). */
  onlineBoutique?: boolean;
  /** More folders of manifests to server-side apply. */
  apply?: string[];
  /** Keeps etcd data, keys and ports; a new temporary folder when absent. */
  dataDir?: string;
  /** The API server's port on 127.0.0.1 (default: a free port, kept in the data folder). */
  port?: number;
  /**
   * Run the real producers of cluster state beside the API server, each built from its Go module
   * by scripts/go-tools.sh (a missing one fails with the command that builds it):
   * - `controllers`: kube-controller-manager and kube-scheduler of the same Kubernetes release;
   * - `kwok`: KWOK as the kubelet of three fake nodes (implies `controllers`), so Deployments get
   *   ReplicaSets and Running pods with real uids, owner references and `pod-template-hash`;
   * - `kyverno`: Kyverno's admission controller (webhook on 127.0.0.1) and reports controller;
   * - `argo-rollouts`: the Argo Rollouts controller, in a network namespace of its own (it listens
   *   on all interfaces; needs root, as CI and these machines have).
   */
  producers?: Array<'controllers' | 'kwok' | 'kyverno' | 'argo-rollouts'>;
}

interface Ready {
  kubeconfig: string;
  server: string;
}

/**
 * A running kube-apiserver (with etcd embedded) on 127.0.0.1, authorizing with RBAC.
 *
 * @public
 */
export class TestCluster {
  private constructor(
    private readonly args: string[],
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private process: ChildProcess,
    readonly kubeconfigPath: string,
    readonly server: string,
  ) {}

  static async start(
    options: StartTestClusterOptions = {},
  ): Promise<TestCluster> {
    const dataDir =
      options.dataDir ??
      fs.mkdtempSync(path.join(os.tmpdir(), 'zt-test-cluster-'));
    const args = ['--data-dir', dataDir];
    if (options.port) {
      args.push('--port', String(options.port));
    }
    if (options.crds ?? true) {
      args.push('--crds', await fetchCrds());
    }
    args.push(...(await producerArgs(options.producers ?? [])));
    const applyDirs = [...(options.apply ?? [])];
    if (options.onlineBoutique) {
      applyDirs.push(
        path.join(REPO_ROOT, 'examples/rbac'),
        path.join(REPO_ROOT, 'examples/online-boutique/cluster'),
      );
    }
    for (const dir of applyDirs) {
      if (!fs.existsSync(dir)) {
        throw new Error(`test-cluster: no manifests at ${dir}`);
      }
      args.push('--apply', dir);
    }
    const { child, ready } = await launch(args, dataDir);
    return new TestCluster(
      args,
      dataDir,
      options.dataDir === undefined,
      child,
      ready.kubeconfig,
      ready.server,
    );
  }

  /** A client configuration with cluster-admin rights. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.kubeconfigPath);
    return kc;
  }

  /**
   * Server-side applies an object as cluster-admin (created or updated, conflicts forced), as
   * `kubectl apply --server-side --force-conflicts --field-manager <fieldManager>` does.
   */
  async apply<T extends KubernetesObject>(
    object: T,
    fieldManager = 'zero-trust-test',
  ): Promise<T> {
    return KubernetesObjectApi.makeApiClient(this.kubeConfig()).patch(
      object,
      undefined,
      undefined,
      fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  /** A short-lived token of a ServiceAccount, from the TokenRequest API (no controller runs). */
  async tokenFor(namespace: string, serviceAccount: string): Promise<string> {
    const core = this.kubeConfig().makeApiClient(CoreV1Api);
    const response = await core.createNamespacedServiceAccountToken({
      name: serviceAccount,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    return response.status!.token;
  }

  /** A client configuration that authenticates as a ServiceAccount. */
  async kubeConfigFor(
    namespace: string,
    serviceAccount: string,
  ): Promise<KubeConfig> {
    const admin = this.kubeConfig();
    const token = await this.tokenFor(namespace, serviceAccount);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [admin.getCurrentCluster()!],
      users: [{ name: serviceAccount, token }],
      contexts: [
        {
          name: 'sa',
          cluster: admin.getCurrentCluster()!.name,
          user: serviceAccount,
        },
      ],
      currentContext: 'sa',
    });
    return kc;
  }

  /**
   * An X.509 client certificate and key (PEM) for a user and groups, signed by the client CA the
   * API server trusts (`--client-ca-file`), as a cluster's own CA would issue one.
   */
  async clientCertificateFor(
    user: string,
    groups: string[] = [],
  ): Promise<{ cert: string; key: string }> {
    const stdout = await this.harness('client-cert', [
      '--user',
      user,
      ...groups.flatMap(g => ['--group', g]),
    ]);
    return JSON.parse(stdout);
  }

  /**
   * An OIDC ID token from the issuer the API server trusts through its structured authentication
   * configuration: the user is `oidc:<subject>`, its groups `oidc:<group>`. A negative `ttlSeconds`
   * gives an expired token; another `audience` one the API server must refuse.
   */
  async oidcTokenFor(
    subject: string,
    options: { groups?: string[]; audience?: string; ttlSeconds?: number } = {},
  ): Promise<string> {
    const args = ['--subject', subject];
    for (const group of options.groups ?? []) args.push('--group', group);
    if (options.audience) args.push('--audience', options.audience);
    if (options.ttlSeconds !== undefined) {
      args.push('--ttl', `${options.ttlSeconds}s`);
    }
    return (await this.harness('oidc-token', args)).trim();
  }

  private async harness(command: string, args: string[]): Promise<string> {
    const binary = await harnessBinary();
    return new Promise((resolve, reject) => {
      execFile(
        binary,
        [command, '--data-dir', this.dataDir, ...args],
        { encoding: 'utf8' },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`test-cluster ${command}: ${stderr || error}`))
            : resolve(stdout),
      );
    });
  }

  /** The exit code of the last stopped server process (0 after a clean SIGTERM shutdown). */
  get exitCode(): number | null {
    return this.process.exitCode;
  }

  /** Stops the server; the data folder stays for restart(). */
  async stop(): Promise<void> {
    await terminate(this.process);
  }

  /** Stops the server and deletes the data folder if start() made it (a temporary one). */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) {
      fs.rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  /** Stops and starts again on the same port with the same data, like an apiserver restart. */
  async restart(): Promise<void> {
    await this.stop();
    this.process = (await launch(this.args, this.dataDir)).child;
  }
}

/**
 * The path of the harness binary, built by scripts/build.sh on first use (15-20 minutes cold)
 * and cached outside the clone.
 *
 * @public
 */
export function harnessBinary(): Promise<string> {
  return runScript('build.sh');
}

const GO_TOOLS = path.join(REPO_ROOT, 'scripts', 'go-tools.sh');

/** The harness flags that start the requested producers, from the Go tools' cache. */
async function producerArgs(
  producers: NonNullable<StartTestClusterOptions['producers']>,
): Promise<string[]> {
  const tools = [
    ...(producers.includes('kwok') ? ['kwok'] : []),
    ...(producers.includes('kyverno') ? ['kyverno-controllers'] : []),
    ...(producers.includes('argo-rollouts') ? ['argo-rollouts'] : []),
  ];
  const args = producers.length > 0 ? ['--controllers'] : [];
  if (tools.length === 0) {
    return args;
  }
  const binDir = await new Promise<string>((resolve, reject) => {
    execFile(
      'bash',
      [GO_TOOLS],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          ZT_GO_TOOLS: tools.join(' '),
          ZT_GO_TOOLS_CHECK: '1',
        },
      },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(
                `test-cluster: the producers ${tools.join(
                  ', ',
                )} are not built; run \`ZT_GO_TOOLS="${tools.join(
                  ' ',
                )}" scripts/go-tools.sh\` (needs Go 1.26+).\n${stderr}`,
              ),
            )
          : resolve(stdout.trim()),
    );
  });
  if (producers.includes('kwok')) {
    args.push(
      '--kwok',
      path.join(binDir, 'kwok'),
      '--kwok-stages',
      path.join(binDir, 'kwok-stages.yaml'),
    );
  }
  if (producers.includes('kyverno') || producers.includes('argo-rollouts')) {
    // The CRDs only the controllers need (scripts/fetch-crds.sh puts them beside the others).
    args.push('--crds', `${await fetchCrds()}-producers`);
  }
  if (producers.includes('kyverno')) {
    args.push('--kyverno', path.join(binDir, 'kyverno-controllers'));
  }
  if (producers.includes('argo-rollouts')) {
    args.push('--argo-rollouts', path.join(binDir, 'rollouts-controller'));
  }
  return args;
}

/** The folder of upstream CRDs, copied from their Go modules by scripts/fetch-crds.sh. */
export function fetchCrds(): Promise<string> {
  return runScript('fetch-crds.sh');
}

function runScript(name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      path.join(PACKAGE_DIR, 'scripts', name),
      // Jest gives tests their own process.env: hand it over explicitly.
      { encoding: 'utf8', maxBuffer: 1 << 20, env: process.env },
      (error, stdout) => {
        if (error) {
          reject(
            new Error(
              `test-cluster: scripts/${name} failed (${error.message.trim()}); the real API server tests need Go 1.26+ ('go' on PATH or in /usr/local/go/bin) and the Go module proxy`,
            ),
          );
        } else {
          resolve(stdout.trim());
        }
      },
    );
    // Progress and errors of the scripts (a cold build takes minutes) go to our stderr.
    child.stderr?.pipe(process.stderr);
  });
}

async function launch(
  args: string[],
  dataDir: string,
): Promise<{ child: ChildProcess; ready: Ready }> {
  const logFile = path.join(dataDir, 'test-cluster.log');
  fs.mkdirSync(dataDir, { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const child = spawn(await harnessBinary(), args, {
    env: process.env,
    stdio: ['ignore', 'pipe', log],
  });
  fs.closeSync(log);
  const tail = () =>
    fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`test-cluster: not ready after 3 minutes\n${tail()}`));
    }, 180_000);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(
        new Error(
          `test-cluster: exited with ${code} before it was ready\n${tail()}`,
        ),
      );
    });
    // The harness announces readiness with one JSON line on stdout.
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', line => {
      try {
        const parsed = JSON.parse(line) as Ready;
        if (parsed.kubeconfig && parsed.server) {
          clearTimeout(timer);
          lines.removeAllListeners('line');
          resolve(parsed);
        }
      } catch {
        // not the ready line
      }
    });
  });
  child.removeAllListeners('exit');
  return { child, ready };
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  await new Promise<void>(resolve => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
