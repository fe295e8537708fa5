import type { GraphEvent } from "../../graph/experiment_graph.ts";

/** Replicates of one condition. */
export interface ConditionProgress {
  /** Replicates done: finished (failed ones included) and reused from a stored run. */
  readonly done: number;
  /** Replicates that failed. */
  readonly failed: number;
  /** Replicates reused from the stored run a resume continues (part of `done`). */
  readonly reused: number;
  /** Replicates the run's cancel stopped (not part of `done`, not failures). */
  readonly cancelled: number;
}

/** One pipeline step across the replicates running now and before. */
export interface StepProgress {
  /** Step name. */
  readonly name: string;
  /** Calls started and not finished. */
  readonly running: number;
  /** Calls finished. */
  readonly done: number;
  /** Calls answered from the step cache. */
  readonly cacheHits: number;
  /** Calls that failed. */
  readonly failed: number;
}

/** What a progress display knows about a run: built from its events by {@linkcode applyEvent}. */
export interface ProgressState {
  /** Experiment name (`""` before the run starts). */
  readonly experiment: string;
  /** Execution strategy. */
  readonly strategy: string;
  /** Replicates per condition. */
  readonly replicates: number;
  /** Conditions in run order, baseline first. */
  readonly conditions: readonly string[];
  /** Per condition. */
  readonly perCondition: Readonly<Record<string, ConditionProgress>>;
  /** Per step, in the order they were first seen. */
  readonly steps: readonly StepProgress[];
  /** Wall-clock time at run start, ms. */
  readonly startedAt: number;
  /** Wall-clock time of the last finished replicate, ms. */
  readonly lastFinishedAt: number | undefined;
  /**
   * Exponential moving average of the wall time per finished replicate
   * (the time between successive finishes, so parallel runs are credited
   * with their throughput), ms.
   */
  readonly emaMs: number | undefined;
  /** Failed replicates so far. */
  readonly errors: number;
  /** Replicates the cancel stopped. */
  readonly cancelled: number;
  /** The stored version a resumed run continues from. */
  readonly resumedFrom: number | undefined;
  /** How the run ended when it did not finish: cancelled, or stopped by a failure. */
  readonly ended: "cancelled" | "stopped" | undefined;
  /** The last failure, for display. */
  readonly lastError: string | undefined;
  /** Whether `run-finished` arrived. */
  readonly finished: boolean;
  /** Run duration from `run-finished`, ms. */
  readonly durationMs: number | undefined;
  /** In a graph run: each experiment's state (`started`, `skipped`, `finished`, `failed`), in event order. */
  readonly nodes: Readonly<Record<string, string>>;
}

/** Weight of the newest sample in the moving average. */
export const EMA_ALPHA = 0.3;

/**
 * The state before any event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialProgress } from "./state.ts";
 *
 * const state = initialProgress(performance.now());
 * assert.equal(state.replicates, 0);
 * assert.equal(state.finished, false);
 * ```
 */
export function initialProgress(now: number): ProgressState {
  return {
    experiment: "",
    strategy: "",
    replicates: 0,
    conditions: [],
    perCondition: {},
    steps: [],
    startedAt: now,
    lastFinishedAt: undefined,
    emaMs: undefined,
    errors: 0,
    cancelled: 0,
    resumedFrom: undefined,
    ended: undefined,
    lastError: undefined,
    finished: false,
    durationMs: undefined,
    nodes: {},
  };
}

/**
 * The state after `event`, received at time `now` (ms). Pure: the same
 * events at the same times give the same state. A `run-started` event
 * starts afresh (a DAG runs several experiments one after another).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyEvent, initialProgress } from "./state.ts";
 *
 * let s = initialProgress(0);
 * s = applyEvent(s, { type: "run-started", experiment: "x", runId: "r", replicates: 2, conditions: ["baseline"], strategy: "serial" }, 0);
 * assert.equal(s.replicates, 2);
 * ```
 */
export function applyEvent(state: ProgressState, event: GraphEvent, now: number): ProgressState {
  switch (event.type) {
    case "experiment-started":
    case "experiment-skipped":
    case "experiment-finished":
    case "experiment-failed":
      return {
        ...state,
        nodes: { ...state.nodes, [event.experiment]: event.type.slice("experiment-".length) },
      };
    case "run-started":
      return runStarted(state, event, now);
    case "replicate-finished":
      return replicateFinished(state, event, now);
    case "step-started":
      return {
        ...state,
        steps: updateStep(state.steps, event.step, (s) => ({ ...s, running: s.running + 1 })),
      };
    case "step-finished":
      return {
        ...state,
        steps: updateStep(state.steps, event.step, (s) => ({
          ...s,
          running: Math.max(0, s.running - 1),
          done: s.done + 1,
          cacheHits: s.cacheHits + (event.cache === "hit" ? 1 : 0),
        })),
      };
    case "error":
      return errorSeen(state, event);
    case "replicate-cancelled":
      return {
        ...state,
        steps: state.steps.map((s) =>
          s.name === event.step ? { ...s, running: Math.max(0, s.running - 1) } : s
        ),
      };
    case "run-cancelled":
      return { ...state, ended: "cancelled", durationMs: event.durationMs };
    case "run-finished":
      return { ...state, finished: true, durationMs: event.durationMs };
    default:
      return state;
  }
}

type EventOf<T extends GraphEvent["type"]> = Extract<GraphEvent, { type: T }>;

/** A run starts afresh, keeping the graph's experiment states. */
function runStarted(
  state: ProgressState,
  event: EventOf<"run-started">,
  now: number,
): ProgressState {
  return {
    ...initialProgress(now),
    nodes: state.nodes,
    experiment: event.experiment,
    strategy: event.strategy,
    replicates: event.replicates,
    conditions: event.conditions,
    resumedFrom: event.resumedFrom,
    perCondition: Object.fromEntries(event.conditions.map((c) => {
      const reused = event.reused?.[c] ?? 0;
      return [c, { done: reused, failed: 0, reused, cancelled: 0 }];
    })),
  };
}

/** One replicate of one condition ended: counted, and a sample of the time per replicate. */
function replicateFinished(
  state: ProgressState,
  event: EventOf<"replicate-finished">,
  now: number,
): ProgressState {
  const before = state.perCondition[event.condition] ?? NO_REPLICATES;
  if (event.cancelled) {
    // Stopped, not finished: neither done nor a sample of the time per replicate.
    return {
      ...state,
      cancelled: state.cancelled + 1,
      perCondition: {
        ...state.perCondition,
        [event.condition]: { ...before, cancelled: before.cancelled + 1 },
      },
    };
  }
  const interval = now - (state.lastFinishedAt ?? state.startedAt);
  return {
    ...state,
    perCondition: {
      ...state.perCondition,
      [event.condition]: {
        ...before,
        done: before.done + 1,
        failed: before.failed + (event.ok ? 0 : 1),
      },
    },
    lastFinishedAt: now,
    emaMs: state.emaMs === undefined
      ? Math.max(interval, 0)
      : EMA_ALPHA * Math.max(interval, 0) + (1 - EMA_ALPHA) * state.emaMs,
  };
}

/** A step failed in one replicate. */
function errorSeen(state: ProgressState, event: EventOf<"error">): ProgressState {
  return {
    ...state,
    errors: state.errors + 1,
    lastError: `${event.condition} #${event.replicate} in ${event.step}: ${event.message}`,
    // A failed step never reports step-finished: it is no longer running.
    steps: state.steps.map((s) =>
      s.name === event.step
        ? { ...s, running: Math.max(0, s.running - 1), failed: s.failed + 1 }
        : s
    ),
  };
}

function updateStep(
  steps: readonly StepProgress[],
  name: string,
  change: (s: StepProgress) => StepProgress,
): StepProgress[] {
  const at = steps.findIndex((s) => s.name === name);
  if (at < 0) return [...steps, change({ name, running: 0, done: 0, cacheHits: 0, failed: 0 })];
  return steps.map((s, i) => i === at ? change(s) : s);
}

const NO_REPLICATES: ConditionProgress = { done: 0, failed: 0, reused: 0, cancelled: 0 };

/**
 * The state of a run that ended without `run-finished` or `run-cancelled`
 * (the runner failed, or was stopped): marked `stopped`, so no ETA is shown.
 * A finished or cancelled state comes back unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { endProgress, initialProgress } from "./state.ts";
 * assert.equal(endProgress(initialProgress(0)).ended, "stopped");
 * ```
 */
export function endProgress(state: ProgressState): ProgressState {
  if (state.finished || state.ended !== undefined) return state;
  return { ...state, ended: "stopped" };
}

/**
 * Replicates reused from a stored run, over all conditions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialProgress, reusedCount } from "./state.ts";
 * assert.equal(reusedCount(initialProgress(0)), 0);
 * ```
 */
export function reusedCount(state: ProgressState): number {
  return Object.values(state.perCondition).reduce((a, c) => a + c.reused, 0);
}

/**
 * Replicates finished over all conditions, and how many the run has.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyEvent, completion, initialProgress } from "./state.ts";
 *
 * const state = applyEvent(initialProgress(0), {
 *   type: "run-started", experiment: "x", runId: "r", replicates: 32, conditions: ["baseline", "boost"],
 *   strategy: "serial",
 * }, 0);
 * assert.deepEqual(completion(state), { done: 0, total: 64 });
 * ```
 */
export function completion(state: ProgressState): { done: number; total: number } {
  const done = Object.values(state.perCondition).reduce((a, c) => a + c.done, 0);
  return { done, total: state.replicates * state.conditions.length };
}

/**
 * Estimated time left, ms: the replicates left times the moving average of
 * the time per finished replicate; `undefined` before the first finishes,
 * and once the run has ended (finished, cancelled or stopped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { etaMs, initialProgress } from "./state.ts";
 *
 * assert.equal(etaMs(initialProgress(0)), undefined); // no finished replicate yet: no estimate
 * ```
 */
export function etaMs(state: ProgressState): number | undefined {
  if (state.emaMs === undefined || state.finished || state.ended !== undefined) return undefined;
  const { done, total } = completion(state);
  return Math.max(0, total - done) * state.emaMs;
}
