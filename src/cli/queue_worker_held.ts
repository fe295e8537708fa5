/**
 * What a queue worker holds: it takes one job more than it runs, so the
 * next batch is fetched, and its run set up, while the current one runs,
 * and a worker process never waits for Redis between batches. A held batch
 * waits for one of the worker's slots (one per worker process); a worker
 * that stops gives the held job back to the queue.
 * @module
 */
import type { Job } from "npm:bullmq@6.7.0";
import type { BatchJob, BatchResult } from "../execution/queue/queue_task.ts";
import { errorData } from "../execution/worker/messages.ts";

/** A batch a worker holds: waiting for a worker process (`since` undefined), or running. */
export interface HeldBatch {
  /** The job's data. */
  readonly job: BatchJob;
  /** When it started running, ms since the epoch. */
  since: number | undefined;
  /** Aborted when its run is cancelled or the worker stops at once. */
  readonly controller: AbortController;
}

/**
 * Returns a held job to the queue (its worker stops) and throws the error
 * that tells BullMQ the job was moved: another worker takes it.
 *
 * @example
 * ```ts ignore
 * // Inside a BullMQ processor `(job, token) => ...`; needs a Redis server.
 * import { giveBack } from "./queue_worker_held.ts";
 *
 * if (!await slots.acquire()) return await giveBack(job, token);
 * ```
 */
export async function giveBack(job: Job, token: string | undefined): Promise<never> {
  await job.moveToWait(token);
  const error = new Error(`job ${job.id} went back to the queue`);
  error.name = "WaitingError"; // BullMQ leaves a job its processor moved back to wait as it is
  throw error;
}

/**
 * The result of a held batch whose run cannot run on this worker (bundle,
 * library, modules): its replicates fail once, instead of being retried.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failedBatch } from "./queue_worker_held.ts";
 *
 * const result = failedBatch({ run: "r1", batch: 3, replicates: [6, 7] }, "w1", new Error("no bundle"));
 * assert.equal(result.error?.name, "QueueWorkerError");
 * ```
 */
export function failedBatch(batch: BatchJob, worker: string, error: unknown): BatchResult {
  return {
    batch: batch.batch,
    worker,
    outcomes: [],
    events: [],
    logs: [],
    artifacts: [],
    error: { ...errorData(error), name: "QueueWorkerError" },
  };
}

/**
 * A first-come, first-served gate of `size` slots; once closed, waiting
 * and later callers are refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Slots } from "./queue_worker_held.ts";
 *
 * const slots = new Slots(1);
 * assert.equal(await slots.acquire(), true);
 * const next = slots.acquire(); // waits for the slot
 * slots.close();
 * assert.equal(await next, false); // a closing worker gives that job back
 * ```
 */
export class Slots {
  #free: number;
  #closed = false;
  readonly #waiting: ((granted: boolean) => void)[] = [];

  /** A gate of `size` free slots. */
  constructor(size: number) {
    this.#free = size;
  }

  /** Resolves `true` once a slot is this caller's, `false` if the gate is (or gets) closed. */
  acquire(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Frees a slot taken with `acquire`, handing it to the longest waiting caller. */
  release(): void {
    const next = this.#closed ? undefined : this.#waiting.shift();
    if (next === undefined) this.#free++;
    else next(true);
  }

  /** Refuses every waiting and later `acquire`. */
  close(): void {
    this.#closed = true;
    for (const refuse of this.#waiting.splice(0)) refuse(false);
  }
}
