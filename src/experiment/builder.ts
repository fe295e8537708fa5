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
 * Fluent collection of an experiment's options; every method returns the
 * builder. `ExperimentBuilder` (from `Experiment.builder()`) adds `build()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 *
 * const options = Experiment.builder("demo")
 *   .datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })())
 *   .seed(42)
 *   .storage({ retention: 5 })
 *   .toOptions();
 * assert.equal(options.name, "demo");
 * assert.equal(options.seed, 42);
 * assert.deepEqual(options.storage, { retention: 5 });
 * ```
 */
export class ExperimentOptionsBuilder {
  #options: Omit<ExperimentOptions, "datasource" | "pipeline"> & {
    datasource?: DataSource;
    pipeline?: Pipeline;
  };
  readonly #steps: PipelineStep[] = [];

  /** Prefer `Experiment.builder`. */
  constructor(name?: string) {
    this.#options = { name };
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

  /** The options collected so far, as the `Experiment` constructor takes them. */
  toOptions(): ExperimentOptions {
    return {
      ...this.#options,
      datasource: this.#options.datasource!,
      pipeline: this.#options.pipeline ?? [...this.#steps],
    };
  }
}
