/**
 * The lines of the run screen's scrollable tabs — logs, errors, summary,
 * history — as plain text, shared by the update (which line `e` opens, how
 * far to scroll) and the view.
 * @module
 */
import type { RunModel } from "./model.ts";
import { plainText } from "./text.ts";

/** Log lines kept (the oldest are dropped beyond). */
export const LOG_LINES = 5000;

/**
 * The lines of the tab shown (`[]` for the progress tab, which the view
 * draws from the live progress).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 * import { tabLines } from "./tab_lines.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "",
 * };
 * const run = { ...openRun(entry), tab: "errors" as const, errors: [{ title: "demo · baseline #0 · slow", lines: ["Error: boom", "    at slow (file:///p/steps.ts:3:9)"] }] };
 * assert.deepEqual(tabLines(run), ["demo · baseline #0 · slow", "  Error: boom", "      at slow (file:///p/steps.ts:3:9)"]);
 * ```
 */
export function tabLines(run: RunModel): readonly string[] {
  switch (run.tab) {
    case "progress":
      return [];
    case "logs": {
      const lines = plainText(run.output).split("\n");
      if (lines.at(-1) === "") lines.pop();
      return lines.length === 0
        ? ["Nothing printed yet: what experiment code prints shows here."]
        : lines;
    }
    case "errors":
      if (run.errors.length === 0) return ["No failures in the current or last run."];
      return run.errors.flatMap((e) => [e.title, ...e.lines.map((l) => `  ${l}`)]);
    case "summary":
      return run.summary ?? ["Loading the last stored run…"];
    case "history":
      return run.history ?? ["Loading the stored versions…"];
  }
}

/**
 * The lines `e` searches for a place to open when the cursor is on `line`
 * of the tab: that line, then the lines below it up to the next unindented
 * one (an error's stack, under its title).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linesAt } from "./tab_lines.ts";
 *
 * assert.deepEqual(linesAt(["title", "  Error", "  at f (/p/a.ts:1:2)", "next"], 0), ["title", "  Error", "  at f (/p/a.ts:1:2)"]);
 * ```
 */
export function linesAt(lines: readonly string[], line: number): string[] {
  const out = lines[line] === undefined ? [] : [lines[line]];
  for (let i = line + 1; i < lines.length && /^\s/.test(lines[i]); i++) out.push(lines[i]);
  return out;
}
