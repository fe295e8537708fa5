import { isPromiseLike, type MaybePromise } from "../promise.ts";
import type { LoopContext, ReplicateFunction } from "./plugin.ts";

/** How long a synchronous stretch of replicates may hold the event loop, ms. */
const SLICE_MS = 25;

/**
 * The serial replicate loop: runs `replicateFn(0..n-1)` one after another
 * and reports each outcome as it finishes, keeping none. Synchronous
 * pipelines run without creating a single promise; every ~25 ms the loop
 * yields to the event loop so cancellation, timers and progress output keep
 * working. Stops starting replicates once the run is cancelled.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { serialLoop } from "./serial_loop.ts";
 *
 * const seen: number[] = [];
 * const loop = { replicates: 3, signal: new AbortController().signal, report: (o: { replicate: number }) => seen.push(o.replicate) };
 * serialLoop((replicate) => ({ replicate, conditions: [] }), loop); // synchronous: done on return
 * assert.deepEqual(seen, [0, 1, 2]);
 * ```
 */
export function serialLoop(
  replicateFn: ReplicateFunction,
  loop: Pick<LoopContext, "replicates" | "signal" | "report">,
): MaybePromise<void> {
  const { replicates, signal, report } = loop;
  const from = (start: number): MaybePromise<void> => {
    const sliceEnd = performance.now() + SLICE_MS;
    for (let i = start; i < replicates; i++) {
      if (signal.aborted) return;
      const outcome = replicateFn(i);
      if (isPromiseLike(outcome)) {
        return outcome.then((o) => {
          report(o);
          return from(i + 1);
        });
      }
      report(outcome);
      if ((i & 31) === 31 && performance.now() > sliceEnd) {
        return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => from(i + 1));
      }
    }
  };
  return from(0);
}
