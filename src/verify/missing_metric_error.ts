import { CrystallizeError } from "../errors.ts";

/**
 * A hypothesis needs a metric that no replicate of a condition recorded.
 * The message names the hypothesis, metric and condition and lists the
 * metrics that were recorded. When thrown by a run, `result` holds
 * everything the run computed (metrics, errors, provenance) so nothing is lost.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, hypothesis, MissingMetricError, pipelineStep, stats, treatment } from "@crystallize/deno";
 *
 * const experiment = Experiment.builder("no_metric")
 *   .datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })())
 *   .treatments([treatment("t", {})])
 *   .hypotheses([hypothesis({ name: "h", verifier: stats.welch(), metrics: "total" })])
 *   .build();
 * const error = await experiment.run().catch((e) => e);
 * assert.ok(error instanceof MissingMetricError);
 * assert.equal(error.metric, "total");
 * ```
 */
export class MissingMetricError extends CrystallizeError {
  /** The metric that was missing. */
  readonly metric: string;
  /** The run's result without hypotheses, when thrown by a run. */
  result?: unknown;

  /** Creates the error. */
  constructor(metric: string, message: string) {
    super(message);
    this.metric = metric;
  }
}
