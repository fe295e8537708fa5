import { renderProgress } from "../progress/render.ts";
import { entryLine } from "../commands/list.ts";
import { cachingOn, type RunModel, type RunStatus } from "./model.ts";
import { fitLine, highlight, plainText } from "./text.ts";

const ACTIONS = "r run · c cancel · l caching · x treatments";
const LEAVE = "esc back · q quit";
/** Key help of the run screen's progress tab. */
export const RUN_KEYS = `${ACTIONS} · s summary · ${LEAVE}`;
/** Key help of the run screen's summary tab: `s` goes back to the progress (listed once). */
export const SUMMARY_KEYS = `↑/↓ scroll · h html report · s progress · ${ACTIONS} · ${LEAVE}`;
/** Key help of the open treatment picker. */
export const PICKER_KEYS = "↑/↓ move · space or x toggle · esc close";

const STATUS: Readonly<Record<RunStatus, string>> = {
  idle: "ready",
  running: "running",
  cancelling: "cancelling…",
  finished: "finished",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * The run screen: the experiment, its caching and treatment choices and the
 * run's status; then the open tab — live progress (replicates per
 * condition, ETA, step states and cache hits, reusing the `run` command's
 * progress block) with the end of the experiment's output, the stored
 * run's summary, or the treatment picker; then a notice and the key help.
 * Exactly `height` lines of at most `width` columns. Pure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { openRun } from "./model.ts";
 * import { renderRun } from "./run_view.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "Does adding delta raise the total?",
 * };
 * const lines = renderRun(openRun(entry), 80, 24);
 * assert.match(lines[0], /^🧪 experiments\/demo {2}demo · 10 replicates/);
 * assert.equal(lines.length, 24);
 * ```
 */
export function renderRun(run: RunModel, width: number, height: number): string[] {
  const rule = "─".repeat(width);
  const head = [
    fitLine(entryLine(run.entry), width),
    fitLine(
      [
        `status: ${run.ready ? STATUS[run.status] : "loading…"}`,
        `caching ${cachingOn(run) ? "on (resume)" : "off (rerun)"}`,
        `treatments: ${treatmentsLine(run)}`,
      ].join(" · "),
      width,
    ),
    rule,
  ];
  const foot = [rule, fitLine(run.notice ?? "", width), fitLine(footKeys(run), width)];
  const room = Math.max(0, height - head.length - foot.length);
  const body = run.picker !== undefined
    ? pickerLines(run, run.picker, width)
    : run.tab === "summary"
    ? summaryLines(run, room, width)
    : progressLines(run, room, width);
  const shown = body.slice(0, room);
  while (shown.length < room) shown.push("");
  return [...head, ...shown, ...foot].slice(0, height);
}

function footKeys(run: RunModel): string {
  if (run.picker !== undefined) return PICKER_KEYS;
  if (run.tab === "summary") return SUMMARY_KEYS;
  return RUN_KEYS;
}

function treatmentsLine(run: RunModel): string {
  if (run.treatments === undefined) return "as the experiment defines them";
  if (run.treatments.length === 0) return "none (baseline only)";
  const inactive = new Set(run.choices.inactiveTreatments);
  return run.treatments.map((t) => `${t} ${inactive.has(t) ? "off" : "on"}`).join(", ");
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
    lines.push("", "Output:", ...output.slice(-fits).map((l) => fitLine(`  ${l}`, width)));
  }
  return lines;
}

function summaryLines(run: RunModel, room: number, width: number): string[] {
  if (run.summary === undefined) return ["Loading the last stored run…"];
  const title = `Summary of the last stored run (lines ${run.scroll + 1}-${
    Math.min(run.summary.length, run.scroll + room - 1)
  } of ${run.summary.length})`;
  return [title, ...run.summary.slice(run.scroll, run.scroll + room - 1)].map((l) =>
    fitLine(l, width)
  );
}

function pickerLines(run: RunModel, cursor: number, width: number): string[] {
  const inactive = new Set(run.choices.inactiveTreatments);
  const saved = run.persisted ? "saved in config.state.json" : "kept for this session";
  const lines = [fitLine(`Treatments (the baseline always runs; ${saved}):`, width)];
  (run.treatments ?? []).forEach((name, i) => {
    const line = `${i === cursor ? "›" : " "} [${inactive.has(name) ? " " : "x"}] ${name}`;
    lines.push(i === cursor ? highlight(line, width) : fitLine(line, width));
  });
  return lines;
}
