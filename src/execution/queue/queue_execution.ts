import { isAbsolute } from "../../path.ts";
import { CrystallizeError } from "../../errors.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import {
  BasePlugin,
  type ExperimentView,
  type LoopContext,
  type ReplicateFunction,
} from "../../run/plugin.ts";
import type { WorkerPermissions } from "../worker/permissions.ts";
import { DEFAULT_QUEUE, queueKeys } from "./queue_keys.ts";
import { redisAddress } from "./redis_connection.ts";

/** Options of {@linkcode QueueExecution}. */
export interface QueueExecutionOptions {
  /** Redis URL: `redis://host:port` (optionally `redis://user:password@host:port/db`). */
  connection: string;
  /** BullMQ queue name; workers started with the same `--queue` take its jobs. Default `crystallize`. */
  queue?: string;
  /** Replicates per job; default: a 32nd of the run's replicates, 1 to 50. */
  batchSize?: number;
  /** Permissions experiment code gets on top of its folders (a worker grants no more than its own `--allow-*`). */
  permissions?: WorkerPermissions;
  /** V8 heap limit of each worker process, MiB. */
  maxHeapMb?: number;
  /** How long cancelled workers may finish their replicate before they are killed, ms; default 1000. */
  cancelGraceMs?: number;
  /** How long a run waits for Redis when it goes away before failing, ms; default 60000. */
  redisWaitMs?: number;
  /** How often unfinished jobs are checked for having failed or gone missing, ms; default 1000. */
  checkEveryMs?: number;
  /**
   * A folder this process and the workers share (an NFS mount, say; an
   * absolute path): workers started with `--shared-output` naming it write
   * artifacts there, and only their size and hash travel through Redis.
   */
  sharedOutput?: string;
}

/** Most replicates in one job. */
const MAX_BATCH = 10_000;

/**
 * Runs replicates as BullMQ jobs on Redis, for `crystallize worker`
 * processes on any number of machines (start them with `crystallize worker
 * --redis URL`). The coordinator — this process, or the CLI for `crystallize
 * run --executor queue` — packs the experiment's folders, the local files
 * its modules import, the project's bare-name imports and the upstream
 * runs it reads into a content-addressed bundle stored in Redis (workers
 * need no checkout),
 * enqueues batches of `batchSize` replicates, and records each replicate
 * once as results stream back in any order; outcomes come back in
 * replicate order and are bit-identical to a serial run with the same seed.
 * Workers run the code in the same sandboxed worker processes as
 * `ParallelExecution({ executorType: "process" })`: read on the bundle,
 * write on a scratch output root, and only the `permissions` their own
 * `--allow-*` flags also grant. Artifacts travel back into this run's stored
 * version: through Redis, or with `sharedOutput` through a folder this
 * process and the workers share, checked before they are stored. A worker killed mid-batch has its batch redelivered (after its
 * lock expires) and recorded once; a run whose coordinator died is picked
 * up by `strategy: "resume"`; cancelling removes the run's queued jobs.
 * BullMQ and ioredis are loaded only when a run uses the queue; this
 * process needs `--allow-net` to Redis and `--ignore-env` (or `--allow-env`)
 * for them, and `--allow-run=deno` to find the imported files (`deno info`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, QueueExecution } from "@crystallize/deno";
 *
 * const execution = new QueueExecution({ connection: "redis://127.0.0.1:6379", batchSize: 50 });
 * const builder = Experiment.builder("on_cluster").plugins([execution]);
 * assert.equal(execution.executionStrategy, "queue(redis=127.0.0.1:6379, queue=crystallize)");
 * // A shared output root is where it is mounted here: an absolute path.
 * assert.throws(() => new QueueExecution({ connection: "redis://127.0.0.1:6379", sharedOutput: "shared" }), /absolute/);
 * void builder;
 * ```
 */
export class QueueExecution extends BasePlugin {
  /** Redis URL. */
  readonly connection: string;
  /** Queue name. */
  readonly queue: string;
  /** Replicates per job, when set. */
  readonly batchSize: number | undefined;
  /** Extra permissions of experiment code. */
  readonly permissions: WorkerPermissions;
  /** Heap limit per worker process, MiB. */
  readonly maxHeapMb: number | undefined;
  /** Grace period of cancelled workers, ms. */
  readonly cancelGraceMs: number;
  /** How long a run waits for Redis, ms. */
  readonly redisWaitMs: number;
  /** How often unfinished jobs are checked, ms. */
  readonly checkEveryMs: number;
  /** The shared output root, when set. */
  readonly sharedOutput: string | undefined;

  /** Creates the plugin; a bad URL, queue name or number throws. */
  constructor(options: QueueExecutionOptions) {
    super();
    redisAddress(options.connection);
    this.connection = options.connection;
    this.queue = queueKeys(options.queue ?? DEFAULT_QUEUE).queue;
    this.batchSize = options.batchSize === undefined
      ? undefined
      : whole("batchSize", options.batchSize, 1, MAX_BATCH);
    this.permissions = options.permissions ?? {};
    this.maxHeapMb = options.maxHeapMb;
    this.cancelGraceMs = whole("cancelGraceMs", options.cancelGraceMs ?? 1000, 0, 600_000);
    this.redisWaitMs = whole("redisWaitMs", options.redisWaitMs ?? 60_000, 0, 86_400_000);
    this.checkEveryMs = whole("checkEveryMs", options.checkEveryMs ?? 1000, 10, 3_600_000);
    if (options.sharedOutput !== undefined && !isAbsolute(options.sharedOutput)) {
      throw new CrystallizeError(
        `QueueExecution: sharedOutput must be an absolute path (where the shared folder is mounted here), got '${options.sharedOutput}'`,
      );
    }
    this.sharedOutput = options.sharedOutput;
  }

  /** Strategy name in provenance. */
  override get executionStrategy(): string {
    return `queue(redis=${redisAddress(this.connection).hostPort}, queue=${this.queue})`;
  }

  /** Runs the replicates on the queue. */
  override async runExperimentLoop(
    experiment: ExperimentView,
    _replicateFn: ReplicateFunction,
    loop: LoopContext,
  ): Promise<readonly ReplicateOutcome[]> {
    // Loaded on the first queue run, not with the library (which every worker process loads).
    const { runOnQueue } = await import("./queue_loop.ts");
    await runOnQueue(this, experiment, loop);
    return []; // all reported: an array, so a run that reported none never falls back to serial
  }
}

function whole(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CrystallizeError(
      `QueueExecution: ${name} must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}
