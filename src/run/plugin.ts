import type { FrozenContext } from "../context/frozen_context.ts";
import type { ProgressEvent } from "./events.ts";
import type { Result } from "./result.ts";
import type { RunPlan } from "./run_plan.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { MaybePromise } from "../promise.ts";

/**
 * What plugins and execution loops see of the experiment they serve: its
 * name, where it stores runs and which module built it. Hooks receive the
 * experiment itself, but only these members are part of the contract, so a
 * plugin works with any experiment-like object (a graph's node, a test's
 * stand-in) and the engine does not depend on the `Experiment` class.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BasePlugin, dataSource, Experiment, type ExperimentView, pipelineStep } from "@crystallize/deno";
 *
 * class NameKeeper extends BasePlugin {
 *   names: string[] = [];
 *   override beforeRun(experiment: ExperimentView) {
 *     this.names.push(experiment.name);
 *   }
 * }
 * const keeper = new NameKeeper();
 * await Experiment.builder("named").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })()).plugins([keeper]).build().run();
 * assert.deepEqual(keeper.names, ["named"]);
 * ```
 */
export interface ExperimentView {
  /** The experiment's name (in logs, events and stored-run folders). */
  readonly name: string;
  /** The output root it was given, if any (see `outputRoot` for the default). */
  readonly outputDir?: string | undefined;
  /** URL of the module that built it, when known (its folder is the experiment's folder). */
  readonly moduleUrl?: string | undefined;
}

/** What a run is about to do, given to `beforeRun`. */
export interface RunInfo {
  /** Unique id of this run. */
  readonly runId: string;
  /** Replicates per condition. */
  readonly replicates: number;
  /** Condition names: `"baseline"` then the active treatments. */
  readonly conditions: readonly string[];
  /** Names of the hypotheses that will be verified. */
  readonly hypotheses: readonly string[];
  /** Master seed of the run. */
  readonly seed: number | undefined;
  /** Name of the execution strategy. */
  readonly strategy: string;
}

/** Runs one replicate (all its conditions); returns a promise only when some code was async. */
export type ReplicateFunction = (replicate: number) => MaybePromise<ReplicateOutcome>;

/**
 * Takes one finished replicate's outcome from an execution loop (see
 * {@linkcode LoopContext.report}).
 *
 * @example
 * ```ts
 * import type { OutcomeSink, ReplicateFunction } from "@crystallize/deno";
 *
 * // A loop body: run a replicate, hand its outcome over, keep nothing.
 * async function runOne(replicateFn: ReplicateFunction, report: OutcomeSink, replicate: number) {
 *   report(await replicateFn(replicate));
 * }
 * ```
 */
export type OutcomeSink = (outcome: ReplicateOutcome) => void;

/** What an execution loop is told besides the replicate function. */
export interface LoopContext {
  /** How many replicates to run (indices `0..replicates-1`). */
  readonly replicates: number;
  /** Aborted when the run is cancelled: stop starting replicates. */
  readonly signal: AbortSignal;
  /** Per-replicate time limit, ms, when the run set one. */
  readonly timeoutMs?: number;
  /**
   * Hands the run one finished replicate's outcome, as soon as it finishes
   * and in any order: the run folds it into its result at once (in replicate
   * order), so neither the loop nor the run keeps outcomes, and memory stays
   * flat however many replicates run. Each replicate is reported at most
   * once; reporting one outside `0..replicates-1`, twice, or after the loop
   * returned throws, and fails the run with a `CrystallizeError` naming the
   * plugin.
   */
  readonly report: OutcomeSink;
  /**
   * The run's plan (conditions, seeding, steps), for loops that run
   * replicates elsewhere (`ParallelExecution` sends it to worker processes).
   * Its shape is the engine's and may change between versions, so it is left
   * out of the documentation.
   *
   * @ignore
   */
  readonly plan: RunPlan;
}

/**
 * Extension points of an experiment run, called in this order:
 *
 * 1. `initHook(experiment)` — once, when the experiment is constructed;
 * 2. `beforeRun(experiment, info)` — at the start of every run;
 * 3. per replicate, per condition (baseline, then each treatment):
 *    the treatment is applied, then `beforeReplicate(experiment, ctx)`, then the
 *    datasource is fetched, then per step `beforeStep(experiment, step, ctx)`,
 *    the step, `afterStep(experiment, step, data, ctx)`;
 * 4. `afterRun(experiment, result)` — after hypotheses are verified (not when the run threw).
 *
 * Each hook is called on every plugin in list order (user plugins first,
 * then the defaults). A hook may be `async`; it is awaited. `onEvent`
 * receives every {@linkcode ProgressEvent}. A plugin with
 * `runExperimentLoop` replaces the replicate loop (the last such plugin
 * wins). It calls `replicateFn(i)` for each index (or runs the replicates
 * elsewhere) and hands each outcome to `loop.report` as it finishes, in any
 * order; the run folds outcomes as they arrive, so streaming keeps memory
 * flat. A loop may instead return all outcomes as an array (the older
 * contract, still supported: they are folded when it returns). Returning
 * nothing without having reported any outcome falls back to the serial loop.
 *
 * Errors thrown by per-replicate hooks fail that replicate only; errors from
 * `beforeRun`/`afterRun` abort the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BasePlugin, dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 *
 * class CountSteps extends BasePlugin {
 *   steps = 0;
 *   override afterStep() {
 *     this.steps++;
 *   }
 * }
 * const counter = new CountSteps();
 * const experiment = Experiment.builder("counted")
 *   .datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })())
 *   .plugins([counter])
 *   .replicates(3)
 *   .build();
 * await experiment.run();
 * assert.equal(counter.steps, 3);
 * ```
 */
export interface BasePlugin {
  /** Called once when the experiment is constructed. */
  initHook?(experiment: ExperimentView): void;
  /** Called at the start of each run. */
  beforeRun?(experiment: ExperimentView, info: RunInfo): MaybePromise<void>;
  /** Called per replicate and condition, before the datasource is fetched. */
  beforeReplicate?(experiment: ExperimentView, ctx: FrozenContext): MaybePromise<void>;
  /** Called before each step. */
  beforeStep?(
    experiment: ExperimentView,
    step: PipelineStep,
    ctx: FrozenContext,
  ): MaybePromise<void>;
  /** Called after each step with its output. */
  afterStep?(
    experiment: ExperimentView,
    step: PipelineStep,
    data: unknown,
    ctx: FrozenContext,
  ): MaybePromise<void>;
  /** Called after the run's result is built. */
  afterRun?(experiment: ExperimentView, result: Result): MaybePromise<void>;
  /** Replaces the replicate loop: reports each outcome to `loop.report` (or returns them all). */
  runExperimentLoop?(
    experiment: ExperimentView,
    replicateFn: ReplicateFunction,
    loop: LoopContext,
  ): MaybePromise<readonly ReplicateOutcome[] | undefined | void>;
  /** Name of the execution strategy, for provenance (execution plugins set it). */
  readonly executionStrategy?: string;
  /** Receives progress events (those listed in `eventTypes`, or all). */
  onEvent?(event: ProgressEvent): void;
  /**
   * The event types `onEvent` wants. Step events are only created when some
   * listener wants them, which keeps the per-replicate cost low.
   */
  readonly eventTypes?: readonly ProgressEvent["type"][];
}

/** Base class of plugins: extend it and override the hooks you need (see the interface). */
export abstract class BasePlugin {
  /** The plugin's name in logs and errors; default: its class name. */
  get pluginName(): string {
    return this.constructor.name;
  }
}
