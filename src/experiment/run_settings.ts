import type { Logger } from "../context/logger.ts";
import type { DataSource } from "../data/datasource.ts";
import type { WorkerLauncher } from "../execution/worker/worker_launcher.ts";
import { ExperimentInput } from "../data/experiment_input.ts";
import type { ProgressListener } from "../run/events.ts";
import type { BasePlugin } from "../run/plugin.ts";
import { assertSeed } from "../run/seeding.ts";
import { pluginSettings, type SeedSettings } from "../run/setting_plugins.ts";
import { toTreatment, type Treatment, type TreatmentLike } from "../run/treatment.ts";
import type { GitInfo } from "../storage/provenance.ts";
import type { RunStore } from "../storage/run_store.ts";
import type { Hypothesis } from "../verify/hypothesis.ts";
import type { RunOptions, RunStrategy } from "./experiment_options.ts";
import { checkReplicates, duplicates, listNames } from "./experiment_problems.ts";
import { ValidationError } from "./validation_error.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import { type StepCaching, unknownSteps } from "../pipeline/step_caching.ts";

/** Settings of one run, resolved from its options and the experiment. */
export interface RunSettings {
  /** Whether the master seed was chosen (not drawn at random): resume keeps a drawn one from the last run. */
  readonly seedGiven: boolean;
  readonly strategy: RunStrategy | undefined;
  readonly cache: boolean;
  readonly stepCaching: StepCaching | undefined;
  readonly replicates: number;
  readonly treatments: readonly Treatment[];
  readonly hypotheses: readonly Hypothesis[];
  /** The master seed (a resumed run's manifest may lack one). */
  readonly seed: number | undefined;
  /** How replicate seeds follow from the master seed. */
  readonly seeding: SeedSettings;
  /** The logger of the run. */
  readonly logger: Logger;
  /** Where the run is stored (`undefined`: it is not). */
  readonly storage: RunStore | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onEvent: ProgressListener | undefined;
  readonly timeoutMs: number | undefined;
  /** Plugins for this run (the experiment's and the run's, or a debug variant). */
  readonly plugins: readonly BasePlugin[];
  readonly git: GitInfo | null | undefined;
  /** The hosting program's worker launcher (`RunOptions.workerLauncher`). */
  readonly workerLauncher: WorkerLauncher | undefined;
}

/**
 * The options of a single pass (`debug()`, `apply()`): one replicate,
 * `treatment` (if any) after the baseline, no hypotheses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { singlePass } from "./run_settings.ts";
 *
 * assert.deepEqual(singlePass("boost", 7), { replicates: 1, treatments: ["boost"], hypotheses: [], seed: 7 });
 * ```
 */
export function singlePass(treatment?: TreatmentLike | string, seed?: number): RunOptions {
  return {
    replicates: 1,
    treatments: treatment === undefined ? [] : [treatment],
    hypotheses: [],
    ...(seed === undefined ? {} : { seed }),
  };
}

/** What {@linkcode runSettings} reads of an experiment. */
export interface RunDefaults {
  readonly name: string;
  readonly datasource: DataSource | undefined;
  readonly pipeline?: { readonly steps: readonly PipelineStep[] } | undefined;
  readonly replicates: number;
  readonly treatments: readonly Treatment[];
  readonly hypotheses: readonly Hypothesis[];
  readonly plugins: readonly BasePlugin[];
  readonly seeding: SeedSettings;
  readonly logger: Logger;
}

/**
 * Resolves a run's settings from `options` over the experiment's defaults:
 * replicates, treatments and hypotheses (by instance or name), seed,
 * strategy, and the seeding, logger and storage of `plugins` (default: the
 * experiment's, then the run's). Throws {@linkcode ValidationError} listing
 * every problem with its fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, treatment, ValidationError } from "@crystallize/deno";
 * import { runSettings } from "./run_settings.ts";
 *
 * const experiment = Experiment.builder("demo").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })()).treatments([treatment("t", {})]).seed(5).build();
 * const settings = runSettings(experiment, { treatments: ["t"], replicates: 3 });
 * assert.deepEqual([settings.replicates, settings.seed, settings.treatments[0].name], [3, 5, "t"]);
 * assert.throws(() => runSettings(experiment, { treatments: ["x"] }), ValidationError);
 * ```
 */
export function runSettings(
  experiment: RunDefaults,
  options: RunOptions,
  plugins: readonly BasePlugin[] = options.plugins === undefined
    ? experiment.plugins
    : [...experiment.plugins, ...options.plugins],
): RunSettings {
  const problems: string[] = [];
  const replicates = replicateCount(experiment, options, problems);
  const treatments = pickTreatments(experiment, options, problems);
  const hypotheses = pickHypotheses(experiment, options, problems);
  const unknownTreatment = (options.treatments ?? []).some((t) =>
    typeof t === "string" && !experiment.treatments.some((x) => x.name === t)
  );
  // With a misspelt treatment name, "no treatment is run" would only repeat that problem.
  if (hypotheses.length > 0 && !treatments.some((t) => !t.isBaseline) && !unknownTreatment) {
    problems.push(
      "hypotheses compare treatments with the baseline, but no treatment is run: " +
        "add treatments or run with { hypotheses: [] }",
    );
  }
  const steps = experiment.pipeline?.steps ?? [];
  for (const name of unknownSteps(steps, options.stepCaching)) {
    problems.push(
      `run(): stepCaching names step '${name}', which the pipeline does not have; it has ${
        listNames(steps)
      }`,
    );
  }
  const given = pluginSettings(plugins);
  problems.push(...optionProblems(options, given.storage));
  if (problems.length > 0) {
    throw new ValidationError(`Run of experiment '${experiment.name}'`, problems);
  }
  const seeding = given.seeding ?? experiment.seeding;
  return {
    seedGiven: options.seed !== undefined || !seeding.drawn,
    strategy: options.strategy,
    cache: options.cache ?? true,
    stepCaching: options.stepCaching,
    replicates,
    treatments,
    hypotheses,
    seed: options.seed ?? seeding.seed,
    seeding,
    logger: given.logger ?? experiment.logger,
    storage: given.storage,
    signal: options.signal,
    onEvent: options.onEvent,
    timeoutMs: options.timeoutMs,
    plugins,
    git: options.git,
    workerLauncher: options.workerLauncher,
  };
}

/** The run's replicates: asked for, implied by the datasource (upstream runs), or the default. */
function replicateCount(experiment: RunDefaults, options: RunOptions, problems: string[]): number {
  let implied: number | undefined;
  try {
    implied = experiment.datasource?.replicates;
  } catch (error) {
    problems.push(`run(): ${(error as Error).message}`);
  }
  const replicates = options.replicates ?? implied ?? experiment.replicates;
  if (
    experiment.datasource instanceof ExperimentInput && implied !== undefined &&
    replicates !== implied
  ) {
    problems.push(
      `run(): ${replicates} replicates were asked for, but the upstream runs this experiment reads have ${implied}; ` +
        `run it with replicates: ${implied}, or re-run the upstream experiments with ${replicates}`,
    );
  }
  const replicateProblem = checkReplicates(replicates);
  if (replicateProblem !== undefined) problems.push(`run(): ${replicateProblem}`);
  return replicates;
}

function pickTreatments(
  experiment: RunDefaults,
  options: RunOptions,
  problems: string[],
): Treatment[] {
  const treatments = (options.treatments ?? experiment.treatments).flatMap((t) => {
    if (typeof t !== "string") return [toTreatment(t)];
    const found = experiment.treatments.find((x) => x.name === t);
    if (found === undefined) {
      problems.push(
        `run(): unknown treatment '${t}'; the experiment has ${listNames(experiment.treatments)}`,
      );
    }
    return found === undefined ? [] : [found];
  });
  for (const name of duplicates(treatments.map((t) => t.name))) {
    problems.push(`run(): treatment '${name}' is listed twice`);
  }
  return treatments;
}

function pickHypotheses(
  experiment: RunDefaults,
  options: RunOptions,
  problems: string[],
): Hypothesis[] {
  return (options.hypotheses ?? experiment.hypotheses).flatMap((h) => {
    if (typeof h !== "string") return [h];
    const found = experiment.hypotheses.find((x) => x.name === h);
    if (found === undefined) {
      problems.push(
        `run(): unknown hypothesis '${h}'; the experiment has ${listNames(experiment.hypotheses)}`,
      );
    }
    return found === undefined ? [] : [found];
  });
}

/** Problems of the strategy, time limit and seed options. */
function optionProblems(options: RunOptions, storage: RunStore | undefined): string[] {
  const problems: string[] = [];
  if (
    options.strategy !== undefined && options.strategy !== "rerun" &&
    options.strategy !== "resume"
  ) {
    problems.push(`run(): strategy must be "rerun" or "resume", got "${options.strategy}"`);
  }
  if (options.strategy === "resume" && storage === undefined) {
    problems.push(
      'run(): strategy "resume" continues from stored runs, but the experiment has no ArtifactPlugin; ' +
        "add new ArtifactPlugin() to its plugins (or give it storage: true)",
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
  return problems;
}
