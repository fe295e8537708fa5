import {
  BasePlugin,
  type ExperimentView,
  type LoopContext,
  type ReplicateFunction,
} from "../run/plugin.ts";
import { serialLoop } from "../run/serial_loop.ts";
import type { MaybePromise } from "../promise.ts";

/**
 * Runs replicates one after another in the main isolate: the default, and
 * the easiest to debug. Synchronous pipelines run without creating a single
 * promise; every ~25 ms the loop yields to the event loop so cancellation,
 * timers and progress output keep working. Each outcome is reported as it
 * finishes, so memory stays flat however many replicates run.
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

  /** Runs `replicateFn(0..n-1)` in order, reporting each outcome to `loop.report`. */
  override runExperimentLoop(
    _experiment: ExperimentView,
    replicateFn: ReplicateFunction,
    loop: LoopContext,
  ): MaybePromise<void> {
    return serialLoop(replicateFn, loop);
  }
}
