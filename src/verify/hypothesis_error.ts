import { CrystallizeError, errorMessage } from "../errors.ts";

/**
 * A hypothesis could not be verified after all replicates ran: its samples
 * are unusable, or its verifier or ranking threw. The message names the
 * hypothesis; `cause` is the original error, if any, and `result` holds
 * everything the run computed, so nothing is lost.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   dataSource,
 *   Experiment,
 *   hypothesis,
 *   HypothesisError,
 *   pipelineStep,
 *   type Result,
 *   treatment,
 *   verifier,
 * } from "@crystallize/deno";
 *
 * const broken = verifier(() => {
 *   throw new Error("no verdict");
 * }, { name: "broken" });
 * const experiment = Experiment.builder("failing")
 *   .datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number, ctx) => {
 *     ctx.metrics.add("x", d);
 *     return d;
 *   }, { name: "record" })())
 *   .treatments([treatment("t", {})])
 *   .hypotheses([hypothesis({ name: "h", verifier: broken(), metrics: "x" })])
 *   .build();
 * const error = await experiment.run().catch((e) => e);
 * assert.ok(error instanceof HypothesisError);
 * assert.equal(error.hypothesis, "h");
 * assert.deepEqual((error.result as Result).metrics.baseline.metrics.x, [1]); // the result is kept
 * ```
 */
export class HypothesisError extends CrystallizeError {
  /** Name of the hypothesis that failed. */
  readonly hypothesis: string;
  /** The run's result without hypotheses, when thrown by a run. */
  result?: unknown;

  /** Creates the error; `message` should say what to fix. */
  constructor(hypothesis: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.hypothesis = hypothesis;
  }

  /** Wraps an error thrown by a verifier or ranking. */
  static wrap(hypothesis: string, cause: unknown): HypothesisError {
    if (cause instanceof HypothesisError) return cause;
    const reason = errorMessage(cause);
    return new HypothesisError(hypothesis, `Hypothesis '${hypothesis}' failed: ${reason}`, {
      cause,
    });
  }
}
