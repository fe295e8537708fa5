import { CrystallizeError } from "../errors.ts";

/**
 * An experiment or run is misconfigured. `problems` lists every problem
 * found (not just the first), each with its fix.
 *
 * @example
 * ```ts
 * try {
 *   Experiment.builder("empty").build();
 * } catch (e) {
 *   if (e instanceof ValidationError) console.log(e.problems);
 * }
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
