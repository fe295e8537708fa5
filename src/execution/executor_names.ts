/**
 * The names `crystallize run --executor` accepts, apart from what they
 * build (`executors.ts`): the command line lists them without loading the
 * engine.
 * @module
 */

/**
 * The names `--executor` accepts, in the order help lists them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EXECUTOR_NAMES } from "./executor_names.ts";
 *
 * assert.deepEqual(EXECUTOR_NAMES, ["serial", "async", "thread", "process", "queue"]);
 * ```
 */
export const EXECUTOR_NAMES = Object.freeze(
  ["serial", "async", "thread", "process", "queue"] as const,
);

/** A name `--executor` accepts. */
export type ExecutorName = typeof EXECUTOR_NAMES[number];
