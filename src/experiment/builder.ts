import type { Artifact } from "../data/artifact.ts";
import type { DataSource } from "../data/datasource.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { BasePlugin } from "../run/plugin.ts";
import type { LoggingPluginOptions } from "../run/logging_plugin.ts";
import type { SeedPluginOptions } from "../run/seed.ts";
import type { TreatmentLike } from "../run/treatment.ts";
import type { RunStoreOptions } from "../storage/run_store.ts";
import type { Hypothesis } from "../verify/hypothesis.ts";
import type { ExperimentOptions } from "./experiment_options.ts";

/**
 * Fluent construction of an experiment: `Experiment.builder(name)` starts
 * one. Every method returns the builder, and `build()` validates. `E` is
 * what it builds, an `Experiment`: the builder only collects its options,
 * and `Experiment.builder` gives it the constructor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, treatment } from "@crystallize/deno";
 *
 * const numbers = dataSource((ctx) => [1, 2, 3].map((x) => x + ctx.rng.normal(0, 0.1)), {
 *   name: "numbers",
 * });
 * const addDelta = pipelineStep(
 *   (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
 *   { name: "add_delta", params: { delta: 0 } },
 * );
 * const experiment = Experiment.builder("demo")
 *   .datasource(numbers())
 *   .addStep(addDelta())
 *   .treatments([treatment("boost", { delta: 1 })])
 *   .replicates(10)
 *   .seed(42)
 *   .storage({ retention: 5 })
 *   .build();
 * assert.equal(experiment.name, "demo");
 * assert.deepEqual([experiment.replicates, experiment.seeding.seed, experiment.storage?.retention], [10, 42, 5]);
 * ```
 */
export class ExperimentBuilder<E extends { validate(): unknown }> {
  #options: Omit<ExperimentOptions, "datasource" | "pipeline"> & {
    datasource?: DataSource;
    pipeline?: Pipeline;
  };
  readonly #steps: PipelineStep[] = [];
  readonly #create: (options: ExperimentOptions) => E;

  /** Prefer `Experiment.builder`; `create` builds the experiment from the options collected. */
  constructor(name: string | undefined, create: (options: ExperimentOptions) => E) {
    this.#options = { name };
    this.#create = create;
  }

  /** Sets the datasource. */
  datasource(source: DataSource): this {
    this.#options.datasource = source;
    return this;
  }

  /** Sets an explicit pipeline (takes precedence over `addStep`). */
  pipeline(pipeline: Pipeline): this {
    this.#options.pipeline = pipeline;
    return this;
  }

  /** Appends a step. */
  addStep(step: PipelineStep): this {
    this.#steps.push(step);
    return this;
  }

  /** Replaces the plugin list. */
  plugins(plugins: readonly BasePlugin[]): this {
    this.#options.plugins = plugins;
    return this;
  }

  /** Replaces the treatments. */
  treatments(treatments: readonly TreatmentLike[]): this {
    this.#options.treatments = treatments;
    return this;
  }

  /** Replaces the hypotheses. */
  hypotheses(hypotheses: readonly Hypothesis[]): this {
    this.#options.hypotheses = hypotheses;
    return this;
  }

  /** Declares the artifacts the experiment's steps write (what other experiments may read). */
  outputs(outputs: readonly Artifact[]): this {
    this.#options.outputs = outputs;
    return this;
  }

  /** Sets the default replicates per condition. */
  replicates(count: number): this {
    this.#options.replicates = count;
    return this;
  }

  /** Sets the description. */
  description(text: string): this {
    this.#options.description = text;
    return this;
  }

  /** Sets the initial context values. */
  initialContext(values: Readonly<Record<string, unknown>>): this {
    this.#options.initialContext = values;
    return this;
  }

  /** Sets the output root. */
  outputDir(path: string): this {
    this.#options.outputDir = path;
    return this;
  }

  /** Sets the master seed, or how replicate seeds are derived (see `SeedPlugin`). */
  seed(seed: number | SeedPluginOptions): this {
    this.#options.seed = seed;
    return this;
  }

  /** Sets how runs log (see `LoggingPlugin`). */
  logging(options: LoggingPluginOptions): this {
    this.#options.logging = options;
    return this;
  }

  /** Stores every run (see `RunStore`): with the defaults, or the given options; `false` stores none. */
  storage(options: boolean | RunStoreOptions = true): this {
    this.#options.storage = options;
    return this;
  }

  /** Builds and validates the experiment; throws `ValidationError` listing every problem. */
  build(): E {
    const experiment = this.#create({
      ...this.#options,
      datasource: this.#options.datasource!,
      pipeline: this.#options.pipeline ?? this.#steps,
    });
    experiment.validate();
    return experiment;
  }
}
