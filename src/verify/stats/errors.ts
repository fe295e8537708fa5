import { CrystallizeError } from "../../errors.ts";

/** Where in the caller's input a {@linkcode StatisticsInputError} was found. */
export interface StatisticsInputErrorDetails {
  /** The argument or option at fault, e.g. `"a"`, `"pValues"`, `"confidence"`. */
  readonly argument?: string;
  /** Zero-based index of the offending entry inside that argument, if any. */
  readonly index?: number;
}

/**
 * Input to a statistics function was unusable: a sample that is too small,
 * a NaN/non-finite/non-number entry, a p-value outside [0, 1] or an invalid
 * option. The message names the function, the argument, the index and the
 * fix; `argument` and `index` carry the same facts for programs.
 *
 * Crystallize refuses such input instead of returning NaN (scipy's
 * `nan_policy="propagate"`), so a bad measurement can never turn silently
 * into a wrong verdict.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StatisticsInputError } from "./errors.ts";
 * import { welchTTest } from "./t_test.ts";
 *
 * assert.throws(() => welchTTest([1, 2, NaN], [3, 4, 5]), (e: unknown) => {
 *   assert.ok(e instanceof StatisticsInputError);
 *   assert.equal(e.argument, "a");
 *   assert.equal(e.index, 2);
 *   return true;
 * });
 * ```
 */
export class StatisticsInputError extends CrystallizeError {
  /** The argument or option at fault, when known. */
  readonly argument?: string;
  /** Zero-based index of the offending entry, when the fault is one entry. */
  readonly index?: number;

  /** Creates the error; `details` says where the bad input is. */
  constructor(message: string, details: StatisticsInputErrorDetails = {}) {
    super(message);
    this.argument = details.argument;
    this.index = details.index;
  }
}
