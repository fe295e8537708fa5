import { CrystallizeError } from "../errors.ts";
import type { Result } from "./result.ts";

/**
 * A run was cancelled through its `AbortSignal`. `result` holds the
 * replicates that finished before the cancel (no hypotheses are verified on
 * a partial run).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, RunCancelledError } from "@crystallize/deno";
 *
 * const controller = new AbortController();
 * const stopAfterTwo = pipelineStep((d: number, ctx) => {
 *   if (ctx.replicate === 1) controller.abort();
 *   return d;
 * }, { name: "stop_after_two" });
 * const experiment = Experiment.builder("cancelled").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(stopAfterTwo()).replicates(100).build();
 * const error = await experiment.run({ signal: controller.signal }).catch((e) => e);
 * assert.ok(error instanceof RunCancelledError);
 * assert.deepEqual(error.result.errors, []); // what finished before the cancel
 * ```
 */
export class RunCancelledError extends CrystallizeError {
  /** What finished before the cancel. */
  readonly result: Result;

  /** Creates the error. */
  constructor(message: string, result: Result, options?: ErrorOptions) {
    super(message, options);
    this.result = result;
  }
}
