import type { GraphEvent } from "../../graph/experiment_graph.ts";
import { logLine, renderProgress } from "./render.ts";
import { applyEvent, endProgress, initialProgress, type ProgressState } from "./state.ts";
import { concatBytes } from "../../bytes.ts";
import { afterMs } from "../../one_shot_timer.ts";

/** How progress is shown: a live block on a terminal, log lines, or nothing. */
export type ProgressMode = "live" | "lines" | "quiet";

const encoder = new TextEncoder();
/** Redraws per second at most. */
const REDRAW_MS = 100;
const NEWLINE = 0x0a;
/** Longest unfinished output line held back, bytes. */
const PARTIAL_MAX = 4096;

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
  /** Cancels the scheduled redraw (see `one_shot_timer.ts` for why not `setTimeout`). */
  #cancelRedraw: (() => void) | undefined;
  /** Output after its last line end, not shown yet. */
  #partial: Uint8Array = new Uint8Array();

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

  /**
   * Prints what experiment code wrote above the live block: the block is
   * erased, the output written and the block drawn again in one write, so
   * it never disappears. Output is passed on by whole lines (an unfinished
   * line waits for its end, up to 4 KiB, or for {@linkcode close}).
   */
  output(bytes: Uint8Array): void {
    if (this.#mode !== "live") return void this.#writeBytes(bytes);
    const text = concatBytes(this.#partial, bytes);
    const end = text.lastIndexOf(NEWLINE) + 1;
    const flush = end > 0 ? end : text.length >= PARTIAL_MAX ? text.length : 0;
    this.#partial = text.slice(flush);
    if (flush === 0) return;
    const lineEnd = flush === end ? new Uint8Array() : encoder.encode("\n");
    this.#draw(concatBytes(text.subarray(0, flush), lineEnd));
  }

  /** Draws the final state (live mode) and stops redrawing. */
  close(): void {
    this.#cancelRedraw?.();
    this.#cancelRedraw = undefined;
    this.#state = endProgress(this.#state);
    if (this.#mode !== "live") return;
    // Flushing an unfinished line draws the block after it.
    if (this.#partial.length > 0) return this.output(encoder.encode("\n"));
    this.#draw();
  }

  #schedule(): void {
    this.#cancelRedraw ??= afterMs(REDRAW_MS, () => {
      this.#cancelRedraw = undefined;
      this.#draw();
    });
  }

  /** Erases the block, writes `above` (experiment output) and draws the block again, in one write. */
  #draw(above: Uint8Array = new Uint8Array()): void {
    const erase = this.#erase();
    const lines = renderProgress(this.#state, this.#columns());
    this.#drawn = lines.length;
    const block = lines.length > 0 ? `${lines.join("\n")}\n` : "";
    if (erase === "" && block === "" && above.length === 0) return;
    this.#writeBytes(concatBytes(encoder.encode(erase), above, encoder.encode(block)));
  }

  /** The sequence erasing the block drawn last: cursor up to its first line, erase to the end of the screen. */
  #erase(): string {
    const erase = this.#drawn > 0 ? `\x1b[${this.#drawn}F\x1b[J` : "";
    this.#drawn = 0;
    return erase;
  }

  #write(text: string): void {
    this.#writeBytes(encoder.encode(text));
  }

  #writeBytes(bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length) written += this.#out.writeSync(bytes.subarray(written));
  }
}
