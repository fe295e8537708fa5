import type { GraphEvent } from "../../graph/experiment_graph.ts";
import { completion, etaMs, type ProgressState, reusedCount } from "./state.ts";

const BAR = 20;

/**
 * A duration: seconds with a decimal below a minute, else `m:ss` (or
 * `h:mm:ss`); `--` when unknown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./render.ts";
 *
 * assert.equal(formatDuration(4_230), "4.2s");
 * assert.equal(formatDuration(65_000), "1:05");
 * ```
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "--";
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function bar(done: number, total: number): string {
  const filled = total === 0 ? 0 : Math.min(BAR, Math.floor((done / total) * BAR));
  return `[${"#".repeat(filled)}${"-".repeat(BAR - filled)}]`;
}

function fit(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * The live progress block of a run on a terminal: one line for the run
 * (replicates done, ETA from the moving average, failures), one per
 * condition with a bar, one per step with its state and cache hits, and the
 * last failure. Pure: state and width in, lines out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyEvent, initialProgress } from "./state.ts";
 * import { renderProgress } from "./render.ts";
 *
 * const state = applyEvent(initialProgress(0), {
 *   type: "run-started", experiment: "scaling_demo", runId: "r", replicates: 32,
 *   conditions: ["baseline", "boost"], strategy: "serial",
 * }, 0);
 * const lines = renderProgress(state, 80);
 * assert.match(lines[0], /^scaling_demo · serial · 0\/64 replicates/);
 * assert.match(lines[1], /baseline +\[-+\] +0\/32/);
 * ```
 */
export function renderProgress(state: ProgressState, width: number): string[] {
  const graph = Object.entries(state.nodes);
  const nodes = graph.length === 0
    ? []
    : [`graph: ${graph.map(([name, status]) => `${name} ${status}`).join(" · ")}`];
  if (state.experiment === "") return nodes.map((l) => fit(l, width));
  const { done, total } = completion(state);
  const reused = reusedCount(state);
  const head = [
    state.experiment,
    state.strategy,
    `${done}/${total} replicates${
      reused > 0 ? ` (${reused} reused from v${state.resumedFrom})` : ""
    }`,
    runStatus(state),
  ];
  if (state.errors > 0) head.push(`${state.errors} failed`);
  if (state.cancelled > 0) head.push(`${state.cancelled} cancelled`);
  const lines = [...nodes, head.join(" · ")];
  const nameWidth = Math.max(...state.conditions.map((c) => c.length), 8);
  for (const condition of state.conditions) {
    const c = state.perCondition[condition] ?? { done: 0, failed: 0, reused: 0, cancelled: 0 };
    const notes = [
      c.reused > 0 ? `${c.reused} reused` : "",
      c.failed > 0 ? `${c.failed} failed` : "",
      c.cancelled > 0 ? `${c.cancelled} cancelled` : "",
    ].filter((n) => n !== "");
    lines.push(
      `  ${condition.padEnd(nameWidth)} ${bar(c.done, state.replicates)} ${
        String(c.done).padStart(String(state.replicates).length)
      }/${state.replicates}${notes.length > 0 ? `  ${notes.join(", ")}` : ""}`,
    );
  }
  if (state.steps.length > 0) {
    lines.push(
      `  steps: ${
        state.steps.map((s) => {
          const mark = s.running > 0
            ? `running ${s.running}`
            : s.done > 0
            ? "idle"
            : s.failed > 0
            ? "failed"
            : "pending";
          const hits = s.cacheHits > 0 ? `, ${s.cacheHits} cached` : "";
          const failed = s.failed > 0 ? `, ${s.failed} failed` : "";
          return `${s.name} (${mark}, ${s.done} done${hits}${failed})`;
        }).join(" · ")
      }`,
    );
  }
  if (state.lastError !== undefined) lines.push(`  last failure: ${state.lastError}`);
  return lines.map((l) => fit(l, width));
}

/** Where the run stands: its ETA while it runs, else how it ended. */
function runStatus(state: ProgressState): string {
  if (state.finished) return `done in ${formatDuration(state.durationMs)}`;
  if (state.ended === "cancelled") return `cancelled after ${formatDuration(state.durationMs)}`;
  if (state.ended === "stopped") return "stopped";
  return `ETA ${formatDuration(etaMs(state))}`;
}

/**
 * The plain log line (no terminal control) an event gives when output is
 * not a terminal, or `undefined` for events that print nothing: the run's
 * start, each failure, every 10% of the replicates, and the end.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyEvent, initialProgress } from "./state.ts";
 * import { logLine } from "./render.ts";
 *
 * const before = initialProgress(0);
 * const event = {
 *   type: "run-started" as const, experiment: "scaling_demo", runId: "r", replicates: 2,
 *   conditions: ["baseline"], strategy: "serial",
 * };
 * const after = applyEvent(before, event, 0);
 * assert.match(logLine(before, after, event) ?? "", /scaling_demo/); // a line at start, failures, every 10 %
 * ```
 */
export function logLine(
  before: ProgressState,
  after: ProgressState,
  event: GraphEvent,
): string | undefined {
  const tag = `[${event.experiment}]`;
  switch (event.type) {
    case "experiment-started":
    case "experiment-skipped":
    case "experiment-finished":
      return `${tag} ${event.type.slice("experiment-".length)}`;
    case "experiment-failed":
      return `${tag} failed: ${event.message ?? "unknown error"}`;
    case "run-started": {
      const reused = reusedCount(after);
      const total = event.replicates * event.conditions.length;
      return `${tag} started: ${plural(event.replicates, "replicate")} × ${
        plural(event.conditions.length, "condition")
      } (${event.conditions.join(", ")}), ${event.strategy}${
        event.resumedFrom === undefined
          ? ""
          : `; resuming v${event.resumedFrom}: ${reused} of ${total} replicates reused`
      }`;
    }
    case "run-cancelled":
      return `${tag} cancelled after ${(event.durationMs / 1000).toFixed(1)}s: ${
        plural(event.finished, "replicate")
      } finished${event.cancelled > 0 ? `, ${event.cancelled} stopped while running` : ""}`;
    case "error":
      return `${tag} replicate ${event.replicate} of '${event.condition}' failed in ${event.step}: ${event.message}`;
    case "replicate-finished": {
      const { done, total } = completion(after);
      const step = (n: number) => Math.floor((n * 10) / Math.max(total, 1));
      if (step(done) === step(completion(before).done) || done === total) return undefined;
      return `${tag} ${step(done) * 10}% (${done}/${total} replicates), ETA ${
        formatDuration(etaMs(after))
      }`;
    }
    case "run-finished":
      return `${tag} finished in ${
        (event.durationMs / 1000).toFixed(1)
      }s: ${event.replicates} replicates, ${event.errors} failed`;
    default:
      return undefined;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
