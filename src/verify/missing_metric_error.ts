import { CrystallizeError } from "../errors.ts";

/**
 * A hypothesis needs a metric that no replicate of a condition recorded.
 * The message names the hypothesis, metric and condition and lists the
 * metrics that were recorded. When thrown by a run, `result` holds
 * everything the run computed (metrics, errors, provenance) so nothing is lost.
 *
 * @example
 * ```ts
 * try {
 *   await experiment.run();
 * } catch (e) {
 *   if (e instanceof MissingMetricError) console.log(e.metric, e.result?.metrics);
 * }
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
