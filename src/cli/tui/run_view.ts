import { entryLine } from "../commands/list.ts";
import { cachingOn, EXECUTORS, type RunModel, type RunStatus } from "./model.ts";
import { tabBar, tabContent } from "./tabs_view.ts";
import { detailLines, treeLines } from "./tree_view.ts";
import { fitLine, highlight, keyHelp } from "./text.ts";
import { REDIS_KEYS, redisLines } from "./queue_choice.ts";

/** Columns from which the tree and the tabs stand side by side. */
export const SIDE_BY_SIDE = 72;

/** Key help of the run screen, most important first (as many as fit are shown). */
export const RUN_KEYS = [
  "r run",
  "c cancel",
  "l cache",
  "x treatments",
  "p exec",
  "1-5 tabs",
  "e edit",
  "g config",
  "t plain",
  "←/→ pane",
  "s summary",
  "esc back",
  "q quit",
] as const;
/** Key help of the open treatment picker. */
export const PICKER_KEYS = ["↑/↓ move", "space or x toggle", "esc close"] as const;
/** Key help of the open execution picker. */
export const EXECUTION_KEYS = ["↑/↓ move", "enter choose", "esc close"] as const;

const STATUS: Readonly<Record<RunStatus, string>> = {
  idle: "ready",
  running: "running",
  cancelling: "cancelling…",
  finished: "finished",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * The run screen: the experiment, its status, strategy (resume with caching
 * on, rerun off), executor and treatments; then the tree of the
 * experiments it runs with their steps and the details of the highlighted
 * row, next to the tabs (below them when narrower than
 * {@linkcode SIDE_BY_SIDE} columns); a picker when one is open; a notice
 * and the key help. Exactly `height` lines of at most `width` columns. Pure.
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
export function renderRun(run: RunModel, width: number, height: number, color = false): string[] {
  const rule = "─".repeat(width);
  const head = [
    fitLine(entryLine(run.entry), width),
    fitLine(
      [
        `status: ${run.ready ? STATUS[run.status] : "loading…"}`,
        `strategy ${cachingOn(run) ? "resume" : "rerun"}`,
        `executor ${run.executor === "queue" ? `queue at ${run.redis}` : run.executor ?? "own"}`,
        `treatments: ${treatmentsLine(run)}`,
      ].join(" · "),
      width,
    ),
    rule,
  ];
  const foot = [rule, fitLine(run.notice ?? "", width), keyHelp(footKeys(run), width)];
  const room = Math.max(1, height - head.length - foot.length);
  const body = width >= SIDE_BY_SIDE
    ? sideBySide(run, width, room, color)
    : stacked(run, width, room, color);
  return [...head, ...body, ...foot].slice(0, height);
}

function sideBySide(run: RunModel, width: number, room: number, color: boolean): string[] {
  const left = Math.min(36, Math.floor(width * 0.4));
  const right = width - left - 1;
  const details = detailLines(run, left);
  const treeRoom = Math.max(1, room - Math.min(details.length + 1, Math.floor(room / 2)));
  const tree = treeLines(run, left, treeRoom, color);
  const pane = [...tree];
  while (pane.length < treeRoom) pane.push("");
  pane.push(...[fitLine("", left), ...details].slice(0, room - treeRoom));
  const tabs = [tabBar(run, right), ...rightPane(run, right, room - 1, color)];
  return Array.from(
    { length: room },
    (_, i) => `${fitLine(pane[i] ?? "", left, true)}│${tabs[i] ?? ""}`,
  );
}

function stacked(run: RunModel, width: number, room: number, color: boolean): string[] {
  const treeRoom = Math.max(
    1,
    Math.min(treeLines(run, width, room, color).length, Math.floor(room / 3)),
  );
  return [
    ...padded(treeLines(run, width, treeRoom, color), treeRoom),
    tabBar(run, width),
    ...rightPane(run, width, room - treeRoom - 1, color),
  ].slice(0, room);
}

function padded(lines: string[], height: number): string[] {
  while (lines.length < height) lines.push("");
  return lines;
}

function rightPane(run: RunModel, width: number, height: number, color: boolean): string[] {
  if (run.picker === undefined) return tabContent(run, width, height, color);
  const lines = run.picker.kind === "redis"
    ? redisLines(run.picker, width)
    : run.picker.kind === "treatments"
    ? pickerLines(run, run.picker.cursor, width)
    : executionLines(run, run.picker.cursor, width);
  return padded(lines.slice(0, height), height);
}

function footKeys(run: RunModel): readonly string[] {
  if (run.picker?.kind === "treatments") return PICKER_KEYS;
  if (run.picker?.kind === "execution") return EXECUTION_KEYS;
  if (run.picker?.kind === "redis") return REDIS_KEYS;
  // The summary tab writes its run as an HTML report.
  return run.tab === "summary" ? ["h html report", ...RUN_KEYS] : RUN_KEYS;
}

function treatmentsLine(run: RunModel): string {
  if (run.treatments === undefined) return "as the experiment defines them";
  if (run.treatments.length === 0) return "none (baseline only)";
  const inactive = new Set(run.choices.inactiveTreatments);
  return run.treatments.map((t) => `${t} ${inactive.has(t) ? "off" : "on"}`).join(", ");
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

function executionLines(run: RunModel, cursor: number, width: number): string[] {
  const url = run.redis ?? run.queueUrls[0];
  const options = [
    "the experiment's own (its plugins)",
    ...EXECUTORS.map((e) =>
      e === "queue" && url !== undefined ? `queue: workers via Redis at ${url}` : EXPLAINED[e]
    ),
  ];
  const chosen = run.executor === undefined ? 0 : EXECUTORS.indexOf(run.executor) + 1;
  return [
    fitLine("How replicates run (every experiment of a graph; this session):", width),
    ...options.map((option, i) => {
      const line = `${i === cursor ? "›" : " "} (${i === chosen ? "•" : " "}) ${option}`;
      return i === cursor ? highlight(line, width) : fitLine(line, width);
    }),
  ];
}

const EXPLAINED: Readonly<Record<(typeof EXECUTORS)[number], string>> = {
  serial: "serial: one after another",
  async: "async: concurrently, awaiting async steps",
  thread: "thread: bounded concurrency in one process",
  process: "process: a pool of worker processes (CPU-bound steps)",
  queue: "queue: crystallize workers, via Redis",
};
