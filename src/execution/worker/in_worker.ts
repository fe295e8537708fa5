/** Set on `globalThis` by worker hosts before they import experiment modules. */
export const IN_WORKER: unique symbol = Symbol.for("crystallize.inWorker");

/**
 * Whether this code runs inside a worker (a worker process host or a Web
 * Worker), where importing a module must not start a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isInsideWorker } from "./in_worker.ts";
 *
 * assert.equal(isInsideWorker(), false); // true only in a worker process
 * ```
 */
export function isInsideWorker(): boolean {
  return (globalThis as { [IN_WORKER]?: boolean })[IN_WORKER] === true ||
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function";
}
