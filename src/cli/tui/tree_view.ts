/**
 * The run screen's tree pane: each experiment with its state and caching,
 * its steps below with their state (🔒 when served from the step cache),
 * caching and call counts; and the details of the highlighted row, with the
 * estimated run time from past runs.
 * @module
 */
import { formatDuration } from "../progress/render.ts";
import { estimateLine } from "./estimate.ts";
import { cachingOn, type RunModel } from "./model.ts";
import { stepCached, treeRows, type TreeStep } from "./run_tree.ts";
import { fitLine, highlight, wrapWords } from "./text.ts";
import { lockIcon, paint, stateIcon } from "./theme.ts";

/**
 * The tree's lines, `height` at most, scrolled to keep the cursor shown; the
 * cursor's row highlighted when the tree has the focus.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 * import { treeNode } from "./run_tree.ts";
 * import { treeLines } from "./tree_view.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "",
 * };
 * const run = { ...openRun(entry), plain: true, tree: [treeNode("demo", [{ name: "slow", cacheable: true }])] };
 * assert.deepEqual(treeLines(run, 30, 5, false).map((l) => l.replace(/\x1b\[\d+m/g, "").trimEnd()), [
 *   "› [ ] L demo", "   [ ] L slow",
 * ]);
 * ```
 */
export function treeLines(run: RunModel, width: number, height: number, color: boolean): string[] {
  const rows = treeRows(run.tree);
  if (rows.length === 0) return [fitLine(run.ready ? "No experiments." : "Reading…", width)];
  const lines = rows.map((row, i) => {
    const node = run.tree[row.node];
    const cursor = i === run.treeCursor ? "›" : " ";
    let text: string;
    let style;
    if (row.step === undefined) {
      const state = stateIcon(node.state, run.plain);
      style = state.style;
      text = `${cursor} ${state.icon} ${
        lockIcon(cachingOn(run, node.name), run.plain)
      } ${node.name}`;
    } else {
      const step = node.steps[row.step];
      const state = stateIcon(stepState(step), run.plain);
      style = state.style;
      const counts = step.done + step.running > 0 ? `  ${stepCounts(step)}` : "";
      text = `${cursor}  ${state.icon} ${
        lockIcon(stepCached(run.choices, node.name, step), run.plain)
      } ${step.name}${counts}`;
    }
    if (i === run.treeCursor && run.focus === "tree") return highlight(text, width);
    return paint(fitLine(text, width, true), style, color && !run.plain);
  });
  const start = Math.max(0, Math.min(run.treeCursor - height + 1, lines.length - height));
  return lines.slice(Math.max(0, Math.min(start, run.treeCursor)), Math.max(0, start) + height);
}

function stepState(step: TreeStep): "pending" | "running" | "done" | "cached" | "failed" {
  if (step.failed > 0) return "failed";
  if (step.running > 0) return "running";
  if (step.done > 0) return step.cached === step.done ? "cached" : "done";
  return "pending";
}

function stepCounts(step: TreeStep): string {
  const parts = [`${step.done} done`];
  if (step.cached > 0) parts.push(`${step.cached} cached`);
  if (step.failed > 0) parts.push(`${step.failed} failed`);
  if (step.running > 0) parts.push(`${step.running} running`);
  return parts.join(", ");
}

/**
 * The details of the highlighted row, wrapped to `width`: for an
 * experiment its caching, stored versions and estimated run time (from
 * past runs, for the replicates and active treatments of the next run); for
 * a step its caching and mean time per call in the newest stored run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 * import { treeNode } from "./run_tree.ts";
 * import { detailLines } from "./tree_view.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "",
 * };
 * const run = { ...openRun(entry), treatments: ["t"], tree: [treeNode("demo", [])], facts: [{
 *   name: "demo", replicates: 10, unit: { perUnitMs: 50, runs: 2 }, stored: { count: 2, newest: 1 }, stepMs: {},
 * }] };
 * assert.ok(detailLines(run, 80).some((l) => l.startsWith("Estimated run time: ≈1.0s for 10 × 2")));
 * ```
 */
export function detailLines(run: RunModel, width: number): string[] {
  const row = treeRows(run.tree)[run.treeCursor];
  const node = row === undefined ? undefined : run.tree[row.node];
  if (node === undefined) return [];
  const facts = run.facts.find((f) => f.name === node.name);
  let lines: string[];
  if (row?.step !== undefined) {
    const step = node.steps[row.step];
    const cached = stepCached(run.choices, node.name, step);
    const ms = facts?.stepMs[step.name];
    lines = [
      `Step ${step.name} of ${node.name}: ${
        cached === undefined
          ? "cached as its code says (known after a run)"
          : cached
          ? "cached"
          : "computed every time"
      }; l switches it, e opens its code.`,
      ms === undefined
        ? "No stored run timed it yet."
        : `≈${formatDuration(ms)} per call in the newest run.`,
    ];
  } else {
    const inactive = new Set(run.choices.inactiveTreatments);
    const conditions = 1 + (run.treatments ?? []).filter((t) => !inactive.has(t)).length;
    const planned = run.facts.map((f) => ({
      experiment: f.name,
      replicates: f.replicates,
      conditions,
      unit: f.unit,
    }));
    lines = [
      `${node.name}: caching ${cachingOn(run, node.name) ? "on (resume)" : "off (rerun)"}; ` +
      (facts?.stored.count
        ? `${facts.stored.count} stored version${
          facts.stored.count === 1 ? "" : "s"
        }, newest v${facts.stored.newest}.`
        : "no stored run yet."),
      estimateLine(planned),
    ];
  }
  return lines.flatMap((l) => wrapWords(l, width));
}
