/**
 * The run screen's keys and the results that reach it: runs and cancels,
 * caching per experiment and per step, the treatment and execution pickers,
 * tabs and their scrolling, and what `e` opens.
 * @module
 */
import { applyEvent, endProgress, initialProgress } from "../progress/state.ts";
import type { Key } from "./keys.ts";
import type { EditTarget, TuiAction } from "./messages.ts";
import { EXECUTORS, isRunning, type RunModel, type Tab, TABS, type TuiModel } from "./model.ts";
import { resetTree, treeAfter, treeRows } from "./run_tree.ts";
import {
  executionKey,
  openTreatments,
  runSettings,
  toggleCaching,
  treatmentKey,
} from "./run_choices.ts";
import { redisKey } from "./queue_choice.ts";
import { linesAt, tabLines } from "./tab_lines.ts";
import { type Update, withRun } from "./update_result.ts";

/** Experiment output kept, characters. */
const OUTPUT_KEPT = 512 * 1024;
/** Lines a page key moves. */
const PAGE = 10;

/**
 * The run screen after a key (the screen changes `g` and Esc make are the
 * caller's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { initialModel, openRun } from "./model.ts";
 * import { runKey } from "./run_update.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "",
 * };
 * const run = openRun(entry);
 * const { model } = runKey({ ...initialModel(), screen: "run", run }, run, "3");
 * assert.equal(model.run?.tab, "errors"); // 1-5 pick a tab
 * ```
 */
export function runKey(model: TuiModel, run: RunModel, key: Key): Update {
  // The URL line takes every key: it is being typed.
  if (run.picker?.kind === "redis") return redisKey(model, run, key);
  if (run.picker !== undefined) {
    const picked = run.picker.kind === "treatments"
      ? treatmentKey(model, run, run.picker.cursor, key)
      : executionKey(model, run, run.picker.cursor, key);
    if (picked !== undefined) return picked;
  }
  const tab = TABS.indexOf(run.tab);
  switch (key) {
    case "r":
      return startRun(model, run);
    case "c":
      if (!isRunning(run)) return withRun(model, { ...run, notice: "No run to cancel." });
      return cancel(model, run, "stay");
    case "l":
      return toggleCaching(model, run);
    case "x":
      return openTreatments(model, run);
    case "p":
      return withRun(model, {
        ...run,
        picker: { kind: "execution", cursor: EXECUTORS.indexOf(run.executor as never) + 1 },
        notice: undefined,
      });
    case "s":
      return showTab(model, run, run.tab === "summary" ? "progress" : "summary");
    case "h":
      if (run.tab !== "summary") return { model, effects: [] };
      return withRun(model, { ...run, notice: "Writing the HTML report…" }, [
        { type: "report", entry: run.entry },
      ]);
    case "tab":
      return showTab(model, run, TABS[(tab + 1) % TABS.length]);
    case "shift-tab":
      return showTab(model, run, TABS[(tab + TABS.length - 1) % TABS.length]);
    case "1":
    case "2":
    case "3":
    case "4":
    case "5":
      return showTab(model, run, TABS[Number(key) - 1]);
    case "t":
      return withRun(model, { ...run, plain: !run.plain });
    case "left":
      return withRun(model, { ...run, focus: "tree" });
    case "right":
      return withRun(model, { ...run, focus: run.tab === "progress" ? "tree" : "tab" });
    case "up":
    case "k":
      return move(model, run, -1);
    case "down":
    case "j":
      return move(model, run, 1);
    case "page-up":
    case "wheel-up":
      return scroll(model, run, key === "page-up" ? -PAGE : -3);
    case "page-down":
    case "wheel-down":
      return scroll(model, run, key === "page-down" ? PAGE : 3);
    case "home":
      return scroll(model, run, -Infinity);
    case "end":
      return scroll(model, run, Infinity);
    case "e":
      return editTarget(model, run);
    case "escape":
      if (isRunning(run)) return cancel(model, run, "back");
      return back(model, run);
    case "q":
    case "ctrl-c":
    case "ctrl-d":
      if (isRunning(run)) return cancel(model, run, "quit");
      return { model: { ...model, done: true }, effects: [{ type: "quit" }] };
    default:
      return { model, effects: [] };
  }
}

/** The selection screen again, its details read anew (a run may have stored a version). */
function back(model: TuiModel, run: RunModel): Update {
  return {
    model: {
      ...model,
      screen: "select",
      run: undefined,
      selection: { ...model.selection, details: undefined },
    },
    effects: [{ type: "details", entry: run.entry }],
  };
}

function showTab(model: TuiModel, run: RunModel, tab: Tab): Update {
  const shown = {
    ...run,
    tab,
    scroll: 0,
    focus: tab === "progress" ? "tree" as const : "tab" as const,
  };
  if (tab === "summary") {
    return withRun(model, { ...shown, summary: undefined }, [{
      type: "summary",
      entry: run.entry,
    }]);
  }
  if (tab === "history") {
    return withRun(model, { ...shown, history: undefined }, [{
      type: "history",
      entry: run.entry,
    }]);
  }
  return withRun(model, shown);
}

function move(model: TuiModel, run: RunModel, by: number): Update {
  if (run.focus === "tab" && run.tab !== "progress") return scroll(model, run, by);
  const rows = treeRows(run.tree).length;
  return withRun(model, {
    ...run,
    treeCursor: Math.max(0, Math.min(rows - 1, run.treeCursor + by)),
  });
}

function scroll(model: TuiModel, run: RunModel, by: number): Update {
  if (run.tab === "progress") return { model, effects: [] };
  const max = Math.max(0, tabLines(run).length - 1);
  return withRun(model, { ...run, scroll: Math.max(0, Math.min(max, run.scroll + by)) });
}

function editTarget(model: TuiModel, run: RunModel): Update {
  let target: EditTarget | undefined;
  if (run.focus === "tab" && run.tab !== "progress") {
    target = { kind: "text", lines: linesAt(tabLines(run), run.scroll) };
  } else {
    const row = treeRows(run.tree)[run.treeCursor];
    const node = row === undefined ? undefined : run.tree[row.node];
    const configFile = run.facts.find((f) => f.name === node?.name)?.configFile;
    if (configFile === undefined) {
      // A module experiment: its module (the target without #export).
      target = { kind: "file", file: run.entry.target.replace(/#[^#]*$/, ""), line: 1 };
    } else if (row?.step !== undefined && node !== undefined) {
      target = { kind: "step", configFile, step: node.steps[row.step].name };
    } else target = { kind: "file", file: configFile, line: 1 };
  }
  return { model, effects: [{ type: "edit", target }] };
}

function startRun(model: TuiModel, run: RunModel): Update {
  if (isRunning(run)) {
    return withRun(model, { ...run, notice: "A run is in progress: c cancels it." });
  }
  if (!run.ready) return withRun(model, { ...run, notice: "Still loading: try again." });
  return withRun(
    model,
    {
      ...run,
      status: "running",
      progress: undefined,
      output: "",
      errors: [],
      notice: undefined,
      tab: "progress",
      focus: "tree",
      picker: undefined,
      after: "stay",
      tree: resetTree(run.tree),
    },
    [{ type: "run", entry: run.entry, settings: runSettings(run) }],
  );
}

function cancel(model: TuiModel, run: RunModel, after: RunModel["after"]): Update {
  const already = run.status === "cancelling";
  return withRun(
    model,
    {
      ...run,
      status: "cancelling",
      after: after === "stay" ? run.after : after,
      notice: "Cancelling: replicates that are running finish first…",
    },
    already ? [] : [{ type: "cancel" }],
  );
}

/**
 * The run screen after the result of an effect (a late answer for another
 * entry is ignored).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { initialModel, openRun } from "./model.ts";
 * import { runResult } from "./run_update.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "",
 * };
 * const run = openRun(entry);
 * const { model } = runResult({ ...initialModel(), run }, run, { type: "output", text: "hi\n" });
 * assert.equal(model.run?.output, "hi\n");
 * ```
 */
export function runResult(model: TuiModel, run: RunModel, action: TuiAction): Update {
  switch (action.type) {
    case "opened":
      if (action.target !== run.entry.target) return { model, effects: [] };
      return withRun(model, {
        ...run,
        ready: true,
        treatments: action.treatments,
        choices: action.choices,
        persisted: action.persisted,
        notice: action.notice,
        tree: action.tree,
        facts: action.facts,
        queueUrls: action.queueUrls ?? [],
        treeCursor: 0,
      });
    case "events": {
      let progress = run.progress ?? initialProgress(action.now);
      let tree = run.tree;
      const errors = [...run.errors];
      for (const event of action.events) {
        progress = applyEvent(progress, event, action.now);
        tree = treeAfter(tree, event);
        if (event.type === "error") {
          errors.push({
            title: `${event.experiment} · ${event.condition} #${event.replicate} · ${event.step}`,
            lines: [event.message],
          });
        }
      }
      return withRun(model, { ...run, progress, tree, errors });
    }
    case "output":
      return withRun(model, { ...run, output: (run.output + action.text).slice(-OUTPUT_KEPT) });
    case "run-ended": {
      const ended = {
        ...run,
        // A run that did not finish shows how it ended, not an ETA.
        progress: run.progress === undefined ? undefined : endProgress(run.progress),
        status: action.status,
        notice: action.notice,
        errors: action.errors ?? run.errors,
        after: "stay" as const,
      };
      if (run.after === "back") return back(model, run);
      if (run.after === "quit") {
        return { model: { ...model, run: ended, done: true }, effects: [{ type: "quit" }] };
      }
      return withRun(model, ended);
    }
    case "summary":
      if (action.target !== run.entry.target) return { model, effects: [] };
      return withRun(model, { ...run, summary: action.lines, scroll: 0 });
    case "facts":
      if (action.target !== run.entry.target) return { model, effects: [] };
      return withRun(model, { ...run, facts: action.facts });
    case "history":
      if (action.target !== run.entry.target) return { model, effects: [] };
      return withRun(model, { ...run, history: action.lines, scroll: 0 });
    case "notice":
      return withRun(model, { ...run, notice: action.notice });
    default:
      return { model, effects: [] };
  }
}
