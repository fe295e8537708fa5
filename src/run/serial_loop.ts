import { isPromiseLike, type MaybePromise } from "../promise.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";
import { BACK_TO_BACK, type BackToBackFunction, type Handoff } from "./back_to_back.ts";
import { CancelFlag } from "./cancel_flag.ts";
import type { LoopContext, ReplicateFunction } from "./plugin.ts";

/** How long a synchronous stretch of replicates may hold the event loop, ms. */
const SLICE_MS = 25;

/** Replicates run between two reports (and clock checks) of the synchronous path. */
const STRETCH = 32;

/**
 * The serial replicate loop: runs `replicateFn(0..n-1)` one after another
 * and reports each outcome as it finishes, keeping none. Synchronous
 * pipelines run without creating a single promise; every ~25 ms the loop
 * yields to the event loop so cancellation, timers and progress output keep
 * working. Stops starting replicates once the run is cancelled.
 *
 * On the synchronous path, the loop holds the outcomes of up to 32
 * replicates and reports them together, then reads the clock (the slice
 * check) and hands that reading to the next replicate: replicates between
 * two reports run back to back, each starting when the previous one ended
 * (see `back_to_back.ts`), so the fold never counts in a replicate's time
 * and a trivial replicate reads the clock once less.
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
  const { replicates, report } = loop;
  const cancel = new CancelFlag(loop.signal);
  const backToBack: BackToBackFunction = (replicateFn as { [BACK_TO_BACK]?: BackToBackFunction })[
    BACK_TO_BACK
  ] ?? ((r) => replicateFn(r));
  const handoff: Handoff = { endedAt: undefined };
  const held: (ReplicateOutcome | undefined)[] = new Array(STRETCH);
  let holding = 0;
  const flush = () => {
    for (let k = 0; k < holding; k++) {
      const outcome = held[k]!;
      held[k] = undefined;
      report(outcome);
    }
    holding = 0;
  };
  const from = (start: number): MaybePromise<void> => {
    handoff.endedAt = undefined; // after an await or a yield: read the clock afresh
    const sliceEnd = performance.now() + SLICE_MS;
    for (let i = start; i < replicates; i++) {
      if (cancel.aborted) break;
      const outcome = backToBack(i, handoff);
      if (isPromiseLike(outcome)) {
        flush();
        return reportThenFrom(outcome, i + 1);
      }
      held[holding++] = outcome;
      if (holding === STRETCH) {
        flush();
        const now = performance.now();
        if (now > sliceEnd) return yieldThenFrom(i + 1);
        handoff.endedAt = now;
      }
    }
    flush();
  };
  // Closures over the loop's `i` would make V8 allocate a context for every replicate.
  const reportThenFrom = (outcome: Promise<ReplicateOutcome>, next: number) =>
    outcome.then((o) => {
      report(o);
      return from(next);
    });
  // Not `setTimeout(0)`: nested timeouts are clamped to 4 ms (the HTML rule Deno follows), which
  // idled ~15 % of a long run; an immediate waits one turn of the event loop, where timers,
  // signals and I/O are handled.
  const yieldThenFrom = (next: number) =>
    new Promise<void>((resolve) => setImmediate(resolve)).then(() => from(next));
  let running: MaybePromise<void>;
  try {
    running = from(0);
  } catch (error) {
    cancel.dispose();
    throw error;
  }
  if (!isPromiseLike(running)) return cancel.dispose();
  return running.finally(() => cancel.dispose());
}
