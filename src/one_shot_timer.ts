/**
 * One-shot timers on Deno's own timer queue, for the processes whose start-up
 * is part of every run: the CLI and its runner.
 *
 * In Deno 2.9 the first read of the global `setTimeout`, `clearTimeout`,
 * `setInterval` or `setImmediate` loads the Node compatibility timers
 * (`node:timers` and async hooks). Measured with cachegrind: a fresh process
 * runs 50.1 M instructions, 75.6 M once it awaits a `setTimeout`, 56.8 M with
 * `AbortSignal.timeout`, which runs on Deno's own timers; the runner of a
 * trivial `crystallize run` fell from 352.9 M to 326.5 M without them.
 * @module
 */

/**
 * Calls `fire` once, `ms` milliseconds from now, unless the returned function
 * cancels it first. A cancelled timer still runs out, doing nothing, and
 * keeps the event loop alive until then: keep `ms` short, or end the process
 * with `Deno.exit` (the CLI and its runner do).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { afterMs } from "./one_shot_timer.ts";
 *
 * const fired: string[] = [];
 * afterMs(1, () => fired.push("kept"));
 * const cancel = afterMs(1, () => fired.push("cancelled"));
 * cancel();
 * await new Promise((resolve) => afterMs(5, () => resolve(undefined)));
 * assert.deepEqual(fired, ["kept"]);
 * ```
 */
export function afterMs(ms: number, fire: () => void): () => void {
  let live = true;
  AbortSignal.timeout(ms).addEventListener("abort", () => {
    if (live) fire();
  }, { once: true });
  return () => {
    live = false;
  };
}

/**
 * Resolves on a later turn of the event loop, after the microtasks queued so
 * far and the unhandled-rejection check that follows them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nextTurn } from "./one_shot_timer.ts";
 *
 * const order: string[] = [];
 * const turn = nextTurn().then(() => order.push("next turn"));
 * queueMicrotask(() => order.push("microtask"));
 * await turn;
 * assert.deepEqual(order, ["microtask", "next turn"]);
 * ```
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => afterMs(0, resolve));
}
