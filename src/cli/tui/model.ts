/**
 * What the terminal UI shows, as plain data: the selection screen, the run
 * screen of the experiment opened from it, and whether the UI has ended.
 * {@linkcode update} changes it; the views render it.
 * @module
 */
import type { ListEntry } from "../commands/list.ts";
import type { ProgressState } from "../progress/state.ts";
import type { RunState } from "./run_state.ts";

/** The selection screen: what discovery found, and the cursor. */
export interface SelectionModel {
  /** Whether discovery is running. */
  readonly loading: boolean;
  /** Experiments and graphs shown (hidden ones left out), in listing order. */
  readonly entries: readonly ListEntry[];
  /** Files that could not be loaded, with why (messages carry `file:line:column`). */
  readonly errors: readonly { readonly path: string; readonly message: string }[];
  /** Index of the highlighted entry. */
  readonly cursor: number;
}

/** Where a run stands on the run screen. */
export type RunStatus = "idle" | "running" | "cancelling" | "finished" | "failed" | "cancelled";

/** What happens when a run that is being cancelled has ended. */
export type AfterRun = "stay" | "back" | "quit";

/** The run screen of one experiment or graph. */
export interface RunModel {
  /** What was selected. */
  readonly entry: ListEntry;
  /** Whether its treatments and saved choices are loaded (until then nothing runs). */
  readonly ready: boolean;
  /**
   * Treatments that can be toggled (a graph's: those of every experiment it
   * runs); `undefined` when unknown without running code (module experiments).
   */
  readonly treatments: readonly string[] | undefined;
  /** Saved choices: inactive treatments, caching. */
  readonly choices: RunState;
  /** Whether choices are saved to `config.state.json` (folder experiments) or kept for the session. */
  readonly persisted: boolean;
  /** Where the run stands. */
  readonly status: RunStatus;
  /** Progress of the current or last run, from its events. */
  readonly progress: ProgressState | undefined;
  /** The end of what experiment code printed. */
  readonly output: string;
  /** A one-line message for the user. */
  readonly notice: string | undefined;
  /** The tab shown. */
  readonly tab: "progress" | "summary";
  /** Lines of the stored run's summary; `undefined` while loading or before `s`. */
  readonly summary: readonly string[] | undefined;
  /** First summary line shown. */
  readonly scroll: number;
  /** Cursor of the treatment picker when it is open. */
  readonly picker: number | undefined;
  /** What to do when a cancelled run has ended. */
  readonly after: AfterRun;
}

/** The whole terminal UI. */
export interface TuiModel {
  /** The screen shown. */
  readonly screen: "select" | "run";
  /** The selection screen (kept while a run screen is open, so Esc returns to it). */
  readonly selection: SelectionModel;
  /** The run screen, when one is open. */
  readonly run: RunModel | undefined;
  /** Whether the UI has ended. */
  readonly done: boolean;
  /** Whether entries are shown in their `cli.color` (a terminal without `NO_COLOR`). */
  readonly color: boolean;
}

/**
 * The UI at start: the selection screen, scanning; `color` shows entries
 * in their `cli.color`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialModel } from "./model.ts";
 *
 * assert.equal(initialModel().selection.loading, true);
 * assert.equal(initialModel().screen, "select");
 * ```
 */
export function initialModel(color = false): TuiModel {
  return {
    screen: "select",
    selection: { loading: true, entries: [], errors: [], cursor: 0 },
    run: undefined,
    done: false,
    color,
  };
}

/**
 * A run screen for `entry`, before its choices are loaded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "Does adding delta raise the total?",
 * };
 * assert.equal(openRun(entry).status, "idle");
 * ```
 */
export function openRun(entry: ListEntry): RunModel {
  return {
    entry,
    ready: false,
    treatments: undefined,
    choices: { inactiveTreatments: [], uncachedExperiments: [] },
    persisted: false,
    status: "idle",
    progress: undefined,
    output: "",
    notice: undefined,
    tab: "progress",
    summary: undefined,
    scroll: 0,
    picker: undefined,
    after: "stay",
  };
}

/**
 * Whether caching is on for the run screen's experiment: it then runs with
 * strategy `resume` (stored replicates are reused), else `rerun`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { cachingOn, openRun } from "./model.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "Does adding delta raise the total?",
 * };
 * assert.equal(cachingOn(openRun(entry)) ? "resume" : "rerun", "resume"); // on unless switched off
 * ```
 */
export function cachingOn(run: RunModel): boolean {
  return !run.choices.uncachedExperiments.includes(run.entry.name);
}

/**
 * Whether a run is in progress (running or being cancelled).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { isRunning, openRun } from "./model.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "Does adding delta raise the total?",
 * };
 * assert.equal(isRunning(openRun(entry)), false);
 * assert.equal(isRunning({ ...openRun(entry), status: "running" }), true); // c cancels then
 * ```
 */
export function isRunning(run: RunModel): boolean {
  return run.status === "running" || run.status === "cancelling";
}
