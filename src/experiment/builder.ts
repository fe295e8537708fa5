import type { Artifact } from "../data/artifact.ts";
import type { DataSource } from "../data/datasource.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { BasePlugin } from "../run/plugin.ts";
import type { Hypothesis } from "../verify/hypothesis.ts";
import { Experiment, type ExperimentOptions } from "./experiment.ts";
import type { TreatmentLike } from "../run/treatment.ts";

/**
 * Fluent construction of an {@linkcode Experiment}; every method returns the
 * builder, and `build()` validates.
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
 *   .build();
 * assert.equal(experiment.name, "demo");
 * assert.equal(experiment.replicates, 10);
 * ```
 */
export class ExperimentBuilder {
  #options: Omit<ExperimentOptions, "datasource" | "pipeline"> & {
    datasource?: DataSource;
    pipeline?: Pipeline;
  };
  readonly #steps: PipelineStep[] = [];

  /** Prefer {@linkcode Experiment.builder}. */
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

  /** Builds and validates the experiment; throws {@linkcode ValidationError} listing every problem. */
  build(): Experiment {
    const experiment = new Experiment({
      ...this.#options,
      datasource: this.#options.datasource!,
      pipeline: this.#options.pipeline ?? this.#steps,
    });
    experiment.validate();
    return experiment;
  }
}
