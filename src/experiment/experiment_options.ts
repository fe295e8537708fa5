import type { Artifact } from "../data/artifact.ts";
import type { DataSource } from "../data/datasource.ts";
import type { WorkerLauncher } from "../execution/worker/worker_launcher.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { ProgressListener } from "../run/events.ts";
import type { LoggingPluginOptions } from "../run/logging_plugin.ts";
import type { BasePlugin } from "../run/plugin.ts";
import type { SeedPluginOptions } from "../run/seed.ts";
import type { TreatmentLike } from "../run/treatment.ts";
import type { RunStoreOptions } from "../storage/run_store.ts";
import type { GitInfo } from "../storage/provenance.ts";
import type { Hypothesis } from "../verify/hypothesis.ts";
import type { StepCaching } from "../pipeline/step_caching.ts";

/**
 * Everything an experiment is made of (the builder's fields).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, type ExperimentOptions, pipelineStep } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const options: ExperimentOptions = {
 *   name: "stored",
 *   datasource: dataSource(() => 1, { name: "one" })(),
 *   pipeline: [pipelineStep((d: number) => d, { name: "id" })()],
 *   seed: 7, // the master seed (a SeedPlugin in plugin form)
 *   logging: { level: "warn" }, // as LoggingPlugin's options
 *   storage: { retention: 2 }, // store every run (an ArtifactPlugin in plugin form)
 *   outputDir,
 * };
 * const result = await new Experiment(options).run();
 * assert.equal(result.provenance.seed, 7);
 * assert.equal(result.outputDir, `${outputDir}/stored/v0`);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
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
  /**
   * Plugins, called in list order. The `seed`, `logging` and `storage`
   * settings, when not given by their plugin forms here (`SeedPlugin`,
   * `LoggingPlugin`, `ArtifactPlugin`), are appended as those plugins, so
   * `experiment.plugins` always holds a `SeedPlugin` and a `LoggingPlugin`.
   */
  plugins?: readonly BasePlugin[];
  /**
   * The master seed, or how replicate seeds are derived (see `SeedPlugin`);
   * default: a master seed drawn at random and recorded in provenance.
   */
  seed?: number | SeedPluginOptions;
  /** How runs log (see `LoggingPlugin`); default: warnings and failed replicates on stderr. */
  logging?: LoggingPluginOptions;
  /**
   * Store every run under `<root>/<name>/v<N>` (see `RunStore`): `true` with
   * the defaults, or the store's options. Default: runs are not stored.
   */
  storage?: boolean | RunStoreOptions;
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
  /** Master seed for this run (overrides the experiment's `seed`). */
  seed?: number;
  /** Cancels the run: no new replicates start, running steps see `ctx.signal`. */
  signal?: AbortSignal;
  /** Receives every progress event of the run. */
  onEvent?: ProgressListener;
  /**
   * `"resume"` reuses the replicates the last stored run completed and runs
   * only what is missing (needs the experiment's `storage`, or an
   * `ArtifactPlugin`); `"rerun"` ignores step
   * caches (recomputing and overwriting their entries) and previous runs.
   * Default: cacheable steps use their cache, every replicate runs.
   */
  strategy?: RunStrategy;
  /** `false` turns the step cache off for this run (nothing read or written). Default true. */
  cache?: boolean;
  /**
   * Per step name, `true` caches the step's output and `false` computes it
   * every time, whatever its `cacheable` option says (this run only; with
   * `cache: false` nothing is cached). A name no step has is refused.
   */
  stepCaching?: StepCaching;
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
  /**
   * The worker launcher of the program hosting this run: process-mode
   * execution plugins start their worker processes through it instead of
   * themselves (see `src/execution/worker/worker_launcher.ts`). The CLI's
   * sandboxed runner passes one; in a worker process or the runner, a run
   * without one is refused (experiment code calling `run()` at import). Its
   * shape is the library's own and may change between versions, so it is
   * left out of the documentation.
   *
   * @ignore
   */
  workerLauncher?: WorkerLauncher;
}

/** How a run treats earlier work: see {@linkcode RunOptions.strategy}. */
export type RunStrategy = "rerun" | "resume";
