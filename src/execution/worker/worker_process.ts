import { FramedChild } from "./framed_child.ts";
import { checkFromWorker } from "./message_shapes.ts";
import type { FromWorker, ToWorker, WorkerSpec } from "./messages.ts";

const STDERR_TAIL = 4096;

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
  /** Flags for `deno run` (permissions, config, V8 flags: see `launchFlags`). */
  readonly flags: readonly string[];
  /** Environment variables set for it besides `NO_COLOR` (it inherits the others). */
  readonly env?: Readonly<Record<string, string>>;
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
 * import assert from "node:assert/strict";
 * import { Experiment, type ExperimentView, type LoopContext, type ReplicateFunction, BasePlugin } from "@crystallize/deno";
 * import { fetchNumbers, total } from "../../../examples/scaling_demo.ts";
 * import { workerSpec } from "./spec.ts";
 *
 * // A plugin that keeps the run's plan; returning undefined lets the serial loop run.
 * class KeepPlan extends BasePlugin {
 *   plan: LoopContext["plan"] | undefined;
 *   override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
 *     this.plan = loop.plan;
 *     return undefined;
 *   }
 * }
 * const keep = new KeepPlan();
 * await Experiment.builder("on_workers").datasource(fetchNumbers()).addStep(total())
 *   .plugins([keep]).replicates(2).build().run({ seed: 1 });
 * const spec = await workerSpec(keep.plan!, "warn");
 * import { workerEntry } from "./entry.ts";
 * import { launchFlags } from "./launch_flags.ts";
 * import { WorkerProcess } from "./worker_process.ts";
 *
 * const examples = new URL("../../../examples", import.meta.url).pathname;
 * const launch = {
 *   entry: workerEntry(spec, { loading: "static" }),
 *   flags: launchFlags({ read: [examples], write: [], config: "none" }),
 * };
 * const exited = Promise.withResolvers<number>();
 * const worker = new WorkerProcess(1, launch, {
 *   message: () => {},
 *   exit: (_worker, status) => exited.resolve(status.code),
 * });
 * worker.init(spec);
 * worker.close(); // no replicates: it exits
 * assert.equal(await exited.promise, 0);
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
  /** Set when the pool killed the worker on purpose, with the reason. */
  killedBecause: string | undefined;
  /** The last crash report the worker sent, if any. */
  crash: FromWorker & { type: "crash" } | undefined;
  readonly #child: FramedChild<ToWorker, FromWorker>;
  #initsPending = 0;
  /** The spec of the run the worker is set up for; cleared by a `cancel`, which ends that run. */
  #spec: WorkerSpec | undefined;

  /** Spawns the worker: `deno run <flags> <entry>`. */
  constructor(id: number, launch: WorkerLaunch, events: WorkerProcessEvents) {
    this.id = id;
    this.launch = launch;
    this.events = events;
    this.#child = new FramedChild({ ...launch, stderrTail: STDERR_TAIL, check: checkFromWorker }, {
      message: (message) => this.#onMessage(message),
      broken: (reason) => {
        this.killedBecause ??= "protocol";
        this.crash = { type: "crash", error: { name: "ProtocolError", message: reason } };
      },
      // Whatever experiment code prints passes through to this process's output.
      output: async (bytes, stream) => {
        await (stream === "stdout" ? Deno.stdout : Deno.stderr).write(bytes);
      },
    });
    this.exited = this.#child.exited.then((status) => {
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
    return this.#child.open;
  }

  /** The end of what the worker wrote to stderr since its last `init` (for crash messages). */
  get stderrTail(): string {
    return this.#child.stderrTail;
  }

  /** Sends a message; ignored once stdin is closed or the process is gone. */
  send(message: ToWorker): void {
    if (message.type === "cancel") this.#spec = undefined;
    this.#child.send(message);
  }

  /**
   * Starts a run on this worker: sends `init` with the run's spec. The
   * worker is `ready` again once it has answered every `init` it was sent
   * (an answer to an earlier one is not passed on), and the stderr kept for
   * crash messages restarts, so a later run never sees an earlier one's state.
   * The very spec it is ready with (the same object, and no `cancel` since)
   * sends nothing: more batches of the same run (a queue worker's next job)
   * need no plan rebuilt, as batches of one local run need none.
   */
  init(spec: WorkerSpec): void {
    if (spec === this.#spec && this.ready) return;
    this.ready = false;
    this.#initsPending++;
    this.#spec = spec;
    this.#child.stderrTail = "";
    this.send({ type: "init", spec });
  }

  /** Closes stdin: the worker finishes what it has and exits. */
  close(): void {
    this.#child.closeStdin();
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
    this.#child.kill();
  }

  #onMessage(message: FromWorker): void {
    if (message.type === "crash") this.crash = message;
    if (message.type === "ready") {
      if (--this.#initsPending > 0) return;
      this.ready = true;
    }
    this.events.message(this, message);
  }
}
