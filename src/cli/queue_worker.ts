/**
 * The service behind `crystallize worker`: takes batch jobs from a BullMQ
 * queue, runs them in sandboxed worker processes from the run's code
 * bundle, and writes each batch's outcomes, events, logs and artifacts to
 * the run's results stream; heartbeats for `crystallize cluster status`.
 * @module
 */
import { join } from "../path.ts";
import type { Job, Worker } from "npm:bullmq@6.7.0";
import type { Redis } from "npm:ioredis@5.8.2";
import type { LogRecord } from "../context/logger.ts";
import { errorMessage } from "../errors.ts";
import type { ProgressEvent } from "../run/events.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";
import { LIBRARY_VERSION, type UnpackedBundle } from "../execution/queue/bundle.ts";
import { BundleError } from "../execution/queue/bundle_error.ts";
import { BundleCache } from "../execution/queue/bundle_cache.ts";
import { type QueueKeys, queueKeys } from "../execution/queue/queue_keys.ts";
import {
  type BatchJob,
  type BatchResult,
  checkJob,
  decodeTask,
  encode,
  type QueueTask,
} from "../execution/queue/queue_task.ts";
import {
  loadQueueLibrary,
  openRedis,
  quietly,
  redisAddress,
} from "../execution/queue/redis_connection.ts";
import { workRootName } from "../execution/queue/run_identity.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import { runOnWorkers } from "../execution/worker/run_on_workers.ts";
import { WorkerPool } from "../execution/worker/worker_pool.ts";
import { type WorkerRunSetup, workerRunSetup } from "./queue_worker_sandbox.ts";
import { sharedArtifacts, sharedRunFolderOf, shippedArtifacts } from "./queue_worker_artifacts.ts";
import { failedBatch, giveBack, type HeldBatch, Slots } from "./queue_worker_held.ts";
import { hostName, reportWorker } from "./queue_worker_beat.ts";

/** How a queue worker runs. */
export interface QueueWorkerOptions {
  /** Redis URL. */
  readonly connection: string;
  /** Queue name. */
  readonly queue: string;
  /** Batches run at once (one worker process each). */
  readonly concurrency: number;
  /** The most a run's code may be granted: the worker's own `--allow-*` flags. */
  readonly permissions: WorkerPermissions;
  /** Folder for unpacked bundles and scratch output roots (absolute). */
  readonly cacheDir: string;
  /** The shared output root (absolute): runs whose coordinator has it get their artifacts written there. */
  readonly sharedOutput?: string;
  /** How many unpacked bundles the cache keeps (the most recently used; never one in use). */
  readonly bundleCacheMax: number;
  /** The Crystallize library worker processes load. */
  readonly library: string;
  /** How long a job's lock lasts without renewal, ms: a dead worker's job comes back after about twice this. */
  readonly lockDurationMs: number;
  /** How often BullMQ looks for stalled jobs, ms. */
  readonly stalledIntervalMs: number;
  /** How often the worker reports itself, ms. */
  readonly heartbeatMs: number;
  /** Where the worker says what it does. */
  readonly log: (line: string) => void;
}

/** Runs whose setup (task, bundle, launch) a worker keeps. */
const KEPT_RUNS = 16;

/**
 * A running queue worker; {@linkcode QueueWorker.stop} ends it cleanly.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { QueueWorker } from "./queue_worker.ts";
 *
 * const worker = await QueueWorker.start(options);
 * Deno.addSignalListener("SIGTERM", () => worker.stop());
 * await worker.stopped;
 * ```
 */
export class QueueWorker {
  /** This worker's id in Redis: `host:pid:random`. */
  readonly id: string;
  /** Resolves once the worker has stopped. */
  readonly stopped: Promise<void>;
  readonly #options: QueueWorkerOptions;
  readonly #keys: QueueKeys;
  readonly #redis: Redis;
  /** BullMQ's connection (it leaves connections it was given open). */
  readonly #jobConnection: Redis;
  readonly #pool: WorkerPool;
  readonly #runs = new Map<string, Promise<WorkerRunSetup>>();
  /** The bundle of each run in `#runs` once it is unpacked. */
  readonly #bundleOf = new Map<string, string>();
  /** Batches taken per run (counted before their setup is awaited: their bundle is in use). */
  readonly #active = new Map<string, number>();
  readonly #cache: BundleCache;
  /** Unpacking and pruning happen one at a time, so a prune never deletes what is being set up. */
  #unpacking: Promise<unknown> = Promise.resolve();
  readonly #running = new Map<string, HeldBatch>();
  /** One per worker process: a held job waits here for one. */
  readonly #slots: Slots;
  readonly #host: string;
  #worker!: Worker;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #stop!: () => void;
  #stopping = false;

  private constructor(options: QueueWorkerOptions, redis: Redis, jobConnection: Redis) {
    this.#options = options;
    this.#jobConnection = jobConnection;
    this.#keys = queueKeys(options.queue);
    this.#redis = redis;
    this.#host = hostName();
    this.id = `${this.#host}:${Deno.pid}:${crypto.randomUUID().slice(0, 8)}`;
    this.#pool = new WorkerPool({ keepAlive: true, maxIdle: options.concurrency });
    this.#cache = new BundleCache(options.cacheDir, options.bundleCacheMax);
    this.#slots = new Slots(options.concurrency);
    this.stopped = new Promise((resolve) => this.#stop = resolve);
  }

  /** Connects to Redis and starts taking jobs. */
  static async start(options: QueueWorkerOptions): Promise<QueueWorker> {
    const { Worker } = await loadQueueLibrary();
    const redis = await openRedis(redisAddress(options.connection));
    const self = new QueueWorker(options, redis, quietly(redis.duplicate()));
    self.#worker = new Worker(self.#keys.queue, (job, token) => self.#process(job, token), {
      connection: self.#jobConnection,
      // One job more than it runs: the next batch is fetched and set up while one runs.
      concurrency: options.concurrency + 1,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: 2,
    });
    self.#worker.on("error", (error) => options.log(`worker: ${errorMessage(error)}`));
    await self.#beat();
    self.#heartbeat = setInterval(() => self.#beat().catch(() => {}), options.heartbeatMs);
    options.log(
      `worker ${self.id} takes jobs from queue '${options.queue}' at ${
        redisAddress(options.connection).hostPort
      } (concurrency ${options.concurrency})`,
    );
    return self;
  }

  /**
   * Stops taking jobs, returns the job it holds but has not started, lets
   * the running batches finish (or, with `force`, returns them to the queue
   * at once: their locks are released, so another worker takes them), then
   * stops the worker processes and disconnects.
   */
  async stop(force = false): Promise<void> {
    if (this.#stopping && !force) return await this.stopped;
    this.#stopping = true;
    this.#slots.close();
    if (force) { for (const r of this.#running.values()) r.controller.abort(); }
    await this.#worker.close(force);
    clearInterval(this.#heartbeat);
    await this.#pool.close();
    await this.#redis.multi().del(this.#keys.worker(this.id)).srem(this.#keys.workers, this.id)
      .exec().catch(() => {});
    this.#jobConnection.disconnect();
    this.#redis.disconnect();
    this.#stop();
  }

  async #process(job: Job, token: string | undefined): Promise<void> {
    const batch = checkJob(job.data);
    const held: HeldBatch = { job: batch, since: undefined, controller: new AbortController() };
    this.#running.set(job.id!, held);
    this.#active.set(batch.run, (this.#active.get(batch.run) ?? 0) + 1);
    // Set up while the batch waits for a worker process; a failure is the batch's, below.
    const setup = this.#setupFor(batch.run);
    setup.catch(() => {});
    try {
      // Checked while the batch waits for a slot, not before: a batch of a cancelled run that
      // starts meanwhile is stopped, as the heartbeat stops one (a failed check: the next beat's).
      this.#redis.exists(this.#keys.runCancelled(batch.run))
        .then((flagged) => flagged === 1 && held.controller.abort(), () => {});
      if (!await this.#slots.acquire()) return await giveBack(job, token);
      let result: BatchResult | undefined;
      try {
        // The heartbeat aborts a held batch of a run cancelled while it waited.
        if (!held.controller.signal.aborted) result = await this.#runHeld(held, setup);
      } finally {
        this.#slots.release(); // the next batch starts while this one's result is written
      }
      if (result !== undefined) this.#send(batch, result);
    } finally {
      this.#running.delete(job.id!);
      const left = this.#active.get(batch.run)! - 1;
      if (left === 0) this.#active.delete(batch.run);
      else this.#active.set(batch.run, left);
    }
  }

  /**
   * Adds a batch's result to its run's results stream on BullMQ's own
   * connection, without waiting for the reply: Redis runs a connection's
   * commands in the order sent, so the job's completion, which BullMQ sends
   * next, comes after the result (a coordinator never sees a completed job
   * without it), and the next job arrives a round trip sooner. Should the
   * result fail to be added, the job completes without it, and the
   * coordinator enqueues the batch again as missing.
   */
  #send(batch: BatchJob, result: BatchResult): void {
    this.#jobConnection.xadd(this.#keys.runResults(batch.run), "*", "r", encode(result))
      .catch((error) =>
        this.#options.log(
          `run ${batch.run}: batch ${batch.batch}'s result was not stored: ${errorMessage(error)}`,
        )
      );
  }

  /** Runs a held batch on a worker process: its result, or `undefined` when it was cancelled. */
  async #runHeld(held: HeldBatch, setup: Promise<WorkerRunSetup>) {
    const { job: batch, controller } = held;
    held.since = Date.now();
    let result: BatchResult;
    try {
      const ready = await setup;
      await this.#cache.touch(ready.task.bundle);
      result = await this.#runBatch(ready, batch, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      // The run cannot run here (bundle, library, modules): the same on every try, so it is
      // reported once as failed replicates instead of being retried.
      this.#options.log(`run ${batch.run}: ${errorMessage(error)}`);
      result = failedBatch(batch, this.id, error);
    }
    return controller.signal.aborted ? undefined : result; // cancelled: not reported
  }

  async #runBatch(
    setup: WorkerRunSetup,
    batch: BatchJob,
    signal: AbortSignal,
  ): Promise<BatchResult> {
    const { task } = setup;
    // One attempt folder per run of a batch: a redelivered batch's files never mix with another's.
    const attempt = crypto.randomUUID();
    const scratch = !task.records
      ? undefined
      : setup.sharedRun === undefined
      ? join(setup.workRoot, "jobs", attempt)
      : join(setup.sharedRun, attempt);
    if (scratch !== undefined) await Deno.mkdir(scratch, { recursive: true });
    const spec = scratch === undefined
      ? setup.spec
      : { ...setup.spec, record: { dir: scratch, runId: setup.spec.runId } };
    let handedOver = false;
    const events: ProgressEvent[] = [];
    const logs: LogRecord[] = [];
    const log = (level: LogRecord["level"]) => (message: string, fields = {}) =>
      logs.push({ level, message, time: Date.now(), fields });
    try {
      // A batch is small, and its outcomes travel together in one result.
      const outcomes: ReplicateOutcome[] = [];
      await runOnWorkers(
        spec,
        {
          events: { ...spec.events, emit: (event) => events.push(event) },
          logger: {
            debug: log("debug"),
            info: log("info"),
            warn: log("warn"),
            error: log("error"),
          },
        },
        this.#pool,
        {
          workers: 1,
          launch: setup.launch,
          timeoutMs: task.timeoutMs,
          cancelGraceMs: task.cancelGraceMs,
        },
        { replicates: 0, indices: batch.replicates, signal, report: (o) => outcomes.push(o) },
      );
      outcomes.sort((a, b) => a.replicate - b.replicate);
      const artifacts = scratch === undefined
        ? []
        : setup.sharedRun === undefined
        ? await shippedArtifacts(scratch, outcomes)
        : await sharedArtifacts(setup.sharedRun, attempt, outcomes);
      // Files on the shared output root are the coordinator's to take, once the result is sent.
      handedOver = setup.sharedRun !== undefined && !signal.aborted;
      return { batch: batch.batch, worker: this.id, outcomes, events, logs, artifacts };
    } finally {
      if (scratch !== undefined && !handedOver) {
        await Deno.remove(scratch, { recursive: true }).catch(() => {});
      }
    }
  }

  #task(run: string): Promise<QueueTask> {
    return this.#redis.getBuffer(this.#keys.runTask(run)).then((bytes) => {
      if (bytes === null) throw new BundleError(`run ${run} is no longer on the queue`);
      return decodeTask(bytes);
    });
  }

  /** The setup of a run, made once: its task fetched, its bundle fetched, checked and unpacked. */
  #setupFor(run: string): Promise<WorkerRunSetup> {
    let setup = this.#runs.get(run);
    if (setup === undefined) {
      setup = this.#prepare(run);
      this.#runs.set(run, setup);
      setup.catch(() => this.#forget(run));
      // A long-lived worker serves many runs: only the latest few are kept.
      for (const old of this.#runs.keys()) {
        if (this.#runs.size <= KEPT_RUNS) break;
        if (!this.#active.has(old)) this.#forget(old); // a run with batches taken keeps its bundle
      }
    }
    return setup;
  }

  async #prepare(run: string): Promise<WorkerRunSetup> {
    const task = await this.#task(run);
    const bytes = await this.#redis.getBuffer(this.#keys.bundle(task.bundle));
    if (bytes === null) {
      throw new BundleError(`the code bundle ${task.bundle} of run ${run} is not in Redis`);
    }
    const bundle = await this.#unpack(run, bytes, task.bundle);
    if (bundle.manifest.library.version !== LIBRARY_VERSION) {
      throw new BundleError(
        `run ${run} was started with Crystallize ${bundle.manifest.library.version}, and this worker runs ${LIBRARY_VERSION}; ` +
          "start workers of the coordinator's version",
      );
    }
    const shared = this.#options.sharedOutput;
    const sharedRun = shared === undefined ? undefined : await sharedRunFolderOf(shared, task);
    if (shared !== undefined && task.sharedToken !== undefined && sharedRun === undefined) {
      this.#options.log(
        `run ${run}: its coordinator's shared output root is not ${shared} here (no ${run}/run.token of this run in it); its artifacts travel through Redis`,
      );
    }
    return workerRunSetup(task, bundle, {
      library: this.#options.library,
      // One per computation in the bundle's folder: the bundle cache prunes them with it.
      workRoot: join(this.#cache.workRoot(task.bundle), workRootName(task)),
      own: this.#options.permissions,
      ...(sharedRun === undefined ? {} : { sharedRun }),
    });
  }

  /**
   * Unpacks a run's bundle, then prunes the cache: bundles of runs with
   * batches taken stay, and runs whose bundle went are set up afresh.
   */
  #unpack(run: string, bytes: Uint8Array, hash: string): Promise<UnpackedBundle> {
    const done = this.#unpacking.then(async () => {
      const bundle = await this.#cache.unpack(bytes, hash);
      this.#bundleOf.set(run, hash);
      const inUse = new Set([hash]);
      for (const active of this.#active.keys()) {
        const used = this.#bundleOf.get(active);
        if (used !== undefined) inUse.add(used);
      }
      const deleted = new Set(await this.#cache.prune(inUse));
      for (const [other, used] of this.#bundleOf) if (deleted.has(used)) this.#forget(other);
      if (deleted.size > 0) {
        this.#options.log(`pruned ${deleted.size} unused bundle(s) from the cache`);
      }
      return bundle;
    });
    this.#unpacking = done.catch(() => {});
    return done;
  }

  #forget(run: string): void {
    this.#runs.delete(run);
    this.#bundleOf.delete(run);
  }

  /** Reports this worker and stops the batches of runs that were cancelled. */
  async #beat(): Promise<void> {
    const { concurrency, heartbeatMs } = this.#options;
    const about = { id: this.id, host: this.#host, concurrency, heartbeatMs };
    const held = [...this.#running.values()];
    const cancelled = await reportWorker(this.#redis, this.#keys, about, held);
    for (const r of held) if (cancelled.has(r.job.run)) r.controller.abort();
  }
}
