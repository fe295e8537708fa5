/**
 * The terminal under the UI: raw mode, the alternate screen, the hidden
 * cursor, full-screen redraws and key input. The only part of the UI that
 * touches the terminal.
 * @module
 */
import { type Key, parseKeys } from "./keys.ts";

const encoder = new TextEncoder();

/** Enter the alternate screen, hide the cursor. */
const ENTER = "\x1b[?1049h\x1b[?25l";
/** Show the cursor, leave the alternate screen (the shell's screen comes back). */
const LEAVE = "\x1b[?25h\x1b[?1049l";

/** Signals that end the UI the way `q` does (a running run is cancelled first). */
const STOP_SIGNALS: readonly Deno.Signal[] = ["SIGTERM", "SIGHUP"];

/** Mouse reports on and off: button events (the wheel), in SGR encoding. */
const MOUSE = ["\x1b[?1000h\x1b[?1006h", "\x1b[?1000l\x1b[?1006l"] as const;

/** Device status report: the terminal answers with the cursor position (`ESC [ row ; col R`). */
const ASK_POSITION = "\x1b[6n";
/** How long a pending read may wait for the terminal's answer before the child starts anyway. */
const ANSWER_MS = 1000;

/** Width and height used when the terminal does not report its size (some pseudo-terminals report 0). */
const FALLBACK = { columns: 100, rows: 30 } as const;

/** A terminal taken over by the UI. */
export interface Terminal {
  /** Columns and rows. */
  size(): { columns: number; rows: number };
  /** Replaces the screen with `lines` (no more than `rows`). */
  draw(lines: readonly string[]): void;
  /** Calls `onKeys` with each chunk of key presses until {@linkcode Terminal.restore}. */
  readKeys(onKeys: (keys: Key[]) => void): void;
  /** Calls `onResize` when the terminal is resized. */
  onResize(onResize: () => void): void;
  /** Calls `onStop` when the process is asked to stop (SIGTERM) or the terminal goes away (SIGHUP). */
  onStop(onStop: () => void): void;
  /**
   * Hands the terminal to `use` (an editor): stops reading keys, leaves raw
   * mode and the alternate screen, and takes the terminal back when `use`
   * settles. Call it synchronously from a key's handling (no read is pending
   * then); otherwise the pending read is ended by asking the terminal for the
   * cursor position, whose answer it takes, so the child gets every key typed.
   */
  suspend<T>(use: () => Promise<T>): Promise<T>;
  /** Asks the terminal to report the mouse wheel (SGR mode), or to stop. */
  setMouse(on: boolean): void;
  /** Leaves raw mode and the alternate screen and shows the cursor again. Idempotent. */
  restore(): void;
}

/**
 * Takes over the terminal on standard input and output: raw mode (keys
 * arrive one by one, Ctrl-C as a key), the alternate screen, hidden cursor.
 * Call `restore()` when done, also on errors.
 *
 * @example
 * ```ts ignore
 * // Not run: it switches this process's terminal to raw mode and the alternate screen.
 * import { openTerminal } from "./terminal.ts";
 *
 * const terminal = openTerminal();
 * try {
 *   terminal.draw(["hello"]);
 * } finally {
 *   terminal.restore();
 * }
 * ```
 */
export function openTerminal(): Terminal {
  return new RawTerminal();
}

/** The terminal of this process, taken over; see {@linkcode openTerminal}. */
class RawTerminal implements Terminal {
  #open = true;
  /** Whether a read of standard input is pending (it would take the next keys typed). */
  #reading = false;
  /** Set while the terminal is handed to a child: the read loop waits for it. */
  #suspended: PromiseWithResolvers<void> | undefined;
  /** Resolved when a pending read returns while suspended. */
  #drained: PromiseWithResolvers<void> | undefined;
  #mouse = false;
  #resize: (() => void) | undefined;
  #stop: (() => void) | undefined;
  readonly #onWinch = () => this.#resize?.();
  readonly #onStop = () => this.#stop?.();

  constructor() {
    Deno.stdin.setRaw(true);
    write(ENTER);
    Deno.addSignalListener("SIGWINCH", this.#onWinch);
    for (const signal of STOP_SIGNALS) Deno.addSignalListener(signal, this.#onStop);
  }

  size(): { columns: number; rows: number } {
    try {
      const { columns, rows } = Deno.consoleSize();
      return columns >= 20 && rows >= 5 ? { columns, rows } : { ...FALLBACK };
    } catch {
      return { ...FALLBACK };
    }
  }

  draw(lines: readonly string[]): void {
    if (!this.#open) return;
    // Home, each line then erase its rest, erase below: no flicker from clearing first.
    write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join("\r\n")}\x1b[J`);
  }

  readKeys(onKeys: (keys: Key[]) => void): void {
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(1024);
    (async () => {
      while (this.#open) {
        if (this.#suspended !== undefined) await this.#suspended.promise;
        this.#reading = true;
        const n = await Deno.stdin.read(buffer).catch(() => null);
        this.#reading = false;
        if (this.#drained !== undefined) {
          // The terminal's answer (or a key typed as the child starts): the child's, not ours.
          this.#drained.resolve();
          continue;
        }
        if (n === null) return onKeys(["ctrl-d"]);
        if (this.#open) onKeys(parseKeys(decoder.decode(buffer.subarray(0, n), { stream: true })));
      }
    })();
  }

  onResize(onResize: () => void): void {
    this.#resize = onResize;
  }

  onStop(onStop: () => void): void {
    this.#stop = onStop;
  }

  async suspend<T>(use: () => Promise<T>): Promise<T> {
    this.#suspended = Promise.withResolvers();
    if (this.#reading) await this.#drainPendingRead();
    write(this.#mouse ? MOUSE[1] + LEAVE : LEAVE);
    setRaw(false);
    try {
      return await use();
    } finally {
      setRaw(true);
      write(this.#mouse ? ENTER + MOUSE[0] : ENTER);
      const resumed = this.#suspended;
      this.#suspended = undefined;
      resumed.resolve();
    }
  }

  /** Ends a pending read by asking the terminal for the cursor position (its answer ends it). */
  async #drainPendingRead(): Promise<void> {
    this.#drained = Promise.withResolvers();
    write(ASK_POSITION);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#drained.promise,
      new Promise((resolve) => timer = setTimeout(resolve, ANSWER_MS)),
    ]);
    clearTimeout(timer);
    this.#drained = undefined;
  }

  setMouse(on: boolean): void {
    this.#mouse = on;
    write(on ? MOUSE[0] : MOUSE[1]);
  }

  restore(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#mouse) write(MOUSE[1]);
    Deno.removeSignalListener("SIGWINCH", this.#onWinch);
    for (const signal of STOP_SIGNALS) Deno.removeSignalListener(signal, this.#onStop);
    write(LEAVE);
    setRaw(false);
    this.#suspended?.resolve();
  }
}

function setRaw(raw: boolean): void {
  try {
    Deno.stdin.setRaw(raw);
  } catch {
    // The terminal is gone (SIGHUP): nothing to restore.
  }
}

function write(text: string): void {
  const bytes = encoder.encode(text);
  try {
    let written = 0;
    while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
  } catch {
    // The terminal is gone (closed window, SIGHUP): the UI still cancels its run and ends.
  }
}
