/**
 * The run screen's tab pane: the tab bar, then the tab — live progress with
 * the end of the output, the full log, the failures with their stacks, the
 * last stored run's summary, or the summary across versions (best marked) —
 * scrolled to its highlighted line. In plain text nothing is coloured and
 * long lines wrap instead of being cut.
 * @module
 */
import { renderProgress } from "../progress/render.ts";
import { BEST_MARK } from "./history.ts";
import { type RunModel, type Tab, TABS } from "./model.ts";
import { tabLines } from "./tab_lines.ts";
import { fitLine, highlight, plainText, wrapLine } from "./text.ts";
import { paint } from "./theme.ts";

const TITLES: Readonly<Record<Tab, string>> = {
  progress: "Progress",
  logs: "Logs",
  errors: "Errors",
  summary: "Summary",
  history: "History",
};

/**
 * The tab bar: `1 Progress  2 Logs  3 Errors (n) …`, the shown tab in
 * reverse video.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 * import { tabBar } from "./tabs_view.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "",
 * };
 * assert.match(tabBar(openRun(entry), 80), /^\x1b\[7m 1 Progress \x1b\[27m 2 Logs  3 Errors /);
 * ```
 */
export function tabBar(run: RunModel, width: number): string {
  const labels = (short: boolean) =>
    TABS.map((tab, i) => {
      const count = tab === "errors" && run.errors.length > 0 ? ` (${run.errors.length})` : "";
      const title = short ? TITLES[tab].slice(0, 4) : TITLES[tab];
      return ` ${i + 1} ${title}${count} `;
    });
  const full = labels(false);
  // Every tab stays in sight: short titles when the full ones do not fit.
  const shown = full.join("").length <= width ? full : labels(true);
  let used = 0;
  let bar = "";
  for (const [i, label] of shown.entries()) {
    if (used + label.length > width) break;
    bar += TABS[i] === run.tab ? `\x1b[7m${label}\x1b[27m` : label;
    used += label.length;
  }
  return bar;
}

/**
 * The tab's lines: exactly `height` lines of at most `width` columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 * import { tabContent } from "./tabs_view.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "",
 * };
 * const logs = { ...openRun(entry), tab: "logs" as const, output: "one\ntwo\n" };
 * assert.deepEqual(tabContent(logs, 20, 3, false), ["one", "two", ""]);
 * ```
 */
export function tabContent(run: RunModel, width: number, height: number, color: boolean): string[] {
  const lines = run.tab === "progress"
    ? progressLines(run, height, width)
    : scrolled(run, width, height, color && !run.plain);
  const shown = lines.slice(0, height);
  while (shown.length < height) shown.push("");
  return shown;
}

function progressLines(run: RunModel, room: number, width: number): string[] {
  const progress = run.progress === undefined ? [] : renderProgress(run.progress, width);
  const lines = progress.length > 0
    ? progress
    : [run.status === "running" ? "Starting the runner…" : `Press r to run ${run.entry.name}.`];
  const output = plainText(run.output).split("\n");
  if (output.at(-1) === "") output.pop();
  if (output.length > 0) {
    const fits = Math.max(1, room - lines.length - 2);
    lines.push(
      "",
      "Output (2 shows it all):",
      ...output.slice(-fits).map((l) => fitLine(`  ${l}`, width)),
    );
  }
  return lines;
}

/** The tab's lines from its highlighted one on, wrapped in plain text, cut otherwise. */
function scrolled(run: RunModel, width: number, height: number, color: boolean): string[] {
  const all = tabLines(run);
  // Keep the highlighted line in view, a few lines of context above it.
  const first = Math.max(0, Math.min(run.scroll - Math.floor(height / 3), all.length - height));
  const out: string[] = [];
  for (let i = first; i < all.length && out.length < height; i++) {
    const line = all[i];
    const pieces = run.plain ? wrapLine(line, width) : [fitLine(line, width)];
    for (const piece of pieces) {
      if (out.length >= height) break;
      if (i === run.scroll && run.focus === "tab") out.push(highlight(piece, width));
      else out.push(paint(piece, lineStyle(run.tab, line), color));
    }
  }
  return out;
}

function lineStyle(tab: Tab, line: string): "green" | "red" | "dim" | undefined {
  if (tab === "history" && line.startsWith(BEST_MARK)) return "green";
  if (tab === "errors") return /^\S/.test(line) ? "red" : undefined;
  if (tab === "summary" && /^\s+at /.test(line)) return "dim";
  return undefined;
}
