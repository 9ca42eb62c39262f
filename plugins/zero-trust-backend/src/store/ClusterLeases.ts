import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { ClusterSource } from '../sources/types';
import { PostureStore } from './PostureStore';
import { ReplicaSettings } from './settings';

/** How often each replica asks the scheduler for a free lease (its task's cadence). */
const CLAIM_POLL_MS = 1_000;
/** How often the watching replica says so in the store. */
const RENEW_MS = 2_000;
/** An ownership not renewed for this long belongs to a replica that is gone. */
export const OWNER_FRESH_MS = 3 * RENEW_MS;
/**
 * How long a replica keeps watching after its lease run ended, to take the next run itself: the
 * watch then goes on without a new LIST. Longer than a few claim polls.
 */
const GRACE_MS = 5 * CLAIM_POLL_MS;

const taskId = (cluster: string) => `watch-cluster:${cluster}`;

interface Watch {
  source: ClusterSource;
  timers: NodeJS.Timeout[];
  grace?: NodeJS.Timeout;
}

/**
 * Each live cluster is watched by one replica at a time. The lease is the lock of a global
 * scheduler task per cluster (Backstage's scheduler, in the shared database): a run holds it for
 * `leaseTime` at most, the replica watches while it runs and records the postures of the
 * cluster's entities every `recordInterval`. Between two runs the watching replica keeps its watch
 * for a short grace and usually takes the next run; another replica that takes it meanwhile sees
 * the owner's fresh renewal in the store and lets the run go, so the API server never sees two
 * watches. A replica that stops releases its clusters at once. One that dies keeps its run's lock
 * until the scheduler's janitor frees it, a minute after it expired at worst; the other replicas
 * end that run sooner (see `endDeadRun`).
 */
export class ClusterLeases {
  private readonly sources = new Map<string, ClusterSource>();
  private readonly scheduled = new Set<string>();
  private readonly watches = new Map<string, Watch>();
  private readonly deadRunChecks = new Map<string, NodeJS.Timeout>();
  private stopping = false;

  constructor(
    private readonly options: {
      scheduler: SchedulerService;
      store: PostureStore;
      logger: LoggerService;
      /** This replica's name, unique among the replicas. */
      replica: string;
      settings: ReplicaSettings;
      /** Records the postures of the entities in a cluster this replica watches. */
      record: (cluster: string) => Promise<void>;
    },
  ) {}

  /** A live cluster whose watch this replica runs only while it holds the cluster's lease. */
  async add(source: ClusterSource): Promise<void> {
    this.sources.set(source.name, source);
    if (this.scheduled.has(source.name)) return;
    this.scheduled.add(source.name);
    const check = setInterval(() => {
      this.endDeadRun(source.name).catch(e =>
        this.options.logger.warn(
          `Zero Trust: checking the lease of cluster "${source.name}" failed: ${e}`,
        ),
      );
    }, RENEW_MS);
    check.unref?.();
    this.deadRunChecks.set(source.name, check);
    await this.options.scheduler.scheduleTask({
      id: taskId(source.name),
      scope: 'global',
      frequency: { milliseconds: CLAIM_POLL_MS },
      timeout: { milliseconds: this.options.settings.leaseMs },
      fn: signal => this.hold(source.name, signal),
    });
  }

  /** A cluster the locators no longer find (its task stays, and returns at once). */
  async remove(name: string): Promise<void> {
    this.sources.delete(name);
    await this.unwatch(name);
  }

  /** The clusters this replica watches now. */
  watching(): string[] {
    return [...this.watches.keys()];
  }

  /** Stops every watch and releases the clusters, for another replica to take at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.deadRunChecks.forEach(clearInterval);
    await Promise.all([...this.watches.keys()].map(name => this.unwatch(name)));
  }

  /** One lease run: watch (or go on watching) until the run's lock ends. */
  private async hold(name: string, signal: AbortSignal): Promise<void> {
    const { store, replica, logger } = this.options;
    const source = this.sources.get(name);
    if (!source || this.stopping) return;
    let watch = this.watches.get(name);
    if (watch) {
      clearTimeout(watch.grace);
      watch.grace = undefined;
    } else {
      const owner = await store.owner(name);
      if (
        owner &&
        owner.replica !== replica &&
        Date.now() - owner.renewedAt.getTime() < OWNER_FRESH_MS
      ) {
        return; // its owner is between two runs and about to take the next one
      }
      watch = this.watch(name, source);
      logger.info(`Zero Trust: this replica now watches cluster "${name}"`, {
        cluster: name,
      });
    }
    await store.renewOwner(name, replica, source.health());
    await new Promise<void>(resolve => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    if (this.stopping || this.watches.get(name) !== watch) return;
    watch.grace = setTimeout(() => {
      this.unwatch(name).catch(e =>
        logger.warn(`Zero Trust: stopping cluster "${name}" failed: ${e}`),
      );
    }, GRACE_MS);
  }

  /**
   * A replica that died (SIGKILL, lost node) keeps its run's lock until the scheduler's janitor
   * frees it, and the janitor runs once a minute (backend-defaults' DefaultSchedulerService). An
   * owner that has not renewed for a whole `leaseTime` (nor for OWNER_FRESH_MS) is gone, and its
   * run's lock has expired: each run renews when it starts and lasts `leaseTime` at most. So the
   * other replicas end that run as the janitor would, through the scheduler's own `cancelTask` (it
   * marks the task idle; nothing else touches the scheduler's tables), and one takes the next run.
   * (Replicas compare their clocks here, as with OWNER_FRESH_MS: keep them in sync.)
   */
  private async endDeadRun(name: string): Promise<void> {
    const { store, replica, scheduler, settings, logger } = this.options;
    if (this.stopping || this.watches.has(name) || !this.sources.has(name)) {
      return;
    }
    const owner = await store.owner(name);
    if (!owner || owner.replica === replica) return;
    const silentMs = Date.now() - owner.renewedAt.getTime();
    if (silentMs <= Math.max(settings.leaseMs, OWNER_FRESH_MS)) return;
    try {
      await scheduler.cancelTask(taskId(name));
    } catch (e) {
      // ConflictError: no run holds it any more (the janitor or another replica ended it).
      if ((e as Error)?.name === 'ConflictError') return;
      throw e;
    }
    logger.warn(
      `Zero Trust: replica ${
        owner.replica
      } has not renewed cluster "${name}" for ${Math.round(
        silentMs / 1000,
      )} s: its lease run is ended for another replica to take`,
      { cluster: name },
    );
  }

  private watch(name: string, source: ClusterSource): Watch {
    const { store, replica, logger, settings, record } = this.options;
    const watch: Watch = { source, timers: [] };
    this.watches.set(name, watch);
    source.start().catch(e => logger.warn(`Zero Trust: ${name}: ${e}`));
    const every = (ms: number, fn: () => Promise<void>, what: string) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        fn()
          .catch(e =>
            logger.warn(
              `Zero Trust: ${what} of cluster "${name}" failed: ${e}`,
            ),
          )
          .finally(() => (busy = false));
      }, ms);
      timer.unref?.();
      watch.timers.push(timer);
    };
    every(
      RENEW_MS,
      () => store.renewOwner(name, replica, source.health()),
      'renewing the lease',
    );
    every(
      settings.recordMs,
      async () => {
        // Not before every kind answered once: a cache still listing would record `unknown`.
        if (source.health().kinds?.some(k => k.state === 'pending')) return;
        await record(name);
      },
      'recording the postures',
    );
    return watch;
  }

  private async unwatch(name: string): Promise<void> {
    const watch = this.watches.get(name);
    if (!watch) return;
    this.watches.delete(name);
    clearTimeout(watch.grace);
    watch.timers.forEach(clearInterval);
    await watch.source.stop();
    await this.options.store.releaseOwner(name, this.options.replica);
    this.options.logger.info(
      `Zero Trust: this replica no longer watches cluster "${name}"`,
      { cluster: name },
    );
  }
}
