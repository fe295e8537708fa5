import type { FrozenContext } from "../context/frozen_context.ts";
import type { Logger } from "../context/logger.ts";
import type { DataSource } from "../data/datasource.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { StepCachePlan } from "../cache/cached_step.ts";
import type { RunRecorder } from "../storage/run_recorder.ts";
import type { MaybePromise } from "../promise.ts";
import type { Seeding } from "./seeding.ts";
import type { EventSink } from "./events.ts";
import type { ConditionPlan } from "./condition_plan.ts";

/** A plugin hook bound to its experiment, named for error messages. */
export interface BoundHook<A extends unknown[]> {
  /** The plugin's name. */
  readonly plugin: string;
  /** Calls the hook. */
  readonly call: (...args: A) => MaybePromise<void>;
}

/**
 * Everything a replicate needs, fixed for the whole run: what the engine
 * runs (`runReplicate`) and what a worker process rebuilds from the
 * `WorkerSpec` it is sent.
 */
export interface RunPlan {
  /** Name of the experiment (in events). */
  readonly experimentName: string;
  /** Id of this run. */
  readonly runId: string;
  /** Source of each replicate's data. */
  readonly datasource: DataSource;
  /** Pipeline steps, in order. */
  readonly steps: readonly PipelineStep[];
  /** Baseline first, then each active treatment. */
  readonly conditions: readonly ConditionPlan[];
  /** How replicate seeds are derived (`undefined`: unseeded). */
  readonly seeding: Seeding | undefined;
  /** Extra seeding hook of the SeedPlugin. */
  readonly seedFn: ((seed: number) => void) | undefined;
  /** Per-replicate plugin hooks, in plugin order. */
  readonly hooks: {
    readonly beforeReplicate: readonly BoundHook<[FrozenContext]>[];
    readonly beforeStep: readonly BoundHook<[PipelineStep, FrozenContext]>[];
    readonly afterStep: readonly BoundHook<[PipelineStep, unknown, FrozenContext]>[];
  };
  /** Logger behind `ctx.logger`. */
  readonly logger: Logger;
  /** Run cancellation. */
  readonly signal: AbortSignal;
  /**
   * The signal's state as a plain field, read where the engine checks for a
   * cancel (see `cancel_flag.ts`); `runReplicates` sets it for its run.
   */
  readonly cancel?: { readonly aborted: boolean };
  /** Per-replicate time limit, ms (cooperative in-isolate: `ctx.signal` aborts, step boundaries check). */
  readonly timeoutMs?: number;
  /** Progress events, when anyone listens. */
  readonly events: EventSink | undefined;
  /** The step cache, when the pipeline has cacheable steps and caching is on. */
  readonly cache?: StepCachePlan;
  /** Records artifacts and finished replicates, when the run is stored. */
  readonly recorder?: RunRecorder;
  /** Replicates to skip per condition (resume reuses their stored outcomes). */
  readonly reused?: ReadonlyMap<string, ReadonlySet<number>>;
}
