import { CrystallizeError } from "../../errors.ts";
import { encodeFrame, FrameReader } from "./frames.ts";
import type { FromWorker, ToWorker, WorkerSpec } from "./messages.ts";

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

/** What a worker process reports to whoever is using it (a run, or the pool while it idles). */
export interface WorkerProcessEvents {
  /** A protocol message. */
  readonly message: (worker: WorkerProcess, message: FromWorker) => void;
  /** The process ended (for any reason). */
  readonly exit: (worker: WorkerProcess, status: Deno.CommandStatus) => void;
}

/** How a worker process is started: the same launch means the same modules and permissions. */
export interface WorkerLaunch {
  /** The entry module (see `workerEntry`). */
  readonly entry: string;
  /** Flags for `deno run` (permissions, config, V8 flags). */
  readonly flags: readonly string[];
}

/**
 * One worker: a `deno run` child process running the worker host with
 * scoped permissions, spoken to through frames on stdin/stdout. Killing it
 * always stops it, even inside `while (true) {}`, and its memory is its own:
 * an out-of-memory crash takes down only this process. A worker can serve
 * several runs one after another (each starts with an `init`); `events`
 * routes what it reports to its current user.
 *
 * @example
 * ```ts
 * const worker = new WorkerProcess(1, { entry: workerEntry(spec), flags: ["--no-prompt"] }, events);
 * worker.send({ type: "init", spec });
 * ```
 */
export class WorkerProcess {
  /** Pool-unique id. */
  readonly id: number;
  /** How it was started. */
  readonly launch: WorkerLaunch;
  /** Resolves with the exit status once the process has ended and its output is drained. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Where messages and the exit go: the run using the worker, or the pool while it idles. */
  events: WorkerProcessEvents;
  /** Replicates sent and not yet reported, in run order. */
  readonly assigned: number[] = [];
  /** When the replicate at the head of `assigned` started (ms, performance clock). */
  currentSince = 0;
  /** Whether the worker answered `ready` to the last `init`. */
  ready = false;
  /** Whether the worker has ever answered `ready`: its modules are loaded, so an `init` is quick. */
  loaded = false;
  /** Set when the pool killed the worker on purpose, with the reason. */
  killedBecause: string | undefined;
  /** The last crash report the worker sent, if any. */
  crash: FromWorker & { type: "crash" } | undefined;
  /** The end of what the worker wrote to stderr (for crash messages). */
  stderrTail = "";
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #closed = false;
  #stdinClosed = false;
  #initsPending = 0;

  /** Spawns the worker: `deno run <flags> <entry>`. */
  constructor(id: number, launch: WorkerLaunch, events: WorkerProcessEvents) {
    this.id = id;
    this.launch = launch;
    this.events = events;
    this.#child = new Deno.Command(denoExecutable(), {
      args: ["run", "--quiet", ...launch.flags, launch.entry],
      // Plain text in deno's own error reports, which end up in crash messages.
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#child.stdin.getWriter();
    const stdout = this.#pumpStdout();
    const stderr = this.#pumpStderr();
    this.exited = Promise.all([this.#child.status, stdout, stderr]).then(([status]) => {
      this.#closed = true;
      this.events.exit(this, status);
      return status;
    });
  }

  /** The operating system's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** Whether stdin is still open (the worker may be given more work). */
  get open(): boolean {
    return !this.#closed && !this.#stdinClosed;
  }

  /** Sends a message; ignored once stdin is closed or the process is gone. */
  send(message: ToWorker): void {
    if (!this.open) return;
    this.#stdin.write(encodeFrame(message)).catch(() => {});
  }

  /**
   * Starts a run on this worker: sends `init` with the run's spec. The
   * worker is `ready` again once it has answered every `init` it was sent
   * (an answer to an earlier one is not passed on), and the stderr kept for
   * crash messages restarts, so a later run never sees an earlier one's state.
   */
  init(spec: WorkerSpec): void {
    this.ready = false;
    this.#initsPending++;
    this.stderrTail = "";
    this.send({ type: "init", spec });
  }

  /** Closes stdin: the worker finishes what it has and exits. */
  close(): void {
    if (this.#closed || this.#stdinClosed) return;
    this.#stdinClosed = true;
    this.#stdin.close().catch(() => {});
  }

  /**
   * Lets this process end without waiting for the worker (while it idles in
   * a pool): the pipes and the exit status stop holding the event loop open.
   * If the program ends, the worker sees stdin close and exits too.
   */
  unref(): void {
    this.#child.unref();
  }

  /** Undoes {@linkcode unref}: the program waits for the worker again. */
  ref(): void {
    this.#child.ref();
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

  async #pumpStdout(): Promise<void> {
    const reader = new FrameReader();
    for await (const chunk of this.#child.stdout) {
      const { frames, output } = reader.push(chunk);
      for (const bytes of output) await Deno.stdout.write(bytes);
      for (const frame of frames) {
        const message = frame as FromWorker;
        if (message.type === "crash") this.crash = message;
        if (message.type === "ready") {
          if (--this.#initsPending > 0) continue;
          this.ready = true;
          this.loaded = true;
        }
        this.events.message(this, message);
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
