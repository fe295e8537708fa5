import type { Buffer } from "node:buffer";
import type { Queue } from "npm:bullmq@6.7.0";
import type { Redis } from "npm:ioredis@5.8.2";
import { errorMessage } from "../../errors.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import { RunRecorder } from "../../storage/run_recorder.ts";
import { failedOutcome } from "../worker/failed_outcome.ts";
import type { WorkerRunSinks } from "../worker/run_on_workers.ts";
import type { PoolRun } from "../worker/worker_launcher.ts";
import { landArtifacts } from "./artifact_landing.ts";
import { type QueueKeys, queueKeys } from "./queue_keys.ts";
import { type BatchResult, decodeResult, jobId, type QueueRunRequest } from "./queue_task.ts";
import { loadQueueLibrary, openRedis, quietly, redisAddress } from "./redis_connection.ts";
import { RedisWatchdog } from "./redis_watchdog.ts";
import { type Batch, reusedBatches, splitIntoBatches, withoutReused } from "./batches.ts";
import { lineageKey } from "./run_identity.ts";
import { publishRun, storeBundle, storeTask } from "./run_publication.ts";
import type { SharedRunFolder } from "./shared_output.ts";

/** A cancelled run's flag outlives every job it could still have running. */
const CANCELLED_TTL_S = 3600;
/** A batch whose result never arrives is enqueued again at most this often. */
const MAX_REQUEUES = 3;
/** Jobs enqueued on their own before the rest, so workers start while the rest are added. */
const FIRST_JOBS = 8;

/**
 * Coordinates one run on a BullMQ queue: stores the code bundle and the
 * run's task, enqueues its batches (one job each), reads finished batches
 * from the run's results stream in any order, records every replicate once
 * (a redelivered batch's second result is ignored) and reports it to
 * `loop.report` at once, keeping none. A run of the same experiment, code,
 * seed and settings whose coordinator died is reattached to (`strategy: "resume"`):
 * what finished meanwhile is collected, what is still queued stays queued,
 * and only batches found neither finished nor queued (lost with a Redis
 * that ran without persistence) are enqueued again. Cancelling removes the
 * run's queued jobs and flags the run, which stops the workers running its
 * batches. A job that failed for good is recorded as failed replicates.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server and `crystallize worker` processes.
 * import { coordinateQueueRun } from "./coordinator.ts";
 *
 * const report = (outcome: ReplicateOutcome) => console.log(outcome.replicate);
 * await coordinateQueueRun(request, { events: undefined, logger: console }, { replicates: 8, signal, report });
 * ```
 */
export async function coordinateQueueRun(
  request: QueueRunRequest,
  sinks: WorkerRunSinks,
  loop: Pick<PoolRun, "replicates" | "signal" | "report">,
): Promise<void> {
  const address = redisAddress(request.connection);
  const { Queue } = await loadQueueLibrary();
  const redis = await openRedis(address);
  const reader = quietly(redis.duplicate());
  const queueConnection = quietly(redis.duplicate());
  const queue = new Queue(queueKeys(request.queue).queue, { connection: queueConnection });
  queue.on("error", () => {}); // outages are reported by the watchdog
  const run = new CoordinatedRun(request, sinks, loop, redis, reader, queue);
  try {
    return await run.run();
  } finally {
    await queue.close().catch(() => {});
    // BullMQ leaves connections it was given open.
    for (const connection of [queueConnection, reader, redis]) connection.disconnect();
  }
}

class CoordinatedRun {
  readonly #request: QueueRunRequest;
  readonly #sinks: WorkerRunSinks;
  readonly #signal: AbortSignal;
  readonly #redis: Redis;
  readonly #reader: Redis;
  readonly #queue: Queue;
  readonly #keys: QueueKeys;
  readonly #report: PoolRun["report"];
  /** 1 for each replicate recorded (a byte each: outcomes are reported, not kept). */
  readonly #recorded: Uint8Array;
  readonly #batches: Batch[];
  readonly #batchOf: number[];
  readonly #recorder: RunRecorder | undefined;
  #namespace = "";
  /** Whether this run continues one whose coordinator stopped (its jobs may still be queued). */
  #reattached = false;
  /** The run's folder on the shared output root, if it has one, and its token. */
  #shared: SharedRunFolder | undefined;
  #sharedToken: string | undefined;
  #done = 0;
  #lastId = "0-0";

  constructor(
    request: QueueRunRequest,
    sinks: WorkerRunSinks,
    loop: Pick<PoolRun, "replicates" | "signal" | "report">,
    redis: Redis,
    reader: Redis,
    queue: Queue,
  ) {
    this.#request = request;
    this.#sinks = sinks;
    this.#signal = loop.signal;
    this.#redis = redis;
    this.#reader = reader;
    this.#queue = queue;
    this.#keys = queueKeys(request.queue);
    this.#report = loop.report;
    this.#recorded = new Uint8Array(loop.replicates);
    ({ batches: this.#batches, batchOf: this.#batchOf } = splitIntoBatches(
      loop.replicates,
      request.batchSize,
    ));
    this.#recorder = request.spec.record === undefined
      ? undefined
      : new RunRecorder(request.spec.record, sinks.logger);
  }

  async run(): Promise<void> {
    const watchdog = new RedisWatchdog(this.#redis, this.#request, this.#sinks.logger);
    try {
      await Promise.race([this.#coordinate(), watchdog.failed]);
    } finally {
      watchdog.stop();
      this.#recorder?.flush();
    }
  }

  async #coordinate(): Promise<void> {
    this.#recordReused();
    await this.#publish();
    await this.#enqueue(this.#batches.filter((b) => !b.finished), this.#reattached);
    let checked = performance.now();
    while (this.#done < this.#recorded.length && !this.#signal.aborted) {
      await this.#collect(250);
      if (performance.now() - checked >= this.#request.checkEveryMs) {
        checked = performance.now();
        await this.#checkUnfinished();
      }
    }
    if (this.#done < this.#recorded.length) await this.#cancel();
    else await this.#cleanUp();
  }

  /** Replicates a resumed run reuses in every condition need no job. */
  #recordReused(): void {
    for (const batch of reusedBatches(this.#batches, this.#request.spec)) {
      for (const r of batch.replicates) this.#store(r, { replicate: r, conditions: [] }, false);
      batch.finished = true;
    }
  }

  /** Stores the bundle and the task, or finds the unfinished run this one continues. */
  async #publish(): Promise<void> {
    const published = await publishRun(
      this.#redis,
      this.#request,
      this.#size(),
      this.#sinks.logger,
    );
    this.#namespace = published.namespace;
    this.#reattached = published.reattached;
    this.#shared = published.shared;
    this.#sharedToken = published.sharedToken;
  }

  #size() {
    return { replicates: this.#recorded.length, batches: this.#batches.length };
  }

  async #enqueue(batches: readonly Batch[], onlyMissing: boolean): Promise<void> {
    const jobs = [];
    // One round trip; then results, which a worker adds before its job completes and goes.
    const queued = onlyMissing
      ? await Promise.all(batches.map((b) => this.#queue.getJob(jobId(this.#namespace, b.index))))
      : [];
    if (onlyMissing) await this.#collect(0);
    for (const [i, batch] of batches.entries()) {
      const id = jobId(this.#namespace, batch.index);
      if (queued[i] !== undefined || batch.finished) continue;
      jobs.push({
        name: "batch",
        data: { run: this.#namespace, batch: batch.index, replicates: batch.replicates },
        opts: { jobId: id, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } },
      });
    }
    for (let at = 0; at < jobs.length;) {
      const next = at === 0 ? FIRST_JOBS : at + 1000;
      await this.#queue.addBulk(jobs.slice(at, next));
      at = next;
    }
  }

  /** Reads finished batches from the results stream, waiting up to `blockMs` for the first. */
  async #collect(blockMs: number): Promise<void> {
    const key = this.#keys.runResults(this.#namespace);
    const reply = blockMs > 0
      ? await this.#reader.xreadBuffer(
        "COUNT",
        1000,
        "BLOCK",
        blockMs,
        "STREAMS",
        key,
        this.#lastId,
      )
      : await this.#reader.xreadBuffer("COUNT", 1000, "STREAMS", key, this.#lastId);
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        this.#lastId = id.toString();
        await this.#onResult(fields[1]);
      }
    }
    if (blockMs === 0 && (reply?.[0]?.[1].length ?? 0) === 1000) await this.#collect(0);
  }

  async #onResult(bytes: Buffer | undefined): Promise<void> {
    let result: BatchResult;
    try {
      result = decodeResult(bytes ?? new Uint8Array());
    } catch (error) {
      this.#sinks.logger.warn(
        `ignored a result on queue '${this.#request.queue}': ${errorMessage(error)}`,
      );
      return;
    }
    try {
      await this.#take(result);
    } finally {
      // Taken or ignored (a redelivered batch's second result), its files are not needed.
      await this.#shared?.discard(result.artifacts.flatMap((a) => "file" in a ? [a.file] : []));
    }
  }

  async #take(result: BatchResult): Promise<void> {
    const batch = this.#batches[result.batch];
    if (batch === undefined || batch.finished) return; // unknown, or a redelivered batch's second result
    if (result.error !== undefined) {
      this.#fail(batch, `worker ${result.worker} could not run it: ${result.error.message}`);
      return;
    }
    const known = new Set(this.#request.spec.conditions.map((c) => c.name));
    const stray = result.outcomes.flatMap((o) => o.conditions).find((c) => !known.has(c.condition));
    if (stray !== undefined) {
      // Not this run's: ignored, so the batch counts as missing and is enqueued again.
      this.#sinks.logger.warn(
        `ignored worker ${result.worker}'s result for batch ${batch.index}: it reports condition '${stray.condition}', which run ${this.#namespace} does not have`,
      );
      return;
    }
    const fresh = new Map<number, ReplicateOutcome>();
    for (const outcome of result.outcomes) {
      const r = outcome.replicate;
      if (this.#batchOf[r] !== batch.index || this.#recorded[r] === 1) continue;
      const kept = withoutReused(outcome, this.#request.spec.reused);
      this.#store(r, kept);
      fresh.set(r, kept);
    }
    await landArtifacts(result, new Set(fresh.keys()), (r) => fresh.get(r), {
      recorder: this.#recorder,
      shared: this.#shared,
      logger: this.#sinks.logger,
    });
    for (const event of result.events) {
      if ("replicate" in event && fresh.has(event.replicate)) this.#sinks.events?.emit(event);
    }
    if (fresh.size > 0) {
      for (const log of result.logs) {
        this.#sinks.logger[log.level](log.message, { ...log.fields, worker: result.worker });
      }
    }
    batch.finished = batch.replicates.every((r) => this.#recorded[r] === 1);
  }

  /** Records (`append`: in the stored run too) and reports an outcome; callers skip recorded ones. */
  #store(replicate: number, outcome: ReplicateOutcome, append = true): void {
    this.#recorded[replicate] = 1;
    this.#done++;
    if (append) this.#recorder?.appendOutcome(outcome);
    this.#report(outcome);
  }

  /**
   * Unfinished batches whose job failed for good are recorded as failed;
   * those whose job is gone without a result (lost by Redis) are enqueued again.
   */
  async #checkUnfinished(): Promise<void> {
    const lost: Batch[] = [];
    const pending = this.#batches.filter((b) => !b.finished);
    // Asked all at once: the replies come back in one round trip, not one per batch.
    const states = await Promise.all(
      pending.map((b) => this.#queue.getJobState(jobId(this.#namespace, b.index))),
    );
    for (const [i, batch] of pending.entries()) {
      const state = states[i];
      if (batch.finished) continue;
      if (state === "failed") {
        const job = await this.#queue.getJob(jobId(this.#namespace, batch.index));
        this.#fail(batch, job?.failedReason ?? "the job failed");
      } else if (state === "unknown" || state === "completed") {
        // A completed job's result is in the stream before the job completes: read it first.
        await this.#collect(0);
        if (batch.finished) continue;
        if (batch.requeued++ < MAX_REQUEUES) lost.push(batch);
        else this.#fail(batch, `its job finished ${MAX_REQUEUES + 1} times without a result`);
      }
    }
    if (lost.length === 0) return;
    // A Redis that lost the jobs lost the task and the bundle with them: workers need both.
    if (await this.#redis.exists(this.#keys.runTask(this.#namespace)) === 0) {
      await storeBundle(this.#redis, this.#keys, this.#request.bundle);
      const run = { namespace: this.#namespace, sharedToken: this.#sharedToken };
      await storeTask(this.#redis, this.#request, run, this.#size());
    }
    this.#sinks.logger.warn(
      `${lost.length} batch${
        lost.length === 1 ? "" : "es"
      } of run ${this.#namespace} went missing from queue '${this.#request.queue}' (Redis restarted without persistence?); enqueued again`,
    );
    await this.#enqueue(lost, false);
  }

  #fail(batch: Batch, reason: string): void {
    const error = {
      name: "QueueJobError",
      message: `the queue job of replicates ${batch.replicates[0]}–${
        batch.replicates.at(-1)
      } failed: ${reason}`,
    };
    for (const r of batch.replicates) {
      if (this.#recorded[r] !== 1) {
        this.#store(r, failedOutcome(this.#request.spec, r, error, this.#sinks.events));
      }
    }
    batch.finished = true;
  }

  /** Flags the run cancelled (workers stop its batches) and removes its queued jobs. */
  async #cancel(): Promise<void> {
    await this.#redis.set(this.#keys.runCancelled(this.#namespace), "1", "EX", CANCELLED_TTL_S);
    for (const batch of this.#batches) {
      if (batch.finished) continue;
      const job = await this.#queue.getJob(jobId(this.#namespace, batch.index));
      await job?.remove().catch(() => {}); // a running job is locked: its worker sees the flag
    }
    await this.#redis.expire(this.#keys.runTask(this.#namespace), CANCELLED_TTL_S);
    await this.#forget();
    await this.#shared?.remove();
  }

  async #cleanUp(): Promise<void> {
    await this.#forget(this.#keys.runTask(this.#namespace), this.#keys.runResults(this.#namespace));
    await this.#shared?.remove(); // what finished was taken; a killed worker's files are garbage
  }

  /** Removes the run's entry and lineage, and the `keys` given, in one round trip. */
  async #forget(...keys: string[]): Promise<void> {
    const lineage = this.#keys.lineage(lineageKey(this.#request, this.#recorded.length));
    await this.#redis.multi()
      .del(this.#keys.runMeta(this.#namespace), lineage, ...keys)
      .srem(this.#keys.runs, this.#namespace)
      .exec();
  }
}
