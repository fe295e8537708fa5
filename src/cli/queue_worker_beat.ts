/**
 * A queue worker's heartbeat: what it reports to Redis for `crystallize
 * cluster status` (its host, process id, concurrency and the batches it
 * runs), and which runs of the batches it holds were cancelled — in one
 * round trip.
 * @module
 */
import type { Redis } from "npm:ioredis@5.8.2";
import type { QueueKeys } from "../execution/queue/queue_keys.ts";
import type { HeldBatch } from "./queue_worker_held.ts";

/** What a worker says about itself. */
export interface WorkerAbout {
  /** Its id in Redis. */
  readonly id: string;
  /** Its host name. */
  readonly host: string;
  /** Batches it runs at once. */
  readonly concurrency: number;
  /** How often it reports, ms (its report outlives it by about three of these). */
  readonly heartbeatMs: number;
}

/**
 * Reports a worker and the batches it holds (those running with their
 * start), and resolves with the runs among theirs that were cancelled.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { reportWorker } from "./queue_worker_beat.ts";
 *
 * const cancelled = await reportWorker(redis, keys, about, held);
 * for (const batch of held) if (cancelled.has(batch.job.run)) batch.controller.abort();
 * ```
 */
export async function reportWorker(
  redis: Redis,
  keys: QueueKeys,
  about: WorkerAbout,
  held: readonly HeldBatch[],
): Promise<Set<string>> {
  const current = held.filter((r) => r.since !== undefined).map((r) => ({
    run: r.job.run,
    batch: r.job.batch,
    replicates: r.job.replicates.length,
    since: r.since,
  }));
  const key = keys.worker(about.id);
  const runs = [...new Set(held.map((r) => r.job.run))];
  const transaction = redis.multi()
    .hset(key, {
      host: about.host,
      pid: Deno.pid,
      concurrency: about.concurrency,
      current: JSON.stringify(current),
      heartbeat: Date.now(),
    })
    .pexpire(key, about.heartbeatMs * 3 + 1000)
    .sadd(keys.workers, about.id);
  for (const run of runs) transaction.exists(keys.runCancelled(run));
  const replies = await transaction.exec();
  return new Set(runs.filter((_, i) => replies?.[3 + i]?.[1] === 1));
}

/**
 * This machine's host name, or `unknown-host` without `--allow-sys=hostname`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostName } from "./queue_worker_beat.ts";
 *
 * assert.ok(hostName().length > 0);
 * ```
 */
export function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown-host";
  }
}
