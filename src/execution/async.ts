import {
  BasePlugin,
  type ExperimentView,
  type LoopContext,
  type ReplicateFunction,
} from "../run/plugin.ts";
import { checkConcurrency, runConcurrently } from "./concurrent_loop.ts";

/** Options of {@linkcode AsyncExecution}. */
export interface AsyncExecutionOptions {
  /** Replicates in flight at once; default `Infinity` (all, like the original's `gather`). */
  concurrency?: number;
}

/**
 * Runs replicates concurrently in the main isolate, interleaving them at
 * `await`s: for I/O-bound steps (HTTP, disk, timers). Within a replicate the
 * conditions run in order. Outcomes are reported as they finish and the run
 * puts them back in replicate order, and because each
 * replicate has its own seeded `ctx.rng`, metrics equal a serial run's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AsyncExecution, dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 *
 * const wait = pipelineStep(async (d: number, ctx) => {
 *   await new Promise((r) => setTimeout(r, 10));
 *   ctx.metrics.add("d", d);
 *   return d;
 * }, { name: "wait" });
 * const experiment = Experiment.builder("fetching").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(wait()).plugins([new AsyncExecution({ concurrency: 50 })]).replicates(20).build();
 * const result = await experiment.run(); // 20 waits at once: about 10 ms, not 200
 * assert.equal(result.metrics.baseline.metrics.d.length, 20);
 * ```
 */
export class AsyncExecution extends BasePlugin {
  /** Replicates in flight at once. */
  readonly concurrency: number;

  /** Creates the plugin. */
  constructor(options: AsyncExecutionOptions = {}) {
    super();
    this.concurrency = checkConcurrency(
      "AsyncExecution",
      "concurrency",
      options.concurrency ?? Infinity,
    );
  }

  /** Strategy name in provenance. */
  override get executionStrategy(): string {
    return `async(concurrency=${this.concurrency})`;
  }

  /** Runs the replicates with bounded concurrency, reporting each outcome as it finishes. */
  override runExperimentLoop(
    _experiment: ExperimentView,
    replicateFn: ReplicateFunction,
    loop: LoopContext,
  ): Promise<void> {
    return runConcurrently(replicateFn, loop, this.concurrency);
  }
}
