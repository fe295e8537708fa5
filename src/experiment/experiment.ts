import { dirname, join } from "node:path";
import { stepCachePlan } from "../cache/cached_step.ts";
import { outputRoot } from "../storage/output_root.ts";
import { fileURLToPath } from "node:url";
import { deepFreeze } from "../context/deep_freeze.ts";
import { BASELINE } from "../context/frozen_context.ts";
import type { FrozenContext } from "../context/frozen_context.ts";
import type { Logger } from "../context/logger.ts";
import type { DataSource } from "../data/datasource.ts";
import { CrystallizeError, errorMessage } from "../errors.ts";
import { SerialExecution } from "../execution/serial.ts";
import { isInsideWorker } from "../execution/worker/in_worker.ts";
import { callerModuleUrl } from "../pipeline/module_ref.ts";
import { contextReaders } from "../pipeline/context_readers.ts";
import { Pipeline } from "../pipeline/pipeline.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import { LoggingPlugin } from "../run/logging_plugin.ts";
import type { BasePlugin, RunInfo } from "../run/plugin.ts";
import { assertSeed, SeedPlugin } from "../run/seed.ts";
import { isPromiseLike } from "../promise.ts";
import { pathNameMessage, pathNameProblem } from "../path_name.ts";
import { Hypothesis, type HypothesisResult } from "../verify/hypothesis.ts";
import { HypothesisError } from "../verify/hypothesis_error.ts";
import { MissingMetricError } from "../verify/missing_metric_error.ts";
import { aggregate } from "../run/aggregate.ts";
import { conditionPlans } from "../run/condition_plan.ts";
import {
  type EventSink,
  executeCondition,
  type RunPlan,
  runReplicate,
} from "../run/condition_runner.ts";
import type { ProgressListener } from "../run/events.ts";
import { gitCommitOf } from "./git_commit.ts";
import type { GitInfo } from "../storage/provenance.ts";
import type { BaseOptimizer } from "./optimizer.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";
import { runtimeEnvironment } from "../storage/provenance.ts";
import { Result } from "../run/result.ts";
import type { TreatmentMetrics } from "../storage/result_json.ts";
import { replicatesProblem } from "../run/replicates.ts";
import { RunCancelledError } from "../run/run_cancelled_error.ts";
import { toTreatment, Treatment, type TreatmentLike } from "../run/treatment.ts";
import { ValidationError } from "./validation_error.ts";
import {
  CODE_WORDING,
  type FixWording,
  unreadTreatmentKeys,
  type ValidationWarning,
} from "./unread_treatment_keys.ts";
import { ExperimentBuilder } from "./builder.ts";
import type { Artifact } from "../data/artifact.ts";
import { type ArtifactRef, ExperimentInput } from "../data/experiment_input.ts";
import { ArtifactPlugin } from "../run/artifact_plugin.ts";
import {
  artifactIndex,
  conditionFingerprints,
  declaredOutputs,
  finalDir,
  lastRecordedRun,
  mergeReused,
  openRunStorage,
  type RunStorage,
} from "../run/run_storage.ts";
import { type RunManifest, StoredRunError } from "../storage/stored_run.ts";
import { eventSink } from "../run/event_sink.ts";
import { upToDateResult } from "../graph/graph_resume.ts";

/** Everything an experiment is made of (the builder's fields). */
export interface ExperimentOptions {
  /**
   * Name (used in results, logs and output folders: `<root>/<name>/v<N>`);
   * default `"experiment"`. It must be usable as a folder name (see
   * `PATH_NAME_RULE`: no `/`, `\`, control characters, `.` or `..`).
   */
  name?: string;
  /** Free-text description. */
  description?: string;
  /** Where each replicate's data comes from. */
  datasource: DataSource;
  /** The steps, as a {@linkcode Pipeline} or a list. */
  pipeline: Pipeline | readonly PipelineStep[];
  /** Plugins; `SeedPlugin` and `LoggingPlugin` are appended when missing. */
  plugins?: readonly BasePlugin[];
  /** Treatments run by default. */
  treatments?: readonly TreatmentLike[];
  /** Hypotheses verified by default. */
  hypotheses?: readonly Hypothesis[];
  /** Replicates per condition by default: a whole number from 1 to `MAX_REPLICATES`; default 1. */
  replicates?: number;
  /** Context values every replicate starts with (treatment values merge over them). */
  initialContext?: Readonly<Record<string, unknown>>;
  /** Root folder for everything runs write; default `.crystallize` (or `$CRYSTALLIZE_HOME`). */
  outputDir?: string;
  /** Artifacts the steps write, declared so other experiments can read them (`ExperimentInput`). */
  outputs?: readonly Artifact[];
}

/** Options of one run; each overrides the experiment's setting for this run only. */
export interface RunOptions {
  /** Replicates per condition: a whole number from 1 to `MAX_REPLICATES`. */
  replicates?: number;
  /** Treatments to run: instances or names of the experiment's treatments; `[]` runs the baseline only. */
  treatments?: readonly (TreatmentLike | string)[];
  /** Hypotheses to verify: instances or names; `[]` verifies none. */
  hypotheses?: readonly (Hypothesis | string)[];
  /** Master seed for this run (overrides the SeedPlugin's). */
  seed?: number;
  /** Cancels the run: no new replicates start, running steps see `ctx.signal`. */
  signal?: AbortSignal;
  /** Receives every progress event of the run. */
  onEvent?: ProgressListener;
  /**
   * `"resume"` reuses the replicates the last stored run completed and runs
   * only what is missing (needs an `ArtifactPlugin`); `"rerun"` ignores step
   * caches (recomputing and overwriting their entries) and previous runs.
   * Default: cacheable steps use their cache, every replicate runs.
   */
  strategy?: RunStrategy;
  /** `false` turns the step cache off for this run (nothing read or written). Default true. */
  cache?: boolean;
  /**
   * Per-replicate time limit, ms. The process executor kills a worker that
   * exceeds it (the replicate fails with a `TimeoutError`, the run goes on);
   * in-isolate strategies can only stop steps that watch `ctx.signal`.
   */
  timeoutMs?: number;
  /**
   * Plugins added after the experiment's for this run only (the CLI adds an
   * `ArtifactPlugin`, and its `--executor`: the last plugin with a loop runs
   * the replicates, so an execution plugin here replaces the experiment's).
   */
  plugins?: readonly BasePlugin[];
  /**
   * The git commit provenance records. Default: read from the `.git` of the
   * experiment's folder; `null` records none. The CLI reads it itself and
   * passes it in: its sandboxed runner may not read `.git`.
   */
  git?: GitInfo | null;
}

/** How a run treats earlier work: see {@linkcode RunOptions.strategy}. */
export type RunStrategy = "rerun" | "resume";

/** Settings of one execution, resolved from run options and the experiment. */
interface RunSettings {
  /** Whether the master seed was chosen (not drawn at random): resume keeps a drawn one from the last run. */
  readonly seedGiven: boolean;
  readonly strategy: RunStrategy | undefined;
  readonly cache: boolean;
  readonly replicates: number;
  readonly treatments: readonly Treatment[];
  readonly hypotheses: readonly Hypothesis[];
  readonly seed: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onEvent: ProgressListener | undefined;
  readonly timeoutMs: number | undefined;
  /** Plugins for this run (the experiment's, or a debug variant). */
  readonly plugins: readonly BasePlugin[];
  readonly git: GitInfo | null | undefined;
}

/**
 * A reproducible experiment: a datasource feeding a pipeline, run for many
 * replicates under a baseline and treatments, with hypotheses verified on
 * the collected metrics. Build one with {@linkcode Experiment.builder} or the
 * constructor; run it with {@linkcode Experiment.run}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   dataSource,
 *   Experiment,
 *   hypothesis,
 *   Pipeline,
 *   pipelineStep,
 *   stats,
 *   treatment,
 * } from "@crystallize/deno";
 *
 * const numbers = dataSource((ctx) => [1, 2, 3].map((x) => x + ctx.rng.normal(0, 0.1)), {
 *   name: "numbers",
 * });
 * const addDelta = pipelineStep(
 *   (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
 *   { name: "add_delta", params: { delta: 0 } },
 * );
 * const total = pipelineStep((data: number[], ctx) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
 *   return data;
 * }, { name: "total" });
 * const experiment = new Experiment({
 *   name: "demo",
 *   datasource: numbers(),
 *   pipeline: new Pipeline([addDelta(), total()]),
 *   treatments: [treatment("boost", { delta: 10 })],
 *   hypotheses: [hypothesis({ name: "by_p", verifier: stats.welch(), metrics: "total" })],
 *   replicates: 20,
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
  /** Plugins, defaults included, in hook order. */
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
  /** Warnings already logged, so a warning shows once however often the experiment runs. */
  readonly #warned = new Set<string>();

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
    const plugins = [...(options.plugins ?? [])];
    if (!plugins.some((p) => p instanceof SeedPlugin)) plugins.push(new SeedPlugin());
    if (!plugins.some((p) => p instanceof LoggingPlugin)) plugins.push(new LoggingPlugin());
    this.plugins = plugins;
    for (const plugin of plugins) plugin.initHook?.(this);
  }

  /**
   * Starts a fluent builder.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { dataSource, Experiment, pipelineStep } from "@crystallize/deno";
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
   *   .replicates(10)
   *   .build();
   * assert.equal((await experiment.run()).provenance.replicates, 10);
   * ```
   */
  static builder(name?: string): ExperimentBuilder {
    return new ExperimentBuilder(name);
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
    // Imported on demand: the YAML parser and schema validator stay out of mod.ts and workers.
    const { loadFolderExperiment } = await import("../config/load_folder_experiment.ts");
    return await loadFolderExperiment(path, options);
  }

  /**
   * A reference to one of the experiment's declared outputs, for another
   * experiment's `ExperimentInput`. An undeclared name throws.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import {
   *   Artifact,
   *   ArtifactPlugin,
   *   dataSource,
   *   Experiment,
   *   ExperimentInput,
   *   pipelineStep,
   * } from "@crystallize/deno";
   *
   * const train = Experiment.builder("train").datasource(dataSource(() => 1, { name: "one" })())
   *   .addStep(pipelineStep((d: number) => d, { name: "id" })())
   *   .outputs([new Artifact("model.json", { format: "json" })])
   *   .plugins([new ArtifactPlugin()]).build();
   * const input = new ExperimentInput({ model: train.output("model.json") });
   * assert.deepEqual(input.requiredOutputs, [{ experiment: "train", artifact: "model.json" }]);
   * ```
   */
  output(name: string): ArtifactRef {
    const artifact = this.outputs.find((o) => o.name === name);
    if (artifact === undefined) {
      throw new CrystallizeError(
        `Experiment '${this.name}' declares no output '${name}'; it declares ${
          listNames(this.outputs)
        } (add it with .outputs([new Artifact("${name}")]))`,
      );
    }
    return {
      experiment: this.name,
      artifact: name,
      format: artifact.format,
      root: this.getPlugin(ArtifactPlugin)?.root ?? outputRoot(this),
    };
  }

  /** The first plugin that is an instance of `type`. */
  getPlugin<T extends BasePlugin>(type: abstract new (...args: never[]) => T): T | undefined {
    return this.plugins.find((p): p is T => p instanceof type);
  }

  /**
   * Checks the configuration and throws {@linkcode ValidationError} listing
   * every problem with its fix: a name that cannot name a folder (see
   * `PATH_NAME_RULE`), no datasource, no steps, a bad replicate count (see
   * `MAX_REPLICATES`), duplicate treatment or hypothesis names, non-plugins.
   *
   * Returns the warnings, which do not stop a run: a treatment setting a key
   * that no step or datasource reads (every step declaring it has it fixed
   * explicitly, or none declares it), so it would measure the baseline again.
   * `run()`, `debug()` and `apply()` log the warnings about the treatments
   * they run, once each, at warn level through the `LoggingPlugin`'s logger
   * (which is how `crystallize run` shows them); `validate()` itself only
   * returns them, as `build()` calls it.
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
   * const experiment = Experiment.builder("demo").datasource(numbers())
   *   .addStep(addDelta({ delta: 0 })).treatments([treatment("boost", { delta: 1 })]).build();
   * assert.match(experiment.validate()[0].message, /^treatment 'boost' sets 'delta', but step 'add_delta' fixes it/);
   * ```
   */
  validate(): ValidationWarning[] {
    this.#check();
    return this.#warnings(this.treatments);
  }

  /**
   * How the fixes of {@linkcode validate}'s warnings are worded; a folder
   * experiment points at its config.yaml instead of factory calls.
   */
  protected fixWording(): FixWording {
    return CODE_WORDING;
  }

  /** The warnings about `treatments` (see {@linkcode validate}). */
  #warnings(treatments: readonly Treatment[]): ValidationWarning[] {
    const readers = [
      ...contextReaders(this.datasource!, "datasource"),
      ...this.pipeline!.steps.flatMap((s) => contextReaders(s, "step")),
    ];
    return unreadTreatmentKeys(readers, treatments, this.fixWording());
  }

  /** Logs the warnings about the treatments a run runs, each once in the experiment's life. */
  #warn(treatments: readonly Treatment[]): void {
    const logger = this.getPlugin(LoggingPlugin)?.logger;
    for (const w of this.#warnings(treatments)) {
      if (this.#warned.has(w.message)) continue;
      this.#warned.add(w.message);
      logger?.warn(`Experiment '${this.name}': ${w.message}`);
    }
  }

  /** Throws {@linkcode ValidationError} for the problems {@linkcode validate} lists. */
  #check(): void {
    const problems: string[] = [];
    const nameProblem = pathNameProblem(this.name);
    if (nameProblem !== undefined) {
      // It names the folder of the experiment's stored runs: <root>/<experiment>/v<N>.
      problems.push(
        `${pathNameMessage(this.name, "experiment", nameProblem)}; set it with ` +
          'Experiment.builder("my_experiment") or { name: "my_experiment" }',
      );
    }
    if (typeof this.datasource?.fetch !== "function") {
      problems.push(
        "no datasource: set one with .datasource(myData()) or { datasource: myData() }",
      );
    }
    if (this.pipeline === undefined) {
      problems.push(
        "no pipeline steps: add at least one with .addStep(myStep()) or { pipeline: [myStep()] }",
      );
    }
    const replicateProblem = checkReplicates(this.replicates);
    if (replicateProblem !== undefined) problems.push(replicateProblem);
    for (const name of duplicates(this.treatments.map((t) => t.name))) {
      problems.push(`two treatments are named '${name}': treatment names must be unique`);
    }
    for (const name of duplicates(this.outputs.map((o) => o.name))) {
      problems.push(`two outputs are named '${name}': artifact names must be unique`);
    }
    for (const name of duplicates(this.hypotheses.map((h) => h.name))) {
      problems.push(`two hypotheses are named '${name}': give each a distinct name`);
    }
    this.hypotheses.forEach((h, i) => {
      if (!(h instanceof Hypothesis)) {
        problems.push(`hypotheses[${i}] is not a Hypothesis: create it with hypothesis({...})`);
      }
    });
    this.plugins.forEach((p, i) => {
      if (typeof p !== "object" || p === null) {
        problems.push(`plugins[${i}] is not a plugin object`);
      }
    });
    if (problems.length > 0) throw new ValidationError(`Experiment '${this.name}'`, problems);
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
  run(options: RunOptions = {}): Promise<Result> {
    if (isInsideWorker()) {
      return Promise.reject(
        new CrystallizeError(
          `experiment.run() was called while a worker imported '${
            this.moduleUrl ?? "the experiment module"
          }'; ` +
            "guard the call with `if (import.meta.main) { ... }` so importing the module does not start a run",
        ),
      );
    }
    try {
      this.#check();
      this.datasource?.refresh?.();
      const settings = this.#settings(options);
      // The run's own treatments: run({ treatments }) may pick others than the experiment's.
      this.#warn(settings.treatments);
      return this.#execute(settings);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * One replicate, serially, with every step logged at debug level: for
   * finding out what a pipeline does. `treatment` (an instance or the name of
   * one of the experiment's) runs after the baseline; no hypotheses. Nothing
   * is stored by an `ArtifactPlugin` (the step cache is still used).
   */
  debug(treatment?: TreatmentLike | string): Promise<Result> {
    try {
      this.#check();
      const base = this.#settings({
        replicates: 1,
        treatments: treatment === undefined ? [] : [treatment],
        hypotheses: [],
      });
      this.#warn(base.treatments);
      const plugins = [
        // A debug pass is not a stored run: resume must never continue from it.
        ...this.plugins.filter((p) =>
          p.runExperimentLoop === undefined && !(p instanceof LoggingPlugin) &&
          !(p instanceof ArtifactPlugin)
        ),
        new LoggingPlugin({ verbose: true }),
        new SerialExecution(),
      ];
      return this.#execute({ ...base, plugins });
    } catch (error) {
      return Promise.reject(error);
    }
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
    const settings = this.#settings({
      replicates: 1,
      treatments: options.treatment === undefined ? [] : [options.treatment],
      hypotheses: [],
      seed: options.seed,
    });
    this.#warn(settings.treatments);
    const plan = this.#plan(settings, crypto.randomUUID(), undefined);
    const index = plan.conditions.length - 1;
    const out = executeCondition(plan, 0, index, data === undefined ? undefined : { value: data });
    return isPromiseLike(out) ? await out : out;
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
   * const addDelta = pipelineStep(
   *   (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
   *   { name: "add_delta", params: { delta: 0 } },
   * );
   * const sum = pipelineStep((data: number[], ctx) => {
   *   ctx.metrics.add("sum", data.reduce((a, b) => a + b, 0));
   *   return data;
   * }, { name: "sum" });
   * const experiment = Experiment.builder("search").datasource(dataSource(() => [1, 2], { name: "n" })())
   *   .addStep(addDelta()).addStep(sum()).build();
   * const best = await experiment.optimize(
   *   new GridSearchOptimizer({ delta: [0, 1, 2] }, { metric: "sum", direction: "minimize" }),
   *   { numTrials: 3 },
   * );
   * assert.deepEqual(best.values, { delta: 0 });
   * ```
   */
  async optimize(
    optimizer: BaseOptimizer,
    options: { numTrials: number; replicatesPerTrial?: number },
  ): Promise<Treatment> {
    // Each trial's run warns about the treatments the optimizer asked for.
    this.#check();
    const metric = optimizer.objective.metric;
    for (let trial = 0; trial < options.numTrials; trial++) {
      const asked = optimizer.ask();
      const result = await this.run({
        treatments: asked,
        hypotheses: [],
        replicates: options.replicatesPerTrial ?? 1,
      });
      const first = asked[0] === undefined ? undefined : toTreatment(asked[0]).name;
      const values = first === undefined
        ? undefined
        : result.metrics.treatments[first]?.metrics[metric];
      const numbers = (values ?? []).filter((v): v is number => typeof v === "number");
      if (first === undefined || numbers.length === 0) {
        const errors = result.errors.map((e) =>
          `${e.condition} #${e.replicate} in ${e.step}: ${e.message}`
        );
        throw new CrystallizeError(
          `optimize(): trial ${trial} produced no numeric '${metric}' values for treatment '${
            first ?? "(none asked)"
          }'` +
            (errors.length > 0
              ? `; failures: ${errors.slice(0, 3).join("; ")}`
              : "; record it with ctx.metrics.add"),
        );
      }
      optimizer.tell({ [metric]: numbers.reduce((a, b) => a + b, 0) / numbers.length });
    }
    return optimizer.getBestTreatment();
  }

  #settings(options: RunOptions): RunSettings {
    const problems: string[] = [];
    let implied: number | undefined;
    try {
      implied = this.datasource?.replicates;
    } catch (error) {
      problems.push(`run(): ${(error as Error).message}`);
    }
    const replicates = options.replicates ?? implied ?? this.replicates;
    if (
      this.datasource instanceof ExperimentInput && implied !== undefined && replicates !== implied
    ) {
      problems.push(
        `run(): ${replicates} replicates were asked for, but the upstream runs this experiment reads have ${implied}; ` +
          `run it with replicates: ${implied}, or re-run the upstream experiments with ${replicates}`,
      );
    }
    const replicateProblem = checkReplicates(replicates);
    if (replicateProblem !== undefined) problems.push(`run(): ${replicateProblem}`);
    const treatments = (options.treatments ?? this.treatments).flatMap((t) => {
      if (typeof t !== "string") return [toTreatment(t)];
      const found = this.treatments.find((x) => x.name === t);
      if (found === undefined) {
        problems.push(
          `run(): unknown treatment '${t}'; the experiment has ${listNames(this.treatments)}`,
        );
      }
      return found === undefined ? [] : [found];
    });
    for (const name of duplicates(treatments.map((t) => t.name))) {
      problems.push(`run(): treatment '${name}' is listed twice`);
    }
    const hypotheses = (options.hypotheses ?? this.hypotheses).flatMap((h) => {
      if (typeof h !== "string") return [h];
      const found = this.hypotheses.find((x) => x.name === h);
      if (found === undefined) {
        problems.push(
          `run(): unknown hypothesis '${h}'; the experiment has ${listNames(this.hypotheses)}`,
        );
      }
      return found === undefined ? [] : [found];
    });
    const unknownTreatment = (options.treatments ?? []).some((t) =>
      typeof t === "string" && !this.treatments.some((x) => x.name === t)
    );
    // With a misspelt treatment name, "no treatment is run" would only repeat that problem.
    if (hypotheses.length > 0 && !treatments.some((t) => !t.isBaseline) && !unknownTreatment) {
      problems.push(
        "hypotheses compare treatments with the baseline, but no treatment is run: " +
          "add treatments or run with { hypotheses: [] }",
      );
    }
    if (
      options.strategy !== undefined && options.strategy !== "rerun" &&
      options.strategy !== "resume"
    ) {
      problems.push(`run(): strategy must be "rerun" or "resume", got "${options.strategy}"`);
    }
    const plugins = options.plugins === undefined
      ? this.plugins
      : [...this.plugins, ...options.plugins];
    if (options.strategy === "resume" && !plugins.some((p) => p instanceof ArtifactPlugin)) {
      problems.push(
        'run(): strategy "resume" continues from stored runs, but the experiment has no ArtifactPlugin; ' +
          "add new ArtifactPlugin() to its plugins",
      );
    }
    if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) {
      problems.push(
        `run(): timeoutMs must be a positive number of milliseconds, got ${options.timeoutMs}`,
      );
    }
    if (options.seed !== undefined) {
      try {
        assertSeed(options.seed);
      } catch (e) {
        problems.push(`run(): ${(e as Error).message}`);
      }
    }
    if (problems.length > 0) {
      throw new ValidationError(`Run of experiment '${this.name}'`, problems);
    }
    const seedPlugin = this.getPlugin(SeedPlugin);
    return {
      seedGiven: options.seed !== undefined || !(seedPlugin?.drawn ?? false),
      strategy: options.strategy,
      cache: options.cache ?? true,
      replicates,
      treatments,
      hypotheses,
      seed: options.seed ?? seedPlugin?.seed,
      signal: options.signal,
      onEvent: options.onEvent,
      timeoutMs: options.timeoutMs,
      plugins,
      git: options.git,
    };
  }

  /** Builds the per-run plan: conditions, seeds, hooks, events. */
  #plan(settings: RunSettings, runId: string, events: EventSink | undefined): RunPlan {
    const plugins = settings.plugins;
    const seedPlugin = plugins.find((p): p is SeedPlugin => p instanceof SeedPlugin);
    const logger: Logger =
      plugins.find((p): p is LoggingPlugin => p instanceof LoggingPlugin)!.logger;
    const conditions = conditionPlans(this.initialContext, settings.treatments);
    const master = settings.seed;
    const steps = this.pipeline!.steps;
    return {
      experimentName: this.name,
      runId,
      datasource: this.datasource!,
      steps,
      conditions,
      seeding: seedPlugin === undefined || master === undefined
        ? undefined
        : { master, autoSeed: seedPlugin.autoSeed },
      seedFn: seedPlugin?.seedFn,
      hooks: {
        beforeReplicate: plugins.flatMap((p) =>
          p.beforeReplicate
            ? [{
              plugin: p.pluginName,
              call: (ctx: FrozenContext) => p.beforeReplicate!(this, ctx),
            }]
            : []
        ),
        beforeStep: plugins.flatMap((p) =>
          p.beforeStep
            ? [{
              plugin: p.pluginName,
              call: (step: PipelineStep, ctx: FrozenContext) => p.beforeStep!(this, step, ctx),
            }]
            : []
        ),
        afterStep: plugins.flatMap((p) =>
          p.afterStep
            ? [{
              plugin: p.pluginName,
              call: (step: PipelineStep, data: unknown, ctx: FrozenContext) =>
                p.afterStep!(this, step, data, ctx),
            }]
            : []
        ),
      },
      logger,
      signal: settings.signal ?? new AbortController().signal,
      timeoutMs: settings.timeoutMs,
      events,
      cache: stepCachePlan(
        steps,
        settings.cache ? join(outputRoot(this), "cache") : undefined,
        settings.strategy === "rerun",
        logger,
      ),
    };
  }

  async #execute(requested: RunSettings): Promise<Result> {
    const runId = crypto.randomUUID();
    const startedAt = new Date();
    const started = performance.now();
    const plugins = requested.plugins;
    const artifactPlugin = plugins.find((p): p is ArtifactPlugin => p instanceof ArtifactPlugin);
    const previous = requested.strategy === "resume" && artifactPlugin !== undefined
      ? lastRecordedRun(artifactPlugin.experimentDir(this))
      : undefined;
    // Resuming a run whose seed was drawn continues with that seed, or nothing could be reused.
    const settings = previous !== undefined && !requested.seedGiven
      ? { ...requested, seed: previous.manifest.seed }
      : requested;
    if (previous?.complete) {
      // Nothing to resume: the stored run is complete and unchanged; return it, write no version.
      const stored = await upToDateResult(
        this,
        {
          replicates: settings.replicates,
          seed: settings.seed,
          treatments: settings.treatments,
          hypotheses: settings.hypotheses,
        },
        [],
        artifactPlugin,
      );
      if (stored !== undefined) return this.#upToDate(stored, settings, plugins);
    }
    const execution =
      [...plugins].reverse().find((p) => typeof p.runExperimentLoop === "function") ??
        new SerialExecution();
    const strategy = execution.executionStrategy ?? execution.pluginName;
    const events = eventSink(
      plugins,
      settings.onEvent,
      plugins.find((p) => p instanceof LoggingPlugin)?.logger,
    );
    const basePlan = this.#plan(settings, runId, events);
    const conditions = basePlan.conditions.map((c) => c.name);
    const storage = artifactPlugin === undefined
      ? undefined
      : this.#openStorage(artifactPlugin, basePlan, settings, startedAt, previous);
    const plan: RunPlan = storage === undefined ? basePlan : {
      ...basePlan,
      recorder: storage.recorder,
      reused: new Map(
        [...storage.reused].map(([c, byReplicate]) => [c, new Set(byReplicate.keys())]),
      ),
    };
    const git = settings.git !== undefined
      ? settings.git ?? undefined
      : gitCommitOf(this.#folder());
    const info: RunInfo = {
      runId,
      replicates: settings.replicates,
      conditions,
      hypotheses: settings.hypotheses.map((h) => h.name),
      seed: settings.seed,
      strategy,
    };
    for (const plugin of plugins) await plugin.beforeRun?.(this, info);
    events?.emit({
      type: "run-started",
      experiment: this.name,
      runId,
      replicates: settings.replicates,
      conditions,
      strategy,
      ...(storage?.resumedFrom === undefined ? {} : {
        resumedFrom: storage.resumedFrom,
        reused: Object.fromEntries([...storage.reused].map(([c, m]) => [c, m.size])),
      }),
    });

    const loop = {
      replicates: settings.replicates,
      signal: plan.signal,
      timeoutMs: settings.timeoutMs,
      plan,
    };
    const replicateFn = (replicate: number) => runReplicate(plan, replicate);
    let computed: readonly ReplicateOutcome[];
    try {
      computed = await execution.runExperimentLoop!(this, replicateFn, loop) ??
        await new SerialExecution().runExperimentLoop(this, replicateFn, loop);
    } finally {
      storage?.recorder.flush(); // the buffered tail of outcomes.jsonl, even when the loop threw
    }
    const outcomes = storage === undefined
      ? computed
      : mergeReused(computed, storage.reused, conditions);
    const stored = storage === undefined ? undefined : {
      dir: finalDir(storage.target),
      artifacts: artifactIndex(outcomes, finalDir(storage.target), conditions, settings.replicates),
    };

    const agg = aggregate(outcomes, conditions, plan.steps);
    const metrics = {
      baseline: { metrics: agg.metrics.get(BASELINE)! },
      treatments: Object.fromEntries(
        conditions.slice(1).map((c) => [c, { metrics: agg.metrics.get(c)! }] as const),
      ) as Record<string, TreatmentMetrics>,
    };
    const seedPlugin = plugins.find((p): p is SeedPlugin => p instanceof SeedPlugin);
    // What retention will remove once the run is stored, recorded in the run itself.
    const removed = storage?.plugin.retiredVersions(storage.target, agg.errors) ?? [];
    const buildResult = async (hypotheses: readonly HypothesisResult[], cancelled = false) =>
      new Result(
        metrics,
        hypotheses,
        agg.errors,
        {
          experiment: this.name,
          runId,
          startedAt: startedAt.toISOString(),
          durationMs: performance.now() - started,
          replicates: settings.replicates,
          seed: settings.seed,
          seedDrawn: settings.seed === seedPlugin?.seed && (seedPlugin?.drawn ?? false),
          ...(cancelled ? { cancelled: true } : {}),
          seeds: agg.seeds,
          executionStrategy: strategy,
          datasource: { name: plan.datasource.name, params: plan.datasource.params },
          pipeline: this.pipeline!.signature(),
          treatments: settings.treatments.map((t) => ({
            name: t.name,
            values: t.values,
            function: t.apply !== undefined,
          })),
          hypotheses: settings.hypotheses.map((h) => h.name),
          cache: agg.cache,
          timings: {
            steps: agg.steps,
            stepsByCondition: agg.stepsByCondition,
            conditions: agg.conditions,
          },
          environment: runtimeEnvironment(),
          git: await git,
          ...(storage === undefined ? {} : {
            stored: {
              version: storage.target.version,
              dir: stored!.dir,
              resumedFrom: storage.resumedFrom,
              reused: Object.fromEntries([...storage.reused].map(([c, m]) => [c, m.size])),
              ...(removed.length === 0 ? {} : { removed, retention: storage.plugin.retention }),
            },
          }),
        },
        stored,
        agg.cancelled,
      );

    if (plan.signal.aborted) {
      const partial = await buildResult([], true);
      const finished = Object.values(agg.conditions).reduce((n, c) => n + c.replicates, 0);
      events?.emit({
        type: "run-cancelled",
        experiment: this.name,
        runId,
        durationMs: partial.provenance.durationMs,
        finished,
        cancelled: agg.cancelled.length,
      });
      throw new RunCancelledError(
        `Run of '${this.name}' was cancelled after ${finished} of ${
          settings.replicates * conditions.length
        } replicates (of all conditions)${
          agg.cancelled.length > 0 ? `; ${agg.cancelled.length} stopped while running` : ""
        }`,
        partial,
        { cause: plan.signal.reason },
      );
    }

    const verified: HypothesisResult[] = [];
    const treated = conditions.slice(1)
      .filter((c) => agg.conditions[c].replicates > agg.conditions[c].failed)
      .map((c) => [c, metrics.treatments[c].metrics] as const);
    // With no successful baseline replicate there is nothing to compare with: the failures tell why.
    const baselineRan = agg.conditions[BASELINE].replicates > agg.conditions[BASELINE].failed;
    for (const h of baselineRan ? settings.hypotheses : []) {
      try {
        verified.push(await h.verify(metrics.baseline.metrics, treated));
      } catch (error) {
        const wrapped = error instanceof MissingMetricError
          ? error
          : HypothesisError.wrap(h.name, error);
        wrapped.result = await buildResult(verified);
        if (storage !== undefined) saveRun(storage, wrapped.result as Result);
        throw wrapped;
      }
    }
    const result = await buildResult(verified);
    if (storage !== undefined) saveRun(storage, result);
    for (const plugin of plugins) await plugin.afterRun?.(this, result);
    events?.emit({
      type: "run-finished",
      experiment: this.name,
      runId,
      durationMs: result.provenance.durationMs,
      replicates: settings.replicates,
      errors: result.errors.length,
    });
    return result;
  }

  /** Returns a stored run that resume found complete and unchanged, with its events. */
  #upToDate(
    stored: Result,
    settings: RunSettings,
    plugins: readonly BasePlugin[],
  ): Result {
    const events = eventSink(
      plugins,
      settings.onEvent,
      plugins.find((p) => p instanceof LoggingPlugin)?.logger,
    );
    const p = stored.provenance;
    const conditions = [BASELINE, ...Object.keys(stored.metrics.treatments)];
    events?.emit({
      type: "run-started",
      experiment: this.name,
      runId: p.runId,
      replicates: p.replicates,
      conditions,
      strategy: p.executionStrategy,
      resumedFrom: p.stored!.version,
      reused: Object.fromEntries(conditions.map((c) => [c, p.replicates])),
    });
    events?.emit({
      type: "run-finished",
      experiment: this.name,
      runId: p.runId,
      durationMs: 0,
      replicates: p.replicates,
      errors: 0,
    });
    return stored;
  }

  #openStorage(
    plugin: ArtifactPlugin,
    plan: RunPlan,
    settings: RunSettings,
    startedAt: Date,
    previous: ReturnType<typeof lastRecordedRun>,
  ): RunStorage {
    const manifest: RunManifest = {
      runId: plan.runId,
      experiment: this.name,
      seed: settings.seed,
      replicates: settings.replicates,
      startedAt: startedAt.toISOString(),
      fingerprints: conditionFingerprints(
        plan,
        this.pipeline!.signature(),
        settings.seed,
        this.outputs,
      ),
      outputs: declaredOutputs(this.outputs),
    };
    try {
      return openRunStorage(plugin, this, manifest, previous, plan.logger);
    } catch (error) {
      throw new StoredRunError(
        `Experiment '${this.name}' cannot store its run under ${plugin.experimentDir(this)}: ${
          errorMessage(error)
        }; make that folder writable, or point the output root elsewhere (outputDir, $CRYSTALLIZE_HOME, ArtifactPlugin({ root }))`,
        { cause: error },
      );
    }
  }

  #folder(): string {
    return this.moduleUrl?.startsWith("file:")
      ? dirname(fileURLToPath(this.moduleUrl))
      : Deno.cwd();
  }
}

function checkReplicates(n: number): string | undefined {
  const problem = replicatesProblem(n);
  return problem && `${problem}; set it with .replicates(n) or run({ replicates: n })`;
}

function duplicates(names: readonly string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

function listNames(items: readonly { readonly name: string }[]): string {
  return items.length === 0 ? "none" : items.map((i) => `'${i.name}'`).join(", ");
}

/** Writes `run.json`; a failure throws {@linkcode StoredRunError} carrying the result. */
function saveRun(storage: RunStorage, result: Result): void {
  try {
    storage.plugin.saveRun(storage.target, result);
  } catch (error) {
    const wrapped = new StoredRunError(
      `the run finished but its result could not be stored in ${storage.target.dir}: ${
        errorMessage(error)
      }; the result is attached to this error (error.result), and its replicates are in ` +
        `${storage.target.dir}/outcomes.jsonl, so run({ strategy: "resume" }) can finish it`,
      { cause: error },
    );
    wrapped.result = result;
    throw wrapped;
  }
}
