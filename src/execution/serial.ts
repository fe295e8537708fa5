import type { ReplicateOutcome } from "../storage/outcome.ts";
import {
  BasePlugin,
  type ExperimentView,
  type LoopContext,
  type ReplicateFunction,
} from "../run/plugin.ts";
import { isPromiseLike, type MaybePromise } from "../promise.ts";

/** How long a synchronous stretch of replicates may hold the event loop, ms. */
const SLICE_MS = 25;

/**
 * Runs replicates one after another in the main isolate: the default, and
 * the easiest to debug. Synchronous pipelines run without creating a single
 * promise; every ~25 ms the loop yields to the event loop so cancellation,
 * timers and progress output keep working.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, SerialExecution } from "@crystallize/deno";
 *
 * const order: number[] = [];
 * const note = pipelineStep((d: number, ctx) => {
 *   order.push(ctx.replicate);
 *   return d;
 * }, { name: "note" });
 * await Experiment.builder("serial").datasource(dataSource(() => 1, { name: "one" })()).addStep(note())
 *   .plugins([new SerialExecution()]).replicates(3).build().run();
 * assert.deepEqual(order, [0, 1, 2]); // one after another
 * ```
 */
export class SerialExecution extends BasePlugin {
  /** Strategy name in provenance. */
  override readonly executionStrategy = "serial";

  /** Runs `replicateFn(0..n-1)` in order. */
  override runExperimentLoop(
    _experiment: ExperimentView,
    replicateFn: ReplicateFunction,
    loop: LoopContext,
  ): MaybePromise<ReplicateOutcome[]> {
    const out: ReplicateOutcome[] = [];
    const from = (start: number): MaybePromise<ReplicateOutcome[]> => {
      const sliceEnd = performance.now() + SLICE_MS;
      for (let i = start; i < loop.replicates; i++) {
        if (loop.signal.aborted) return out;
        const outcome = replicateFn(i);
        if (isPromiseLike(outcome)) {
          return outcome.then((o) => {
            out.push(o);
            return from(i + 1);
          });
        }
        out.push(outcome);
        if ((i & 31) === 31 && performance.now() > sliceEnd) {
          return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => from(i + 1));
        }
      }
      return out;
    };
    return from(0);
  }
}
