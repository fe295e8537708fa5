import { CrystallizeError } from "../../errors.ts";
import { encodeFrame, FrameReader } from "./frames.ts";
import type { FromWorker, ToWorker } from "./messages.ts";

const STDERR_TAIL = 4096;

/**
 * The Deno executable to start workers with: this process's own, or `deno`
 * from PATH when only that is allowed. Throws a `CrystallizeError` saying
 * which `--allow-run` to add when neither may be run.
 *
 * @example
 * ```ts
 * denoExecutable(); // "/usr/bin/deno"
 * ```
 */
export function denoExecutable(): string {
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

/** What a worker process reports to its pool. */
export interface WorkerProcessEvents {
  /** A protocol message. */
  readonly message: (worker: WorkerProcess, message: FromWorker) => void;
  /** The process ended (for any reason). */
  readonly exit: (worker: WorkerProcess, status: Deno.CommandStatus) => void;
}

/**
 * One worker: a `deno run` child process running the worker host with
 * scoped permissions, spoken to through frames on stdin/stdout. Killing it
 * always stops it, even inside `while (true) {}`, and its memory is its own:
 * an out-of-memory crash takes down only this process.
 *
 * @example
 * ```ts
 * const worker = new WorkerProcess(1, ["--no-prompt", "--allow-read=/exp"], workerEntry(spec), events);
 * worker.send({ type: "init", spec });
 * ```
 */
export class WorkerProcess {
  /** Pool-unique id. */
  readonly id: number;
  /** Replicates sent and not yet reported, in run order. */
  readonly assigned: number[] = [];
  /** When the replicate at the head of `assigned` started (ms, performance clock). */
  currentSince = 0;
  /** Whether the worker answered `ready`. */
  ready = false;
  /** Set when the pool killed the worker on purpose, with the reason. */
  killedBecause: string | undefined;
  /** The last crash report the worker sent, if any. */
  crash: FromWorker & { type: "crash" } | undefined;
  /** The end of what the worker wrote to stderr (for crash messages). */
  stderrTail = "";
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #closed = false;

  /** Spawns the worker: `deno run <flags> <entry>` (see `workerEntry`). */
  constructor(id: number, flags: readonly string[], entry: string, events: WorkerProcessEvents) {
    this.id = id;
    this.#child = new Deno.Command(denoExecutable(), {
      args: ["run", "--quiet", ...flags, entry],
      // Plain text in deno's own error reports, which end up in crash messages.
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    const stdout = this.#pumpStdout(events);
    const stderr = this.#pumpStderr();
    Promise.all([this.#child.status, stdout, stderr]).then(([status]) => {
      this.#closed = true;
      events.exit(this, status);
    });
  }

  /** Sends a message; ignored once the process is gone. */
  send(message: ToWorker): void {
    if (this.#closed) return;
    this.#stdin.write(encodeFrame(message)).catch(() => {});
  }

  /** Closes stdin: the worker finishes what it has and exits. */
  close(): void {
    if (this.#closed) return;
    this.#stdin.close().catch(() => {});
  }

  /** Stops the process at once (SIGKILL), recording why. */
  kill(reason: string): void {
    this.killedBecause ??= reason;
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
  }

  async #pumpStdout(events: WorkerProcessEvents): Promise<void> {
    const reader = new FrameReader();
    for await (const chunk of this.#child.stdout) {
      const { frames, output } = reader.push(chunk);
      for (const bytes of output) await Deno.stdout.write(bytes);
      for (const frame of frames) {
        const message = frame as FromWorker;
        if (message.type === "crash") this.crash = message;
        events.message(this, message);
      }
    }
    const rest = reader.flush();
    if (rest.length > 0) await Deno.stdout.write(rest);
  }

  async #pumpStderr(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.#child.stderr) {
      await Deno.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + decoder.decode(chunk, { stream: true })).slice(
        -STDERR_TAIL,
      );
    }
  }
}
