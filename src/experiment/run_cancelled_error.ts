import { CrystallizeError } from "../errors.ts";
import type { Result } from "./result.ts";

/**
 * A run was cancelled through its `AbortSignal`. `result` holds the
 * replicates that finished before the cancel (no hypotheses are verified on
 * a partial run).
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 1000);
 * try {
 *   await experiment.run({ signal: controller.signal });
 * } catch (e) {
 *   if (e instanceof RunCancelledError) console.log(e.result.provenance.replicates);
 * }
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
