/** Set on `globalThis` by worker hosts before they import experiment modules. */
export const IN_WORKER: unique symbol = Symbol.for("crystallize.inWorker");

/**
 * Whether this code runs inside a worker (a worker process host or a Web
 * Worker), where importing a module must not start a run.
 *
 * @example
 * ```ts
 * if (isInsideWorker()) console.log("imported by a worker");
 * ```
 */
export function isInsideWorker(): boolean {
  return (globalThis as { [IN_WORKER]?: boolean })[IN_WORKER] === true ||
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function";
}
