import { applyEvent, endProgress, initialProgress } from "../progress/state.ts";
import type { RunSettings } from "../runner/protocol.ts";
import type { Key } from "./keys.ts";
import type { TuiAction, TuiEffect } from "./messages.ts";
import { cachingOn, isRunning, openRun, type RunModel, type TuiModel } from "./model.ts";

/** The model after an action, and what the I/O shell must do. */
export interface Update {
  /** The new model. */
  readonly model: TuiModel;
  /** Effects to perform, in order. */
  readonly effects: readonly TuiEffect[];
}

/** Experiment output kept for display, characters. */
const OUTPUT_TAIL = 8192;
/** Lines a page key moves. */
const PAGE = 10;

/**
 * The terminal UI's state machine: the model after `action`, plus the
 * effects to perform. Pure: no I/O, no clock (event times come in the
 * action).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialModel } from "./model.ts";
 * import { update } from "./update.ts";
 *
 * const { model, effects } = update(initialModel(), { type: "key", key: "q" });
 * assert.equal(model.done, true);
 * assert.deepEqual(effects, [{ type: "quit" }]);
 * ```
 */
export function update(model: TuiModel, action: TuiAction): Update {
  switch (action.type) {
    case "key":
      return model.screen === "run" && model.run !== undefined
        ? runKey(model, model.run, action.key)
        : selectionKey(model, action.key);
    case "listed": {
      const entries = action.listing.experiments.filter((e) => !e.hidden);
      const previous = model.selection.entries[model.selection.cursor]?.target;
      const at = entries.findIndex((e) => e.target === previous);
      return {
        model: {
          ...model,
          selection: {
            loading: false,
            entries,
            errors: action.listing.errors,
            cursor: at >= 0
              ? at
              : Math.min(model.selection.cursor, Math.max(0, entries.length - 1)),
          },
        },
        effects: [],
      };
    }
    case "list-failed":
      return {
        model: {
          ...model,
          selection: {
            ...model.selection,
            loading: false,
            errors: [{ path: ".", message: action.message }],
          },
        },
        effects: [],
      };
    default:
      return model.run === undefined ? { model, effects: [] } : runResult(model, model.run, action);
  }
}

function selectionKey(model: TuiModel, key: Key): Update {
  const selection = model.selection;
  const move = (cursor: number): Update => ({
    model: {
      ...model,
      selection: {
        ...selection,
        cursor: Math.max(0, Math.min(cursor, selection.entries.length - 1)),
      },
    },
    effects: [],
  });
  switch (key) {
    case "up":
    case "k":
      return move(selection.cursor - 1);
    case "down":
    case "j":
      return move(selection.cursor + 1);
    case "page-up":
      return move(selection.cursor - PAGE);
    case "page-down":
      return move(selection.cursor + PAGE);
    case "home":
      return move(0);
    case "end":
      return move(selection.entries.length - 1);
    case "enter": {
      const entry = selection.entries[selection.cursor];
      if (entry === undefined || selection.loading) return { model, effects: [] };
      return {
        model: { ...model, screen: "run", run: openRun(entry) },
        effects: [{ type: "open", entry }],
      };
    }
    case "r":
      if (selection.loading) return { model, effects: [] };
      return {
        model: { ...model, selection: { ...selection, loading: true } },
        effects: [{ type: "list" }],
      };
    case "q":
    case "ctrl-c":
    case "ctrl-d":
      return { model: { ...model, done: true }, effects: [{ type: "quit" }] };
    default:
      return { model, effects: [] };
  }
}

function withRun(model: TuiModel, run: RunModel, effects: TuiEffect[] = []): Update {
  return { model: { ...model, run }, effects };
}

function runKey(model: TuiModel, run: RunModel, key: Key): Update {
  if (run.picker !== undefined) {
    const picked = pickerKey(model, run, run.picker, key);
    if (picked !== undefined) return picked;
  }
  switch (key) {
    case "r":
      return startRun(model, run);
    case "c":
      if (!isRunning(run)) return withRun(model, { ...run, notice: "No run to cancel." });
      return cancel(model, run, "stay");
    case "l":
      return toggleCaching(model, run);
    case "x":
      if (run.treatments === undefined) {
        return withRun(model, {
          ...run,
          notice: "Treatments can be toggled for folder experiments (config.yaml) only.",
        });
      }
      if (run.treatments.length === 0) {
        return withRun(model, { ...run, notice: "This experiment has no treatments." });
      }
      return withRun(model, { ...run, picker: 0, notice: undefined });
    case "s":
    case "tab":
      if (run.tab === "summary") return withRun(model, { ...run, tab: "progress" });
      return withRun(model, { ...run, tab: "summary", summary: undefined, scroll: 0 }, [
        { type: "summary", entry: run.entry },
      ]);
    case "h":
      if (run.tab !== "summary") return { model, effects: [] };
      return withRun(model, { ...run, notice: "Writing the HTML report…" }, [
        { type: "report", entry: run.entry },
      ]);
    case "up":
    case "k":
      return scroll(model, run, -1);
    case "down":
    case "j":
      return scroll(model, run, 1);
    case "page-up":
      return scroll(model, run, -PAGE);
    case "page-down":
      return scroll(model, run, PAGE);
    case "escape":
      if (isRunning(run)) return cancel(model, run, "back");
      return { model: { ...model, screen: "select", run: undefined }, effects: [] };
    case "q":
    case "ctrl-c":
    case "ctrl-d":
      if (isRunning(run)) return cancel(model, run, "quit");
      return { model: { ...model, done: true }, effects: [{ type: "quit" }] };
    default:
      return { model, effects: [] };
  }
}

/** Keys of the open treatment picker; `undefined` for keys it does not take. */
function pickerKey(
  model: TuiModel,
  run: RunModel,
  cursor: number,
  key: Key,
): Update | undefined {
  const treatments = run.treatments ?? [];
  switch (key) {
    case "up":
    case "k":
      return withRun(model, { ...run, picker: Math.max(0, cursor - 1) });
    case "down":
    case "j":
      return withRun(model, { ...run, picker: Math.min(treatments.length - 1, cursor + 1) });
    case "space":
    case "x":
    case "enter": {
      const name = treatments[cursor];
      if (name === undefined) return withRun(model, run);
      const inactive = run.choices.inactiveTreatments;
      const now = inactive.includes(name)
        ? inactive.filter((n) => n !== name)
        : [...inactive, name].sort();
      return save(
        model,
        { ...run, choices: { ...run.choices, inactiveTreatments: now } },
        () => `Treatment '${name}' ${now.includes(name) ? "off" : "on"}${nextRun(run)}.`,
      );
    }
    case "escape":
      return withRun(model, { ...run, picker: undefined });
    default:
      return undefined;
  }
}

function nextRun(run: RunModel): string {
  return isRunning(run) ? " from the next run" : "";
}

function save(model: TuiModel, run: RunModel, notice: () => string): Update {
  const saved = run.persisted
    ? ""
    : " (for this session: module experiments have no config.state.json)";
  return withRun(
    model,
    { ...run, notice: `${notice()}${saved}` },
    run.persisted ? [{ type: "save", entry: run.entry, choices: run.choices }] : [],
  );
}

function toggleCaching(model: TuiModel, run: RunModel): Update {
  if (!run.ready) return withRun(model, run);
  const name = run.entry.name;
  const uncached = cachingOn(run)
    ? [...run.choices.uncachedExperiments, name].sort()
    : run.choices.uncachedExperiments.filter((n) => n !== name);
  const next = { ...run, choices: { ...run.choices, uncachedExperiments: uncached } };
  return save(
    model,
    next,
    () =>
      cachingOn(next)
        ? `Caching on: runs resume, reusing stored replicates${nextRun(run)}.`
        : `Caching off: runs recompute every replicate (strategy rerun)${nextRun(run)}.`,
  );
}

/**
 * The settings a run from the run screen uses: strategy `resume` with
 * caching on, else `rerun`; only the active treatments when some are off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 * import { runSettings } from "./update.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "Does adding delta raise the total?",
 * };
 * const run = { ...openRun(entry), treatments: ["add_one", "add_two"] };
 * assert.deepEqual(runSettings(run), { cache: true, strategy: "resume" }); // every treatment on
 * const picked = { ...run, choices: { inactiveTreatments: ["add_two"], uncachedExperiments: [] } };
 * assert.deepEqual(runSettings(picked), { cache: true, strategy: "resume", treatments: ["add_one"] });
 * ```
 */
export function runSettings(run: RunModel): RunSettings {
  const strategy = cachingOn(run) ? "resume" : "rerun";
  const inactive = new Set(run.choices.inactiveTreatments);
  const treatments = run.treatments ?? [];
  if (!treatments.some((t) => inactive.has(t))) return { cache: true, strategy };
  return { cache: true, strategy, treatments: treatments.filter((t) => !inactive.has(t)) };
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
      notice: undefined,
      tab: "progress",
      picker: undefined,
      after: "stay",
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

function scroll(model: TuiModel, run: RunModel, by: number): Update {
  if (run.tab !== "summary") return { model, effects: [] };
  const max = Math.max(0, (run.summary?.length ?? 0) - 1);
  return withRun(model, { ...run, scroll: Math.max(0, Math.min(max, run.scroll + by)) });
}

function runResult(model: TuiModel, run: RunModel, action: TuiAction): Update {
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
      });
    case "events": {
      let progress = run.progress ?? initialProgress(action.now);
      for (const event of action.events) progress = applyEvent(progress, event, action.now);
      return withRun(model, { ...run, progress });
    }
    case "output":
      return withRun(model, { ...run, output: (run.output + action.text).slice(-OUTPUT_TAIL) });
    case "run-ended": {
      const ended = {
        ...run,
        // A run that did not finish shows how it ended, not an ETA.
        progress: run.progress === undefined ? undefined : endProgress(run.progress),
        status: action.status,
        notice: action.notice,
        after: "stay" as const,
      };
      if (run.after === "back") {
        return { model: { ...model, screen: "select", run: undefined }, effects: [] };
      }
      if (run.after === "quit") {
        return { model: { ...model, run: ended, done: true }, effects: [{ type: "quit" }] };
      }
      return withRun(model, ended);
    }
    case "summary":
      if (action.target !== run.entry.target) return { model, effects: [] };
      return withRun(model, { ...run, summary: action.lines, scroll: 0 });
    case "notice":
      return withRun(model, { ...run, notice: action.notice });
    default:
      return { model, effects: [] };
  }
}
