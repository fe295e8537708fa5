import { CrystallizeError } from "../errors.ts";
import type { Result } from "../run/result.ts";

/**
 * An `ExperimentGraph` cannot be built or run as declared: a cycle (the
 * message shows its path, `a -> b -> a`), an input that names an experiment
 * or artifact the graph does not have, two experiments with one name, or a
 * producer that stores no runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, ArtifactPlugin, dataSource, Experiment, ExperimentInput, pipelineStep, ExperimentGraph, GraphError } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * const pair = dataSource(() => [1, 3], { name: "pair" });
 * const fit = pipelineStep((d: number[], ctx) => {
 *   model.write(ctx, { mean: (d[0] + d[1]) / 2 });
 *   return d;
 * }, { name: "fit" });
 * const score = pipelineStep((inputs: { model: { mean: number } }, ctx) => {
 *   ctx.metrics.add("accuracy", inputs.model.mean / 2);
 *   return inputs;
 * }, { name: "score" });
 * const train = Experiment.builder("train").datasource(pair()).addStep(fit()).outputs([model])
 *   .plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * const evaluate = Experiment.builder("evaluate")
 *   .datasource(new ExperimentInput({ model: train.output("model.json") }))
 *   .addStep(score()).plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * assert.throws(() => new ExperimentGraph([evaluate]), GraphError); // it reads train, which is missing
 * await Deno.remove(outputDir, { recursive: true });
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
 * import assert from "node:assert/strict";
 * import { Artifact, ArtifactPlugin, dataSource, Experiment, ExperimentInput, pipelineStep, ExperimentGraph, GraphRunError } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * const pair = dataSource(() => [1, 3], { name: "pair" });
 * const fit = pipelineStep((d: number[], ctx) => {
 *   model.write(ctx, { mean: (d[0] + d[1]) / 2 });
 *   return d;
 * }, { name: "fit" });
 * const score = pipelineStep((inputs: { model: { mean: number } }, ctx) => {
 *   ctx.metrics.add("accuracy", inputs.model.mean / 2);
 *   return inputs;
 * }, { name: "score" });
 * const train = Experiment.builder("train").datasource(pair()).addStep(fit()).outputs([model])
 *   .plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * const evaluate = Experiment.builder("evaluate")
 *   .datasource(new ExperimentInput({ model: train.output("model.json") }))
 *   .addStep(score()).plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * const broken = Experiment.builder("train").datasource(pair())
 *   .addStep(pipelineStep((): number[] => {
 *     throw new Error("no data");
 *   }, { name: "fail" })())
 *   .outputs([model]).plugins([new ArtifactPlugin()]).outputDir(outputDir).build();
 * const error = await new ExperimentGraph([broken, evaluate]).run().catch((e) => e);
 * assert.ok(error instanceof GraphRunError);
 * // train ran (its replicate failed, so it wrote no model); evaluate could not read the model.
 * assert.deepEqual(Object.keys(error.results), ["train"]);
 * assert.deepEqual(Object.keys(error.failures), ["evaluate"]);
 * await Deno.remove(outputDir, { recursive: true });
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
