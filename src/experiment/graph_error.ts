import { CrystallizeError } from "../errors.ts";
import type { Result } from "./result.ts";

/**
 * An `ExperimentGraph` cannot be built or run as declared: a cycle (the
 * message shows its path, `a -> b -> a`), an input that names an experiment
 * or artifact the graph does not have, two experiments with one name, or a
 * producer that stores no runs.
 *
 * @example
 * ```ts
 * try {
 *   new ExperimentGraph([a, b]);
 * } catch (e) {
 *   if (e instanceof GraphError) console.error(e.message); // "Experiment graph has a cycle: a -> b -> a; ..."
 * }
 * ```
 */
export class GraphError extends CrystallizeError {}

/**
 * Some experiments of a graph run failed (threw, not just had failed
 * replicates); experiments downstream of them did not run. `results` holds
 * the experiments that finished, `failures` the error of each that failed or
 * was not run.
 *
 * @example
 * ```ts
 * try {
 *   await graph.run();
 * } catch (e) {
 *   if (e instanceof GraphRunError) console.log(Object.keys(e.results), Object.keys(e.failures));
 * }
 * ```
 */
export class GraphRunError extends CrystallizeError {
  /** Results of the experiments that finished, by name. */
  readonly results: Readonly<Record<string, Result>>;
  /** Why each other experiment has no result, by name. */
  readonly failures: Readonly<Record<string, Error>>;

  /** Creates the error. */
  constructor(results: Record<string, Result>, failures: Record<string, Error>) {
    super(
      `Experiment graph run failed:\n${
        Object.entries(failures).map(([name, e]) => `  - ${name}: ${e.message.split("\n")[0]}`)
          .join("\n")
      }`,
    );
    this.results = results;
    this.failures = failures;
  }
}
