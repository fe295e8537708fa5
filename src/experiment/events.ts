/** Where a step's output came from. `"off"`: the step is not cacheable or caching is disabled. */
export type CacheStatus = "hit" | "miss" | "off";

/**
 * A progress event. Plain data (structured-cloneable), so events from worker
 * isolates arrive unchanged; progress bars, the terminal UI and plugins
 * (`onEvent`) consume the same stream. Every event names its experiment and
 * run.
 *
 * @example
 * ```ts
 * const onEvent = (e: ProgressEvent) => {
 *   if (e.type === "replicate-finished") console.log(e.condition, e.replicate, e.durationMs);
 * };
 * ```
 */
export type ProgressEvent =
  | {
    readonly type: "run-started";
    readonly experiment: string;
    readonly runId: string;
    readonly replicates: number;
    readonly conditions: readonly string[];
    readonly strategy: string;
  }
  | {
    readonly type: "replicate-started";
    readonly experiment: string;
    readonly runId: string;
    readonly replicate: number;
    readonly condition: string;
  }
  | {
    readonly type: "step-started";
    readonly experiment: string;
    readonly runId: string;
    readonly replicate: number;
    readonly condition: string;
    readonly step: string;
    readonly index: number;
  }
  | {
    readonly type: "step-finished";
    readonly experiment: string;
    readonly runId: string;
    readonly replicate: number;
    readonly condition: string;
    readonly step: string;
    readonly index: number;
    readonly durationMs: number;
    readonly cache: CacheStatus;
  }
  | {
    readonly type: "replicate-finished";
    readonly experiment: string;
    readonly runId: string;
    readonly replicate: number;
    readonly condition: string;
    readonly durationMs: number;
    readonly ok: boolean;
  }
  | {
    readonly type: "error";
    readonly experiment: string;
    readonly runId: string;
    readonly replicate: number;
    readonly condition: string;
    readonly step: string;
    readonly message: string;
  }
  | {
    readonly type: "run-finished";
    readonly experiment: string;
    readonly runId: string;
    readonly durationMs: number;
    readonly replicates: number;
    readonly errors: number;
  };

/** Receives progress events. Must not throw (errors are logged and ignored). */
export type ProgressListener = (event: ProgressEvent) => void;
