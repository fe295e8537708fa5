import { CrystallizeError } from "../../errors.ts";

/**
 * A folder experiment's `config.state.json` (the terminal UI's saved
 * treatment and caching choices) is not valid: not JSON, or not the
 * expected shape. The message names the file and how to fix it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRunState } from "./run_state.ts";
 * import { RunStateError } from "./run_state_error.ts";
 *
 * // "experiments/demo/config.state.json: inactive_treatments must be a list of names ..."
 * assert.throws(() => parseRunState('{"inactive_treatments": 3}', "config.state.json"), RunStateError);
 * ```
 */
export class RunStateError extends CrystallizeError {
  /** The file. */
  readonly file: string;

  /** Creates the error for `file`, saying what is wrong with it. */
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(
      `${file}: ${problem}; fix the file or delete it (the terminal UI writes it again when ` +
        "you toggle a treatment with x or caching with l)",
      options,
    );
    this.file = file;
  }
}
