import type { CliConfig } from "../config/folder_config.ts";
import type { FolderExperimentSpec } from "../config/folder_spec.ts";
import { deepFreeze } from "../context/deep_freeze.ts";
import { fileUrlOf } from "../file_url.ts";
import type { Logger } from "../context/logger.ts";
import type { DataSource } from "../data/datasource.ts";
import type { Artifact } from "../data/artifact.ts";
import type { ArtifactRef } from "../data/experiment_input.ts";
import { unhostedRunError } from "../execution/worker/hosted_run.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import { callerModuleUrl } from "../pipeline/module_ref.ts";
import { Pipeline } from "../pipeline/pipeline.ts";
import type { BasePlugin } from "../run/plugin.ts";
import type { Result } from "../run/result.ts";
import type { SeedSettings } from "../run/setting_plugins.ts";
import { toTreatment, type Treatment, type TreatmentLike } from "../run/treatment.ts";
import type { RunStore } from "../storage/run_store.ts";
import type { Hypothesis } from "../verify/hypothesis.ts";
import { ExperimentBuilder } from "./builder.ts";
import type { ExperimentOptions, RunOptions } from "./experiment_options.ts";
import { debugPlugins, experimentSettings } from "./experiment_settings.ts";
import { experimentProblems } from "./experiment_problems.ts";
import { outputRef } from "./output_ref.ts";
import type { BaseOptimizer } from "./optimizer.ts";
import type { TrialOptions } from "./optimize_trials.ts";
import { type RunSettings, runSettings, singlePass } from "./run_settings.ts";
import { TreatmentWarnings } from "./treatment_warnings.ts";
import {
  CODE_WORDING,
  configWording,
  type FixWording,
  type ValidationWarning,
} from "./unread_treatment_keys.ts";
import { ValidationError } from "./validation_error.ts";

/**
 * A reproducible experiment: a datasource feeding a pipeline, run for many
 * replicates under a baseline and treatments, with hypotheses verified on
 * the collected metrics. Build one with {@linkcode Experiment.builder} or the
 * constructor; run it with {@linkcode Experiment.run}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, hypothesis, pipelineStep, stats, treatment } from "@crystallize/deno";
 *
 * const numbers = dataSource((ctx) => [1, 2, 3].map((x) => x + ctx.rng.normal(0, 0.1)), { name: "numbers" });
 * const total = pipelineStep((data: number[], ctx, { delta }) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b + delta, 0));
 *   return data;
 * }, { name: "total", params: { delta: 0 } });
 * const experiment = new Experiment({
 *   name: "demo",
 *   datasource: numbers(),
 *   pipeline: [total()],
 *   treatments: [treatment("boost", { delta: 10 })],
 *   hypotheses: [hypothesis({ name: "by_p", verifier: stats.welch(), metrics: "total" })],
 *   replicates: 20,
 *   seed: 42,
 * });
 * const result = await experiment.run();
 * assert.equal(result.metrics.baseline.metrics.total.length, 20);
 * assert.equal(result.getHypothesis("by_p")?.ranking.best, "boost");
 * ```
 */
export class Experiment {
  /** Experiment name. */
  readonly name: string;
  /** Description, if given. */
  readonly description: string | undefined;
  /** The datasource. */
  readonly datasource: DataSource | undefined;
  /** The pipeline (`undefined` when no steps were given; `validate()` reports it). */
  readonly pipeline: Pipeline | undefined;
  /** Plugins in hook order: those given, then the plugin forms of the settings they did not give. */
  readonly plugins: readonly BasePlugin[];
  /** Default treatments. */
  readonly treatments: readonly Treatment[];
  /** Default hypotheses. */
  readonly hypotheses: readonly Hypothesis[];
  /** Default replicates per condition. */
  readonly replicates: number;
  /** Initial context values (frozen). */
  readonly initialContext: Readonly<Record<string, unknown>>;
  /** Output root given, if any. */
  readonly outputDir: string | undefined;
  /** Declared artifacts. */
  readonly outputs: readonly Artifact[];
  /** The module that built the experiment (its folder is the experiment's folder). */
  readonly moduleUrl: string | undefined;
  /** How replicate seeds are derived: the `seed` option, or a `SeedPlugin`; drawn at random by default. */
  readonly seeding: SeedSettings;
  /** The logger of its runs (`ctx.logger`): the `logging` option's, or a `LoggingPlugin`'s. */
  readonly logger: Logger;
  /** Where its runs are stored: the `storage` option, or an `ArtifactPlugin`; `undefined`: not stored. */
  readonly storage: RunStore | undefined;
  /** Problems of the seed, logging and storage settings, reported by `validate()`. */
  readonly #settingProblems: readonly string[];
  /** The warnings about its treatments, each logged once however often it runs. */
  readonly #warnings = new TreatmentWarnings();

  /** Creates an experiment. Problems are reported by {@linkcode Experiment.validate} (called by `run`). */
  constructor(options: ExperimentOptions) {
    this.name = options.name ?? "experiment";
    this.description = options.description;
    this.datasource = options.datasource;
    this.pipeline = options.pipeline instanceof Pipeline
      ? options.pipeline
      : options.pipeline?.length
      ? new Pipeline(options.pipeline)
      : undefined;
    this.treatments = (options.treatments ?? []).map(toTreatment);
    this.hypotheses = [...(options.hypotheses ?? [])];
    this.replicates = options.replicates ?? 1;
    this.initialContext = deepFreeze({ ...options.initialContext });
    this.outputDir = options.outputDir;
    this.outputs = [...(options.outputs ?? [])];
    this.moduleUrl = callerModuleUrl();
    const settings = experimentSettings(options);
    this.plugins = settings.plugins;
    this.seeding = settings.seeding;
    this.logger = settings.logger;
    this.storage = settings.storage;
    this.#settingProblems = settings.problems;
    for (const plugin of this.plugins) plugin.initHook?.(this);
  }

  /**
   * Starts a fluent builder.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { dataSource, Experiment, pipelineStep } from "@crystallize/deno";
   *
   * const experiment = Experiment.builder("demo")
   *   .datasource(dataSource(() => [1, 2, 3], { name: "numbers" })())
   *   .addStep(pipelineStep((data: number[]) => data, { name: "id" })())
   *   .replicates(10)
   *   .build();
   * assert.equal((await experiment.run()).provenance.replicates, 10);
   * ```
   */
  static builder(name?: string): ExperimentBuilder<Experiment> {
    return new ExperimentBuilder(name, (options) => new Experiment(options));
  }

  /**
   * Loads a folder experiment: `path` is a folder holding `config.yaml`
   * (plus `datasources.ts`, `steps.ts`, `verifiers.ts`, `outputs.ts`) or
   * the `config.yaml` itself. Every problem is reported at once in a
   * `ConfigError` whose lines read `<file>:<line>:<column>: <message>`. The
   * experiment stores its runs under `<folder>/.crystallize` with an
   * `ArtifactPlugin`. `outputDir` sets another output root; `upstreams`
   * lists the experiment folders its `experiment#output` references resolve
   * among (default: the folders next to it). See the README's "Folder
   * experiments" section.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Experiment } from "@crystallize/deno";
   *
   * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
   * const outputDir = await Deno.makeTempDir();
   * const experiment = await Experiment.fromYaml(folder, { outputDir });
   * assert.equal(experiment.name, "smoothing");
   * const result = await experiment.run({ replicates: 2 });
   * assert.equal(result.metrics.baseline.metrics.mae.length, 2);
   * await Deno.remove(outputDir, { recursive: true });
   * ```
   */
  static async fromYaml(
    path: string,
    options: { outputDir?: string; upstreams?: readonly string[] } = {},
  ): Promise<Experiment> {
    // Imported on demand: the YAML parser and the folder loader stay out of mod.ts and workers.
    const { loadFolderSpec } = await import("../config/folder_spec.ts");
    return new FolderExperiment(await loadFolderSpec(path, options));
  }

  /**
   * A reference to one of the experiment's declared outputs, for another
   * experiment's `ExperimentInput`. An undeclared name throws.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Artifact, dataSource, Experiment, ExperimentInput, pipelineStep } from "@crystallize/deno";
   *
   * const train = Experiment.builder("train").datasource(dataSource(() => 1, { name: "one" })())
   *   .addStep(pipelineStep((d: number) => d, { name: "id" })()).storage()
   *   .outputs([new Artifact("model.json", { format: "json" })]).build();
   * const input = new ExperimentInput({ model: train.output("model.json") });
   * assert.deepEqual(input.requiredOutputs, [{ experiment: "train", artifact: "model.json" }]);
   * ```
   */
  output(name: string): ArtifactRef {
    return outputRef(this, name);
  }

  /** The first plugin that is an instance of `type`. */
  getPlugin<T extends BasePlugin>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.plugins.find((p): p is T => p instanceof type);
  }

  /**
   * Checks the configuration and throws {@linkcode ValidationError} listing
   * every problem with its fix: a name that cannot name a folder (see
   * `PATH_NAME_RULE`), no datasource, no steps, a bad replicate count (see
   * `MAX_REPLICATES`), duplicate treatment or hypothesis names, non-plugins,
   * a seed, logging or storage setting given twice or with a bad value.
   *
   * Returns the warnings, which do not stop a run: a treatment setting a key
   * that no step or datasource reads (every step declaring it has it fixed
   * explicitly, or none declares it), so it would measure the baseline again.
   * `run()`, `debug()` and `apply()` log the warnings about the treatments
   * they run, once each, at warn level through the experiment's logger
   * (which is how `crystallize run` shows them); `validate()` itself only
   * returns them, as `build()` calls it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { dataSource, Experiment, pipelineStep, treatment } from "@crystallize/deno";
   *
   * const addDelta = pipelineStep((data: number[], _ctx, { delta }) => data.map((x) => x + delta), {
   *   name: "add_delta",
   *   params: { delta: 0 },
   * });
   * const experiment = Experiment.builder("demo").datasource(dataSource(() => [1], { name: "one" })())
   *   .addStep(addDelta({ delta: 0 })).treatments([treatment("boost", { delta: 1 })]).build();
   * assert.match(experiment.validate()[0].message, /^treatment 'boost' sets 'delta', but step 'add_delta' fixes it/);
   * ```
   */
  validate(): ValidationWarning[] {
    this.#check();
    return this.#warnings.of(this, this.treatments, this.fixWording());
  }

  /**
   * How the fixes of {@linkcode validate}'s warnings are worded; a folder
   * experiment points at its config.yaml instead of factory calls.
   */
  protected fixWording(): FixWording {
    return CODE_WORDING;
  }

  /** Throws {@linkcode ValidationError} for the problems {@linkcode validate} lists. */
  #check(): void {
    const problems = experimentProblems(this, this.#settingProblems);
    if (problems.length > 0) throw new ValidationError(`Experiment '${this.name}'`, problems);
  }

  /** Resolves a run's settings (see `runSettings`) and logs the warnings about its treatments. */
  #settings(options: RunOptions, plugins?: readonly BasePlugin[]): RunSettings {
    const settings = runSettings(this, options, plugins);
    // The run's own treatments: run({ treatments }) may pick others than the experiment's.
    this.#warnings.log(this, settings.treatments, this.fixWording(), this.logger);
    return settings;
  }

  /**
   * Runs every replicate of the baseline and each treatment, then verifies
   * the hypotheses (none when every baseline replicate failed: there is
   * nothing to compare with). Failing replicates are recorded in
   * `result.errors`; the others still run. With `strategy: "resume"` and a
   * stored run that is complete and unchanged, that run's result is
   * returned (`provenance.stored.upToDate`) and nothing runs or is written. Throws {@linkcode ValidationError} for a bad
   * configuration, {@linkcode MissingMetricError} or `HypothesisError` when a
   * hypothesis cannot be verified (with the computed `result` attached), and
   * {@linkcode RunCancelledError} when `signal` aborts.
   */
  async run(options: RunOptions = {}): Promise<Result> {
    const unhosted = unhostedRunError(this.moduleUrl, options.workerLauncher);
    if (unhosted !== undefined) throw unhosted;
    this.#check();
    this.datasource?.refresh?.();
    const settings = this.#settings(options);
    // Loaded on the first run: worker processes import the library (their experiment modules
    // do) and never run an experiment; planning, storage and provenance were a tenth of it.
    const { executeRun } = await import("./execute_run.ts");
    return await executeRun(this, this, settings);
  }

  /**
   * One replicate, serially, with every step logged at debug level: for
   * finding out what a pipeline does. `treatment` (an instance or the name of
   * one of the experiment's) runs after the baseline; no hypotheses. Nothing
   * is stored (the step cache is still used).
   */
  async debug(treatment?: TreatmentLike | string): Promise<Result> {
    this.#check();
    const settings = this.#settings(singlePass(treatment), debugPlugins(this.plugins));
    const { executeRun } = await import("./execute_run.ts");
    return await executeRun(this, this, settings);
  }

  /**
   * Runs the pipeline once (replicate 0) and returns its output: to use a
   * finished pipeline on data. Without `data` the datasource is fetched.
   * Errors propagate. `treatment` applies its values; `seed` sets the master
   * seed.
   */
  async apply(
    data?: unknown,
    options: { treatment?: TreatmentLike | string; seed?: number } = {},
  ): Promise<unknown> {
    this.#check();
    const settings = this.#settings(singlePass(options.treatment, options.seed));
    const { applyOnce, planRun } = await import("./plan_run.ts");
    return await applyOnce(planRun(this, this, settings, crypto.randomUUID(), undefined), data);
  }

  /**
   * Searches treatments with an optimizer: each trial asks it for
   * treatments, runs them (`replicatesPerTrial` replicates, no hypotheses),
   * tells it the mean of the objective metric of the first treatment, and
   * finally returns its best treatment.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { dataSource, Experiment, GridSearchOptimizer, pipelineStep } from "@crystallize/deno";
   *
   * const sum = pipelineStep((data: number[], ctx, { delta }) => {
   *   ctx.metrics.add("sum", data.reduce((a, b) => a + b + delta, 0));
   *   return data;
   * }, { name: "sum", params: { delta: 0 } });
   * const experiment = Experiment.builder("search").datasource(dataSource(() => [1, 2], { name: "n" })())
   *   .addStep(sum()).build();
   * const grid = new GridSearchOptimizer({ delta: [2, 0, 1] }, { metric: "sum", direction: "minimize" });
   * assert.deepEqual((await experiment.optimize(grid, { numTrials: 3 })).values, { delta: 0 });
   * ```
   */
  async optimize(optimizer: BaseOptimizer, options: TrialOptions): Promise<Treatment> {
    this.#check(); // each trial's run warns about the treatments the optimizer asked for
    const { optimizeTrials } = await import("./optimize_trials.ts");
    return await optimizeTrials(optimizer, options, (o) => this.run(o));
  }
}

/**
 * An {@linkcode Experiment} loaded from a folder's `config.yaml` (see
 * {@linkcode Experiment.fromYaml}), plus what the CLI and `ExperimentGraph`
 * need: where it came from, its listing metadata, the permissions its code is
 * granted, its outputs and inputs by alias. Its folder is the experiment's
 * (provenance records its git commit), its output root `<folder>/.crystallize`.
 * Defined here because `fromYaml` builds it: a file of its own would import this one back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, FolderExperiment } from "@crystallize/deno";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const experiment = await Experiment.fromYaml(folder);
 * assert.ok(experiment instanceof FolderExperiment);
 * assert.equal(experiment.cli.group, "Examples");
 * assert.equal(experiment.folder, folder);
 * ```
 */
export class FolderExperiment extends Experiment {
  /** Absolute path of its `config.yaml`. */
  readonly configFile: string;
  /** Its folder. */
  readonly folder: string;
  /** Listing metadata. */
  readonly cli: CliConfig;
  /** Permissions of its code (what `ParallelExecution` workers get on top of the defaults). */
  readonly permissions: WorkerPermissions;
  /** Declared outputs by alias. */
  readonly outputsByAlias: Readonly<Record<string, Artifact>>;
  /** `experiment#artifact` references by alias. */
  readonly references: Readonly<Record<string, string>>;
  /** `config.yaml` as a file URL: the experiment's module is its configuration. */
  declare readonly moduleUrl: string;

  /** Prefer `Experiment.fromYaml`; `spec` is what the folder's config.yaml makes. */
  constructor(spec: FolderExperimentSpec) {
    super(spec);
    this.configFile = spec.configFile;
    this.folder = spec.folder;
    this.cli = spec.cli;
    this.permissions = spec.permissions;
    this.outputsByAlias = spec.outputsByAlias;
    this.references = spec.references;
    this.moduleUrl = fileUrlOf(spec.configFile).href;
  }

  /** Fixes name the entries of config.yaml, where its steps' parameters and treatments are set. */
  protected override fixWording(): FixWording {
    return configWording(this.configFile);
  }
}
