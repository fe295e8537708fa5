import { CrystallizeError } from "../errors.ts";

/**
 * A hypothesis' verifier or ranking threw after all replicates ran. The
 * message names the hypothesis; `cause` is the original error and `result`
 * holds everything the run computed, so nothing is lost.
 *
 * @example
 * ```ts
 * try {
 *   await experiment.run();
 * } catch (e) {
 *   if (e instanceof HypothesisError) console.log(e.hypothesis, e.result);
 * }
 * ```
 */
export class HypothesisError extends CrystallizeError {
  /** Name of the hypothesis that failed. */
  readonly hypothesis: string;
  /** The run's result without hypotheses. */
  result?: unknown;

  /** Creates the error. */
  constructor(hypothesis: string, cause: unknown) {
    super(
      `Hypothesis '${hypothesis}' failed: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.hypothesis = hypothesis;
  }
}
