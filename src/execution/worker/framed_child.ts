import { CrystallizeError } from "../../errors.ts";
import { configuredDeno } from "../deno_runtime.ts";
import { FRAME_KEY_BYTES, FrameCorruptError, FrameReader, FrameWriter } from "./frames.ts";
import { ProtocolError } from "./message_shapes.ts";

/**
 * The Deno executable to start workers with: `$DENO_BIN` when set (and
 * readable), this process's own, or `deno` from PATH when only that is
 * allowed (always in a compiled binary). Throws a `CrystallizeError` saying
 * which `--allow-run` to add when neither may be run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { denoExecutable } from "./framed_child.ts";
 *
 * // This process's own Deno when it may run it, else `deno` from PATH (--allow-run=deno).
 * assert.ok(denoExecutable() === Deno.execPath() || denoExecutable() === "deno");
 * ```
 */
export function denoExecutable(): string {
  // $DENO_BIN, or in a compiled binary (whose own executable runs no modules) deno from PATH.
  const configured = configuredDeno();
  if (configured !== undefined) return configured;
  const own = Deno.execPath();
  if (Deno.permissions.querySync({ name: "run", command: own }).state === "granted") return own;
  if (Deno.permissions.querySync({ name: "run", command: "deno" }).state === "granted") {
    return "deno";
  }
  throw new CrystallizeError(
    `Process workers are separate Deno processes, and this process may not start them: ` +
      `run it with --allow-run=${own} (or --allow-run=deno when deno is on PATH)`,
  );
}

/** How a framed child process is started, and what its messages are. */
export interface FramedChildLaunch<In> {
  /** `deno run` flags (permissions, config, V8 flags: see `launchFlags`). */
  readonly flags: readonly string[];
  /** The entry module. */
  readonly entry: string;
  /** Environment variables set for it besides `NO_COLOR` (it inherits the others). */
  readonly env?: Readonly<Record<string, string>>;
  /** How much of its stderr to keep in `stderrTail`, characters. */
  readonly stderrTail: number;
  /**
   * A decoded frame as a message of the protocol, checked: the child runs
   * experiment code, so this throws a `ProtocolError` for anything else.
   */
  readonly check: (frame: unknown) => In;
}

/** Where a framed child's messages and other output go. */
export interface FramedChildHandlers<In> {
  /** A message from its stdout (a frame, checked). */
  readonly message: (message: In) => void;
  /** What it wrote outside frames (stdout) or to stderr; awaited, to keep the order. */
  readonly output: (bytes: Uint8Array, stream: "stdout" | "stderr") => void | Promise<void>;
  /**
   * The child broke the protocol (a corrupted sealed frame, or a frame
   * that `check` or `message` refused with a `ProtocolError`): it has been killed, and nothing it sends
   * after is read.
   */
  readonly broken: (reason: string) => void;
}

/**
 * A `deno run --quiet` child process spoken to in frames on stdin/stdout
 * (see `frames.ts`): the one transport of worker processes and of the
 * CLI's sandboxed runner, typed by the protocol it carries (`Out` messages
 * to the child, `In` from it). Each child gets a fresh random frame key as the first
 * bytes on its stdin (read by `parent_channel.ts` before experiment code
 * loads), and only frames sealed with it are taken as messages: whatever
 * else appears on its stdout is output. A child that breaks the protocol is
 * killed (see `FramedChildHandlers.broken`). Deno's own reports are plain text
 * (`NO_COLOR`), and the end of its stderr is kept for error messages.
 * Killing it (SIGKILL) always stops it, even in `while (true) {}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FramedChild } from "./framed_child.ts";
 *
 * const printed: string[] = [];
 * const child = new FramedChild({
 *   flags: ["--no-prompt"],
 *   entry: `data:application/javascript,${encodeURIComponent('console.log("plain output")')}`,
 *   stderrTail: 4096,
 *   check: (frame) => frame, // a real protocol checks the message's shape here
 * }, {
 *   message: () => {}, // only frames sealed with this child's key arrive here
 *   output: (bytes) => void printed.push(new TextDecoder().decode(bytes)),
 *   broken: (reason) => assert.fail(reason),
 * });
 * assert.equal((await child.exited).code, 0);
 * assert.equal(printed.join(""), "plain output\n");
 * ```
 */
export class FramedChild<Out, In> {
  /** Resolves with the exit status once the process has ended and its output is drained. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** The end of what the process wrote to stderr. */
  stderrTail = "";
  readonly #child: Deno.ChildProcess;
  readonly #key = crypto.getRandomValues(new Uint8Array(FRAME_KEY_BYTES));
  readonly #writer = new FrameWriter();
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #handlers: FramedChildHandlers<In>;
  readonly #check: (frame: unknown) => In;
  readonly #tail: number;
  #ended = false;
  #stdinClosed = false;

  /** Spawns `deno run --quiet <flags> <entry>`. */
  constructor(launch: FramedChildLaunch<In>, handlers: FramedChildHandlers<In>) {
    this.#handlers = handlers;
    this.#check = launch.check;
    this.#tail = launch.stderrTail;
    this.#child = new Deno.Command(denoExecutable(), {
      args: ["run", "--quiet", ...launch.flags, launch.entry],
      env: { NO_COLOR: "1", ...launch.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    this.#stdin.write(this.#key).catch(() => {});
    const drained = [this.#child.status, this.#pumpStdout(), this.#pumpStderr()] as const;
    this.exited = Promise.all(drained).then(([status]) => {
      this.#ended = true;
      this.closeStdin();
      return status;
    });
  }

  /** The operating system's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Whether messages can still be sent (the process runs and stdin is open). */
  get open(): boolean {
    return !this.#ended && !this.#stdinClosed;
  }

  /** Sends a message as one frame; ignored once stdin is closed or the process is gone. */
  send(message: Out): void {
    if (!this.open) return;
    this.#stdin.write(this.#writer.encode(message)).catch(() => {});
  }

  /** Closes stdin: a well-behaved child finishes what it has and exits. */
  closeStdin(): void {
    if (this.#stdinClosed) return;
    this.#stdinClosed = true;
    this.#stdin.close().catch(() => {});
  }

  /** Stops the process at once (SIGKILL). */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
  }

  /** Lets the program end without waiting for this process (its pipes stop holding the event loop). */
  unref(): void {
    this.#child.unref();
  }

  /** Undoes {@linkcode FramedChild.unref}. */
  ref(): void {
    this.#child.ref();
  }

  async #pumpStdout(): Promise<void> {
    const reader = new FrameReader(this.#key);
    let broken = false;
    for await (const chunk of this.#child.stdout) {
      if (broken) continue; // drain what the killed child left
      try {
        const { frames, output } = reader.push(chunk);
        for (const bytes of output) await this.#handlers.output(bytes, "stdout");
        for (const frame of frames) this.#handlers.message(this.#check(frame));
      } catch (error) {
        if (!(error instanceof FrameCorruptError || error instanceof ProtocolError)) throw error;
        broken = true;
        this.kill();
        this.#handlers.broken(error.message);
      }
    }
    const rest = reader.flush();
    if (rest.length > 0) await this.#handlers.output(rest, "stdout");
  }

  async #pumpStderr(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.#child.stderr) {
      await this.#handlers.output(chunk, "stderr");
      this.stderrTail = (this.stderrTail + decoder.decode(chunk, { stream: true })).slice(
        -this.#tail,
      );
    }
  }
}
