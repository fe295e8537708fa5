/**
 * What the terminal UI shows, as plain data: the selection screen, the run
 * screen of the experiment opened from it, the create and config screens,
 * and whether the UI has ended. {@linkcode update} changes it; the views
 * render it.
 * @module
 */
import type { ListEntry } from "../commands/list.ts";
import type { ProgressState } from "../progress/state.ts";
import type { ConfigModel } from "./config_editor.ts";
import type { CreateModel } from "./create_form.ts";
import type { UnitTime } from "./estimate.ts";
import { EMPTY_RUN_STATE, type RunState } from "./run_state.ts";
import type { TreeNode } from "./run_tree.ts";

/** The selection screen: what discovery found, and the cursor. */
export interface SelectionModel {
  /** Whether discovery is running. */
  readonly loading: boolean;
  /** Experiments and graphs shown (hidden ones left out), in listing order. */
  readonly entries: readonly ListEntry[];
  /** Files that could not be loaded, with why (messages carry `file:line:column`). */
  readonly errors: readonly { readonly path: string; readonly message: string }[];
  /** Index of the highlighted row: an entry, or past the entries a load error. */
  readonly cursor: number;
  /** A one-line message (what was created, why the editor did not open). */
  readonly notice?: string;
  /** The details panel of the highlighted entry, once read. */
  readonly details?: { readonly target: string; readonly lines: readonly string[] };
  /** An entry to highlight once listed (a new experiment). */
  readonly want?: string;
}

/** Where a run stands on the run screen. */
export type RunStatus = "idle" | "running" | "cancelling" | "finished" | "failed" | "cancelled";

/** What happens when a run that is being cancelled has ended. */
export type AfterRun = "stay" | "back" | "quit";

/** The run screen's tabs. */
export const TABS = ["progress", "logs", "errors", "summary", "history"] as const;

/** A tab of the run screen. */
export type Tab = typeof TABS[number];

/** How replicates run: as the experiment says (`undefined`), or one of the executors. */
export type Executor = "serial" | "async" | "thread" | "process" | "queue";

/** The executors the execution picker offers after "as the experiment says". */
export const EXECUTORS: readonly Executor[] = ["serial", "async", "thread", "process", "queue"];

/** The open picker of the run screen: treatments or execution with its cursor, or the Redis URL of a queue run being typed. */
export type RunPicker =
  | { readonly kind: "treatments" | "execution"; readonly cursor: number }
  | {
    readonly kind: "redis";
    /** The URL as typed so far. */
    readonly text: string;
    /** Why the last Enter did not take it. */
    readonly problem?: string;
  };

/** A failure of the current or last run, with its stack. */
export interface RunError {
  /** What failed: `experiment · condition #replicate · step`, or the run. */
  readonly title: string;
  /** Message and stack lines. */
  readonly lines: readonly string[];
}

/** What the run screen knows of one experiment's past runs. */
export interface MemberFacts {
  /** Experiment name. */
  readonly name: string;
  /** Its config.yaml, for folder experiments. */
  readonly configFile?: string;
  /** Replicates per condition. */
  readonly replicates: number;
  /** Wall time per replicate and condition of past runs. */
  readonly unit: UnitTime;
  /** Finished versions stored, and the newest. */
  readonly stored: { readonly count: number; readonly newest: number | undefined };
  /** Mean time per call of each step in the newest run, ms. */
  readonly stepMs: Readonly<Record<string, number>>;
}

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
  /** What experiment code printed (its end, when long). */
  readonly output: string;
  /** A one-line message for the user. */
  readonly notice: string | undefined;
  /** The tab shown. */
  readonly tab: Tab;
  /** Lines of the stored run's summary; `undefined` while loading or before it is shown. */
  readonly summary: readonly string[] | undefined;
  /** Lines of the summary across versions; `undefined` while loading or before it is shown. */
  readonly history: readonly string[] | undefined;
  /** Failures of the current or last run. */
  readonly errors: readonly RunError[];
  /** The highlighted line of the tab shown. */
  readonly scroll: number;
  /** Whether tabs show plain text: no colours or icons, long lines wrapped (for copying). */
  readonly plain: boolean;
  /** The open picker, if one is. */
  readonly picker: RunPicker | undefined;
  /** What to do when a cancelled run has ended. */
  readonly after: AfterRun;
  /** The experiments the run covers, with their steps (a graph's in dependency order). */
  readonly tree: readonly TreeNode[];
  /** The highlighted row of the tree. */
  readonly treeCursor: number;
  /** Which pane the arrow keys move in. */
  readonly focus: "tree" | "tab";
  /** The executor chosen in the execution picker; `undefined`: the experiment's own. */
  readonly executor: Executor | undefined;
  /** The Redis URL of executor `queue` (the CLI connects to no other). */
  readonly redis: string | undefined;
  /** Redis URLs the entry's config.yaml files name (`QueueExecution: { connection }`), offered first. */
  readonly queueUrls: readonly string[];
  /** Past runs of each experiment, for the details panel. */
  readonly facts: readonly MemberFacts[];
}

/** The whole terminal UI. */
export interface TuiModel {
  /** The screen shown. */
  readonly screen: "select" | "run" | "create" | "config";
  /** The selection screen (kept while a run screen is open, so Esc returns to it). */
  readonly selection: SelectionModel;
  /** The run screen, when one is open. */
  readonly run: RunModel | undefined;
  /** The create screen, when open. */
  readonly create?: CreateModel;
  /** The config editor, when open. */
  readonly config?: ConfigModel;
  /** Whether the terminal reports the mouse wheel (off by default: it blocks selecting text). */
  readonly mouse: boolean;
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
    mouse: false,
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
    choices: EMPTY_RUN_STATE,
    persisted: false,
    status: "idle",
    progress: undefined,
    output: "",
    notice: undefined,
    tab: "progress",
    summary: undefined,
    history: undefined,
    errors: [],
    scroll: 0,
    plain: false,
    picker: undefined,
    after: "stay",
    tree: [],
    treeCursor: 0,
    focus: "tree",
    executor: undefined,
    redis: undefined,
    queueUrls: [],
    facts: [],
  };
}

/**
 * Whether caching is on for an experiment of the run screen (default: the
 * screen's own): it then runs with strategy `resume` (stored replicates are
 * reused), else `rerun`.
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
export function cachingOn(run: RunModel, experiment: string = run.entry.name): boolean {
  return !run.choices.uncachedExperiments.includes(experiment);
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
