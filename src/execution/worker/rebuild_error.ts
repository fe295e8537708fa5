import { CrystallizeError } from "../../errors.ts";

/**
 * The experiment cannot be rebuilt in a worker: a factory is not exported, a
 * step was declared inline, or a value cannot be copied to another process.
 * Thrown before any worker starts; `problems` lists each with its fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, ParallelExecution, pipelineStep, RebuildError } from "@crystallize/deno";
 *
 * // A step created inline cannot be rebuilt in a worker process: refused before any worker starts.
 * const experiment = Experiment.builder("inline").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "inline" })())
 *   .plugins([new ParallelExecution({ executorType: "process" })]).build();
 * const error = await experiment.run().catch((e) => e);
 * assert.ok(error instanceof RebuildError);
 * assert.ok(error.problems.length > 0); // each names the step or value and the fix
 * ```
 */
export class RebuildError extends CrystallizeError {
  /** One entry per problem. */
  readonly problems: readonly string[];

  /** Creates the error. */
  constructor(experiment: string, problems: readonly string[]) {
    super(
      `Experiment '${experiment}' cannot run in worker processes, which rebuild it from its modules' exports:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.problems = problems;
  }
}
