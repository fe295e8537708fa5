import type { CacheStatus } from "../storage/outcome.ts";

/** Fields every event carries: which experiment and run it belongs to. */
export interface RunEventBase {
  /** Experiment name. */
  readonly experiment: string;
  /** Id of the run. */
  readonly runId: string;
}

/** Fields of events about one replicate of one condition. */
export interface ReplicateEventBase extends RunEventBase {
  /** Replicate index. */
  readonly replicate: number;
  /** `"baseline"` or the treatment name. */
  readonly condition: string;
}

/** Fields of events about one step of a replicate. */
export interface StepEventBase extends ReplicateEventBase {
  /** Step name. */
  readonly step: string;
  /** Position of the step in the pipeline. */
  readonly index: number;
}

/**
 * A progress event. Plain data (structured-cloneable), so events from worker
 * isolates arrive unchanged; progress bars, the terminal UI and plugins
 * (`onEvent`) consume the same stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, type ProgressEvent } from "@crystallize/deno";
 *
 * const total = pipelineStep((data: number[], ctx) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
 *   return data;
 * }, { name: "total" });
 * const finished: number[] = [];
 * const onEvent = (e: ProgressEvent) => {
 *   if (e.type === "replicate-finished") finished.push(e.replicate);
 * };
 * await Experiment.builder("demo").datasource(dataSource(() => [1], { name: "n" })()).addStep(total())
 *   .replicates(3).build().run({ onEvent });
 * assert.deepEqual(finished.sort(), [0, 1, 2]);
 * ```
 */
export type ProgressEvent =
  | RunEventBase & {
    readonly type: "run-started";
    readonly replicates: number;
    readonly conditions: readonly string[];
    readonly strategy: string;
    /** When resuming: the stored version it continues from. */
    readonly resumedFrom?: number;
    /**
     * When resuming: replicates reused from that version per condition (they
     * count as done and send no replicate events of their own).
     */
    readonly reused?: Readonly<Record<string, number>>;
  }
  | ReplicateEventBase & { readonly type: "replicate-started" }
  | StepEventBase & { readonly type: "step-started" }
  | StepEventBase & {
    readonly type: "step-finished";
    readonly durationMs: number;
    readonly cache: CacheStatus;
  }
  | ReplicateEventBase & {
    readonly type: "replicate-finished";
    readonly durationMs: number;
    /** `false` when it failed or was cancelled. */
    readonly ok: boolean;
    /** `true` when the run's cancel stopped it (not a failure). */
    readonly cancelled?: boolean;
  }
  | ReplicateEventBase & {
    /** The run's cancel stopped the replicate at `step` (it is not a failure). */
    readonly type: "replicate-cancelled";
    readonly step: string;
  }
  | ReplicateEventBase & { readonly type: "error"; readonly step: string; readonly message: string }
  | RunEventBase & {
    /** The run was cancelled: no more replicates start, no hypotheses are verified. */
    readonly type: "run-cancelled";
    readonly durationMs: number;
    /** Replicates (of every condition) that finished before the cancel, failed ones included. */
    readonly finished: number;
    /** Replicates (of every condition) the cancel stopped while they ran. */
    readonly cancelled: number;
  }
  | RunEventBase & {
    readonly type: "run-finished";
    readonly durationMs: number;
    readonly replicates: number;
    readonly errors: number;
  };

/** Receives progress events. Must not throw (errors are logged and ignored). */
export type ProgressListener = (event: ProgressEvent) => void;

/** Progress event sink of a run, with what its listeners want. */
export interface EventSink {
  /** Whether listeners want replicate-started/finished events. */
  readonly replicates: boolean;
  /** Whether listeners want step-started/finished events. */
  readonly steps: boolean;
  /** Delivers an event. */
  readonly emit: (event: ProgressEvent) => void;
}
