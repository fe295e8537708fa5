import type { ReplicateOutcome } from "../experiment/outcome.ts";
import type { LoopContext, ReplicateFunction } from "../plugins/plugin.ts";
import { isPromiseLike } from "../promise.ts";

/**
 * Runs `replicateFn` for every index with at most `concurrency` replicates in
 * flight; outcomes land at their replicate index, so order is kept whatever
 * finishes first. Stops starting new replicates once the signal aborts.
 *
 * @example
 * ```ts
 * const outcomes = await runConcurrently(replicateFn, { replicates: 10, signal }, 4);
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
 * checkConcurrency("AsyncExecution", "concurrency", 8); // 8
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
