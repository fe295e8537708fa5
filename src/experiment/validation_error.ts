import { CrystallizeError } from "../errors.ts";

/**
 * An experiment or run is misconfigured. `problems` lists every problem
 * found (not just the first), each with its fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, ValidationError } from "@crystallize/deno";
 *
 * assert.throws(() => Experiment.builder("empty").build(), (e: unknown) => {
 *   assert.ok(e instanceof ValidationError);
 *   assert.ok(e.problems.length > 0); // e.g. no datasource; every problem with its fix
 *   return true;
 * });
 * ```
 */
export class ValidationError extends CrystallizeError {
  /** One entry per problem. */
  readonly problems: readonly string[];

  /** Creates the error for `subject` (e.g. "Experiment 'demo'"). */
  constructor(subject: string, problems: readonly string[]) {
    super(`${subject} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}
