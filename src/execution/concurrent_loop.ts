import type { ReplicateOutcome } from "../storage/outcome.ts";
import type { LoopContext, ReplicateFunction } from "../run/plugin.ts";
import { isPromiseLike } from "../promise.ts";

/**
 * Runs `replicateFn` for every index with at most `concurrency` replicates in
 * flight; outcomes land at their replicate index, so order is kept whatever
 * finishes first. Stops starting new replicates once the signal aborts.
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
 *   await new Promise((r) => setTimeout(r, 5));
 *   running--;
 *   return { replicate, conditions: [] };
 * };
 * const loop = { replicates: 10, signal: new AbortController().signal, plan: undefined as never };
 * const outcomes = await runConcurrently(replicateFn, loop, 4);
 * assert.deepEqual(outcomes.map((o) => o.replicate), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // in order
 * assert.equal(most, 4);
 * ```
 */
export async function runConcurrently(
  replicateFn: ReplicateFunction,
  loop: LoopContext,
  concurrency: number,
): Promise<ReplicateOutcome[]> {
  const out = new Array<ReplicateOutcome>(loop.replicates);
  let next = 0;
  const lane = async () => {
    while (next < loop.replicates && !loop.signal.aborted) {
      const i = next++;
      const outcome = replicateFn(i);
      out[i] = isPromiseLike(outcome) ? await outcome : outcome;
    }
  };
  const lanes = Math.max(1, Math.min(concurrency, loop.replicates));
  await Promise.all(Array.from({ length: lanes }, lane));
  return out.filter((o) => o !== undefined);
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
