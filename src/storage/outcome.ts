import type { MetricValue } from "../context/metrics.ts";

/** Where a step's output came from. `"off"`: the step is not cacheable or caching is disabled. */
export type CacheStatus = "hit" | "miss" | "off";

/**
 * A failed replicate of one condition. Plain data, so failures from workers
 * arrive unchanged.
 */
export interface ReplicateError {
  /** `"baseline"` or the treatment name. */
  readonly condition: string;
  /** Replicate index (0-based). */
  readonly replicate: number;
  /** Where it failed: a step name, `"datasource"`, `"treatment"` or `"plugin <Name>.<hook>"`. */
  readonly step: string;
  /** The error's class name (`"TypeError"`, `"PermissionDenied"`, ...). */
  readonly name: string;
  /** The error message. */
  readonly message: string;
  /** The stack trace, when the error had one. */
  readonly stack?: string;
}

/**
 * A replicate of one condition that the run's cancel stopped before it
 * finished: not a failure (nothing went wrong with it), and never reused by
 * resume. Plain data.
 */
export interface CancelledReplicate {
  /** `"baseline"` or the treatment name. */
  readonly condition: string;
  /** Replicate index (0-based). */
  readonly replicate: number;
  /** Where it stopped: the step running or about to run, `"datasource"`, `"treatment"`, ... */
  readonly step: string;
}

/** What one replicate of one condition produced. */
export interface ConditionOutcome {
  /** `"baseline"` or the treatment name. */
  readonly condition: string;
  /** The seed the replicate used. */
  readonly seed: number | undefined;
  /** Metrics recorded (empty when the replicate failed). */
  readonly metrics: Readonly<Record<string, readonly MetricValue[]>>;
  /** Set when the replicate failed. */
  readonly error?: ReplicateError;
  /** Set when the run was cancelled before the replicate finished (then `error` is not set). */
  readonly cancelled?: CancelledReplicate;
  /** Wall time of the whole condition, ms. */
  readonly durationMs: number;
  /** Wall time of each step that ran, ms, in pipeline order. */
  readonly stepMs: readonly number[];
  /** Where each step's output came from, in pipeline order, when the run caches. */
  readonly cache?: readonly CacheStatus[];
  /** Names of the artifacts stored for this replicate and condition, when the run is stored. */
  readonly artifacts?: readonly string[];
}

/**
 * What one replicate produced across its conditions (baseline first, then
 * treatments). Execution plugins return one per replicate, in replicate
 * order.
 */
export interface ReplicateOutcome {
  /** Replicate index. */
  readonly replicate: number;
  /** One entry per condition run. */
  readonly conditions: readonly ConditionOutcome[];
}
