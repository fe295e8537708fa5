import type { GraphEvent } from "../../experiment/experiment_graph.ts";
import { logLine, renderProgress } from "./render.ts";
import { applyEvent, initialProgress, type ProgressState } from "./state.ts";

/** How progress is shown: a live block on a terminal, log lines, or nothing. */
export type ProgressMode = "live" | "lines" | "quiet";

const encoder = new TextEncoder();
/** Redraws per second at most. */
const REDRAW_MS = 100;

/**
 * Shows a run's progress on standard error. In `"live"` mode (a terminal)
 * it redraws a block of lines in place (at most ten times a second), and
 * output of experiment code is printed above it; in `"lines"` mode it
 * prints plain log lines; in `"quiet"` mode only experiment output passes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProgressDisplay } from "./display.ts";
 *
 * const display = new ProgressDisplay("quiet"); // "live" on a terminal, "lines" otherwise
 * display.events([{ type: "run-started", experiment: "x", runId: "r", replicates: 2, conditions: ["baseline"], strategy: "serial" }]);
 * display.close();
 * assert.ok(display);
 * ```
 */
export class ProgressDisplay {
  readonly #mode: ProgressMode;
  readonly #out: { writeSync(p: Uint8Array): number };
  readonly #columns: () => number;
  #state: ProgressState = initialProgress(performance.now());
  #drawn = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** A display writing to `out` (default: standard error). */
  constructor(
    mode: ProgressMode,
    out: { writeSync(p: Uint8Array): number } = Deno.stderr,
  ) {
    this.#mode = mode;
    this.#out = out;
    this.#columns = () => {
      try {
        // A pseudo-terminal may report 0 columns: fall back to a usual width.
        const { columns } = Deno.consoleSize();
        return columns >= 20 ? columns : 100;
      } catch {
        return 100;
      }
    };
  }

  /** The current state. */
  get state(): ProgressState {
    return this.#state;
  }

  /** Takes in a batch of events. */
  events(events: readonly GraphEvent[]): void {
    for (const event of events) {
      const before = this.#state;
      this.#state = applyEvent(before, event, performance.now());
      if (this.#mode === "lines") {
        const line = logLine(before, this.#state, event);
        if (line !== undefined) this.#write(`${line}\n`);
      }
    }
    if (this.#mode === "live") this.#schedule();
  }

  /** Prints what experiment code wrote, above the live block. */
  output(bytes: Uint8Array): void {
    if (this.#mode !== "live") return void this.#writeBytes(bytes);
    this.#clear();
    this.#writeBytes(bytes);
    this.#schedule();
  }

  /** Draws the final state (live mode) and stops redrawing. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#mode === "live") this.#draw();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#draw();
    }, REDRAW_MS);
  }

  #draw(): void {
    this.#clear();
    const lines = renderProgress(this.#state, this.#columns());
    if (lines.length > 0) this.#write(`${lines.join("\n")}\n`);
    this.#drawn = lines.length;
  }

  #clear(): void {
    // Cursor up to the block's first line, then erase to the end of the screen.
    if (this.#drawn > 0) this.#write(`\x1b[${this.#drawn}F\x1b[J`);
    this.#drawn = 0;
  }

  #write(text: string): void {
    this.#writeBytes(encoder.encode(text));
  }

  #writeBytes(bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length) written += this.#out.writeSync(bytes.subarray(written));
  }
}
