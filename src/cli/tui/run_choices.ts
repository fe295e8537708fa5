/**
 * The run screen's choices: treatments and the executor (pickers), caching
 * per experiment and per step (`l`), saved to `config.state.json` when the
 * experiment has one, and the settings a run takes from them.
 * @module
 */
import type { RunSettings } from "../runner/protocol.ts";
import type { Key } from "./keys.ts";
import { cachingOn, EXECUTORS, isRunning, type RunModel, type TuiModel } from "./model.ts";
import { openRedisLine } from "./queue_choice.ts";
import { stepCached, toggleStepCaching, treeRows } from "./run_tree.ts";
import { type Update, withRun } from "./update_result.ts";

/** `x`: the treatment picker, or why there is none (module experiments, no treatments). */
export function openTreatments(model: TuiModel, run: RunModel): Update {
  if (run.treatments === undefined) {
    return withRun(model, {
      ...run,
      notice: "Treatments can be toggled for folder experiments (config.yaml) only.",
    });
  }
  if (run.treatments.length === 0) {
    return withRun(model, { ...run, notice: "This experiment has no treatments." });
  }
  return withRun(model, { ...run, picker: { kind: "treatments", cursor: 0 }, notice: undefined });
}

/** Keys of the open treatment picker; `undefined` for keys it does not take. */
export function treatmentKey(
  model: TuiModel,
  run: RunModel,
  cursor: number,
  key: Key,
): Update | undefined {
  const treatments = run.treatments ?? [];
  const moved = pickerMove(key, cursor, treatments.length - 1);
  if (moved !== undefined) {
    return withRun(model, { ...run, picker: { kind: "treatments", cursor: moved } });
  }
  switch (key) {
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

/** Keys of the open execution picker: the experiment's own executor, or one chosen. */
export function executionKey(
  model: TuiModel,
  run: RunModel,
  cursor: number,
  key: Key,
): Update | undefined {
  const moved = pickerMove(key, cursor, EXECUTORS.length);
  if (moved !== undefined) {
    return withRun(model, { ...run, picker: { kind: "execution", cursor: moved } });
  }
  switch (key) {
    case "space":
    case "enter": {
      const executor = cursor === 0 ? undefined : EXECUTORS[cursor - 1];
      // A queue run needs the Redis to connect to: typed (or confirmed) first.
      if (executor === "queue") return openRedisLine(model, run);
      return withRun(model, {
        ...run,
        executor,
        picker: undefined,
        notice: `Replicates run ${
          executor === undefined ? "as the experiment says" : `with ${executor}`
        }${nextRun(run)} (this session).`,
      });
    }
    case "escape":
      return withRun(model, { ...run, picker: undefined });
    default:
      return undefined;
  }
}

/** A picker's cursor after ↑/↓ (k/j), within 0…`last`; `undefined` for other keys. */
function pickerMove(key: Key, cursor: number, last: number): number | undefined {
  if (key === "up" || key === "k") return Math.max(0, cursor - 1);
  if (key === "down" || key === "j") return Math.min(last, cursor + 1);
  return undefined;
}

/** " from the next run" while a run is in progress (a choice applies to the next one). */
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

/** `l`: caching of the highlighted experiment (resume ↔ rerun) or step (cached ↔ computed), saved. */
export function toggleCaching(model: TuiModel, run: RunModel): Update {
  if (!run.ready) return withRun(model, run);
  const row = treeRows(run.tree)[run.treeCursor];
  const node = row === undefined ? undefined : run.tree[row.node];
  if (row?.step !== undefined && node !== undefined) {
    const step = node.steps[row.step];
    const choices = toggleStepCaching(run.choices, node.name, step);
    const on = stepCached(choices, node.name, step);
    return save(
      model,
      { ...run, choices },
      () =>
        `Step '${step.name}' of ${node.name}: ${
          on ? "cached (served from the step cache when its inputs match)" : "computed every time"
        }${nextRun(run)}.`,
    );
  }
  const name = node?.name ?? run.entry.name;
  const uncached = cachingOn(run, name)
    ? [...run.choices.uncachedExperiments, name].sort()
    : run.choices.uncachedExperiments.filter((n) => n !== name);
  const next = { ...run, choices: { ...run.choices, uncachedExperiments: uncached } };
  return save(
    model,
    next,
    () =>
      cachingOn(next, name)
        ? `Caching on for ${name}: runs resume, reusing stored replicates${nextRun(run)}.`
        : `Caching off for ${name}: runs recompute every replicate (strategy rerun)${
          nextRun(run)
        }.`,
  );
}

/**
 * The settings a run from the run screen uses: strategy `resume` with
 * caching on, else `rerun` (per experiment of a graph when they differ);
 * the steps whose caching was chosen; only the active treatments when some
 * are off; the executor picked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 * import { runSettings } from "./run_choices.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "Does adding delta raise the total?",
 * };
 * const run = { ...openRun(entry), treatments: ["add_one", "add_two"] };
 * assert.deepEqual(runSettings(run), { cache: true, strategy: "resume" }); // every treatment on
 * const picked = { ...run, choices: { ...run.choices, inactiveTreatments: ["add_two"] } };
 * assert.deepEqual(runSettings(picked), { cache: true, strategy: "resume", treatments: ["add_one"] });
 * ```
 */
export function runSettings(run: RunModel): RunSettings {
  const strategy = cachingOn(run) ? "resume" : "rerun";
  const strategies: Record<string, "resume" | "rerun"> = {};
  for (const node of run.tree) {
    const own = cachingOn(run, node.name) ? "resume" : "rerun";
    if (own !== strategy) strategies[node.name] = own;
  }
  const stepCaching = Object.fromEntries(run.tree.flatMap((node) => {
    const chosen = Object.entries(run.choices.stepCaching[node.name] ?? {})
      .filter(([step]) => node.steps.some((s) => s.name === step));
    return chosen.length === 0 ? [] : [[node.name, Object.fromEntries(chosen)]];
  }));
  const inactive = new Set(run.choices.inactiveTreatments);
  const treatments = run.treatments ?? [];
  return {
    cache: true,
    strategy,
    ...(Object.keys(strategies).length > 0 ? { strategies } : {}),
    ...(Object.keys(stepCaching).length > 0 ? { stepCaching } : {}),
    ...(treatments.some((t) => inactive.has(t))
      ? { treatments: treatments.filter((t) => !inactive.has(t)) }
      : {}),
    ...(run.executor === undefined ? {} : { executor: run.executor }),
    ...(run.executor === "queue" && run.redis !== undefined ? { redis: run.redis } : {}),
  };
}
