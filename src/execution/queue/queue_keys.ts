/**
 * Every Redis key a queue uses besides BullMQ's own, under one prefix per
 * queue (`crystallize:<queue>:`), and inside it one namespace per run, so
 * runs from many users share a cluster without mixing.
 * @module
 */

/** Key names of one queue. */
export interface QueueKeys {
  /** The BullMQ queue's name. */
  readonly queue: string;
  /** A code bundle by hash. */
  bundle(hash: string): string;
  /** A run's description for workers (spec, bundle, permissions). */
  runTask(run: string): string;
  /** A run's progress counters and settings (for `cluster status`). */
  runMeta(run: string): string;
  /** The stream of finished batches of a run. */
  runResults(run: string): string;
  /** Present while a run is cancelled. */
  runCancelled(run: string): string;
  /** The run a coordinator reattaches to, by the run's lineage. */
  lineage(key: string): string;
  /** The set of unfinished runs. */
  readonly runs: string;
  /** One worker's heartbeat record. */
  worker(id: string): string;
  /** The set of worker ids (entries whose record expired are dead). */
  readonly workers: string;
}

/** Queue names: what BullMQ and Redis keys accept without quoting. */
const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The keys of queue `queue` (default `crystallize`); a name outside
 * `[A-Za-z0-9_.-]{1,64}` throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queueKeys } from "./queue_keys.ts";
 *
 * const keys = queueKeys("lab");
 * assert.equal(keys.runResults("r1"), "crystallize:lab:run:r1:results");
 * assert.throws(() => queueKeys("a b"));
 * ```
 */
export function queueKeys(queue: string): QueueKeys {
  if (!QUEUE_NAME.test(queue)) {
    throw new RangeError(
      `queue name '${queue}' must be 1 to 64 letters, digits, '_', '.' or '-'`,
    );
  }
  const at = `crystallize:${queue}:`;
  return {
    queue,
    bundle: (hash) => `${at}bundle:${hash}`,
    runTask: (run) => `${at}run:${run}:task`,
    runMeta: (run) => `${at}run:${run}:meta`,
    runResults: (run) => `${at}run:${run}:results`,
    runCancelled: (run) => `${at}run:${run}:cancelled`,
    lineage: (key) => `${at}lineage:${key}`,
    runs: `${at}runs`,
    worker: (id) => `${at}worker:${id}`,
    workers: `${at}workers`,
  };
}

/** The default queue's name. */
export const DEFAULT_QUEUE = "crystallize";
