import type { LoopContext, ReplicateFunction } from "../run/plugin.ts";
import { isPromiseLike } from "../promise.ts";

/**
 * Runs `replicateFn` for every index with at most `concurrency` replicates in
 * flight, reporting each outcome to `loop.report` as it finishes (the run
 * puts them back in replicate order). Stops starting new replicates once the
 * signal aborts; resolves when every started replicate has finished.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runConcurrently } from "./concurrent_loop.ts";
 *
 * let running = 0;
 * let most = 0;
 * const replicateFn = async (replicate: number) => {
 *   most = Math.max(most, ++running);
 *   await new Promise((r) => setTimeout(r, 5 * (10 - replicate)));
 *   running--;
 *   return { replicate, conditions: [] };
 * };
 * const finished: number[] = [];
 * const report = (o: { replicate: number }) => finished.push(o.replicate);
 * await runConcurrently(replicateFn, { replicates: 10, signal: new AbortController().signal, report }, 4);
 * assert.deepEqual(finished.slice(0, 2), [3, 2]); // as they finish: later ones wait less
 * assert.equal(finished.length, 10);
 * assert.equal(most, 4);
 * ```
 */
export async function runConcurrently(
  replicateFn: ReplicateFunction,
  loop: Pick<LoopContext, "replicates" | "signal" | "report">,
  concurrency: number,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < loop.replicates && !loop.signal.aborted) {
      const outcome = replicateFn(next++);
      loop.report(isPromiseLike(outcome) ? await outcome : outcome);
    }
  };
  const lanes = Math.max(1, Math.min(concurrency, loop.replicates));
  await Promise.all(Array.from({ length: lanes }, lane));
}

/**
 * Checks a concurrency option: a positive integer or `Infinity`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkConcurrency } from "./concurrent_loop.ts";
 *
 * assert.equal(checkConcurrency("AsyncExecution", "concurrency", 8), 8);
 * assert.throws(() => checkConcurrency("AsyncExecution", "concurrency", 0), /concurrency/);
 * ```
 */
export function checkConcurrency(owner: string, option: string, value: number): number {
  if (value !== Infinity && (!Number.isInteger(value) || value < 1)) {
    throw new RangeError(
      `${owner}: '${option}' must be a positive integer (or Infinity), got ${value}`,
    );
  }
  return value;
}
