import type { EventSink } from "../../run/events.ts";
import type { OutcomeSink } from "../../run/plugin.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import { failedOutcome } from "./failed_outcome.ts";
import { type RecordLogger, replayRecord } from "./log_relay.ts";
import type { ErrorData, FromWorker, WorkerSpec } from "./messages.ts";
import type { WorkerPool } from "./worker_pool.ts";
import type { WorkerLaunch, WorkerProcess, WorkerProcessEvents } from "./worker_process.ts";

/** What a run on workers reports to: the run's events and logger. */
export interface WorkerRunSinks {
  /** Progress events, when anyone listens. */
  readonly events: EventSink | undefined;
  /** Receives workers' `ctx.logger` records. */
  readonly logger: RecordLogger;
}

/** How one run uses the pool. */
export interface WorkerRunOptions {
  /** Workers to run on at once. */
  readonly workers: number;
  /** How the workers are started (entry module and `deno run` flags). */
  readonly launch: WorkerLaunch;
  /** Per-replicate time limit, ms. */
  readonly timeoutMs?: number;
  /** How long cancelled workers may finish their replicate before being killed, ms. */
  readonly cancelGraceMs: number;
}

/** Consecutive failed worker start-ups after which the remaining replicates are failed. */
const MAX_INIT_FAILURES = 2;

/** The replicates of one run on workers, and where their outcomes go. */
export interface WorkerRunLoop {
  /** Replicates of the run (indices `0..replicates-1`). */
  readonly replicates: number;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  /** The replicates to run, ascending (a queue worker's batch); default all of `0..replicates-1`. */
  readonly indices?: readonly number[];
  /**
   * Takes each replicate's outcome as it arrives (in any order), once per
   * replicate and never after the run resolved: nothing is kept here, so a
   * long run's memory stays flat.
   */
  readonly report: OutcomeSink;
}

/**
 * Runs the replicates of one run on workers taken from `pool`: sends each
 * worker the run's spec (`init`), hands out batches of replicate indices,
 * reports one outcome per replicate as it arrives (`loop.report`), and
 * keeps going when things break. A
 * worker that crashes (uncaught error, exit, out of memory) or exceeds the
 * per-replicate time limit is killed and replaced; the replicate it was
 * running is recorded as failed and the rest of what it held goes back in
 * the queue. Workers with nothing left to do go back to the pool. Cancelling
 * asks the workers still running replicates to stop and kills them after
 * the grace period; the run resolves once they have exited, so no work of
 * this run goes on after it.
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
 * import { runOnWorkers } from "./run_on_workers.ts";
 * import { WorkerPool } from "./worker_pool.ts";
 *
 * const examples = new URL("../../../examples", import.meta.url).pathname;
 * const launch = {
 *   entry: workerEntry(spec, { loading: "static" }),
 *   flags: launchFlags({ read: [examples], write: [], config: "none" }),
 * };
 * const pool = new WorkerPool({ keepAlive: false, maxIdle: 0 });
 * const sinks = { events: undefined, logger: console };
 * const arrived: number[] = [];
 * const report = (o: { replicate: number }) => arrived.push(o.replicate);
 * const loop = { replicates: 2, signal: new AbortController().signal, report };
 * await runOnWorkers(spec, sinks, pool, { workers: 1, launch, cancelGraceMs: 500 }, loop);
 * await pool.close();
 * assert.deepEqual(arrived.sort(), [0, 1]);
 * ```
 */
export function runOnWorkers(
  spec: WorkerSpec,
  plan: WorkerRunSinks,
  pool: WorkerPool,
  options: WorkerRunOptions,
  loop: WorkerRunLoop,
): Promise<void> {
  const indices = loop.indices ?? Array.from({ length: loop.replicates }, (_, i) => i);
  return new WorkerRun(spec, plan, pool, options, indices, loop).run();
}

class WorkerRun {
  readonly #spec: WorkerSpec;
  readonly #plan: WorkerRunSinks;
  readonly #pool: WorkerPool;
  readonly #options: WorkerRunOptions;
  readonly #signal: AbortSignal;
  readonly #report: OutcomeSink;
  /** 1 for each replicate whose outcome was reported (a byte each: no outcome is kept). */
  readonly #reported: Uint8Array;
  readonly #pending: number[];
  /** Workers lent to this run and not given back yet. */
  readonly #workers = new Set<WorkerProcess>();
  readonly #batch: number;
  readonly #events: WorkerProcessEvents = {
    message: (w, m) => this.#onMessage(w, m),
    exit: (w, status) => this.#onExit(w, status),
  };
  #done = 0;
  readonly #total: number;
  #initFailures = 0;
  #finishing = false;
  #finished = false;
  #resolve!: () => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #killTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #onAbort = () => this.#cancel();

  constructor(
    spec: WorkerSpec,
    plan: WorkerRunSinks,
    pool: WorkerPool,
    options: WorkerRunOptions,
    indices: readonly number[],
    loop: WorkerRunLoop,
  ) {
    this.#spec = spec;
    this.#plan = plan;
    this.#pool = pool;
    this.#options = options;
    this.#signal = loop.signal;
    this.#report = loop.report;
    this.#reported = new Uint8Array(indices.length === 0 ? 0 : indices[indices.length - 1] + 1);
    this.#total = indices.length;
    this.#pending = [...indices]; // batches: small balance workers (one has none to balance)
    const share = options.workers === 1 ? indices.length : indices.length / (options.workers * 8);
    this.#batch = Math.max(1, Math.min(256, Math.ceil(share)));
  }

  run(): Promise<void> {
    const finished = new Promise<void>((resolve) => this.#resolve = resolve);
    if (this.#signal.aborted || this.#pending.length === 0) {
      this.#finish();
      return finished;
    }
    this.#signal.addEventListener("abort", this.#onAbort, { once: true });
    this.#take(Math.min(this.#options.workers, this.#pending.length));
    if (this.#options.timeoutMs !== undefined) {
      const every = Math.max(5, Math.min(100, this.#options.timeoutMs / 4));
      this.#timer = setInterval(() => this.#checkTimeouts(), every);
    }
    return finished;
  }

  #take(count: number): void {
    for (const worker of this.#pool.take(this.#options.launch, count, this.#events)) {
      this.#workers.add(worker);
      worker.init(this.#spec);
      this.#assign(worker); // with the init: no round trip (never ready: given back in #onExit)
    }
  }

  #giveBack(worker: WorkerProcess): void {
    this.#workers.delete(worker);
    this.#pool.giveBack(worker);
  }

  #onMessage(worker: WorkerProcess, message: FromWorker): void {
    // A process caught breaking the protocol is not believed again (frames it sent before it died).
    if (worker.killedBecause === "protocol") return;
    switch (message.type) {
      case "ready":
        this.#initFailures = 0;
        if (worker.assigned.length === 0) this.#assign(worker);
        else worker.currentSince = performance.now(); // its first batch starts now
        break;
      case "init-failed":
        worker.crash = { type: "crash", error: message.error };
        break;
      case "outcome": {
        const r = message.outcome.replicate;
        const at = worker.assigned.indexOf(r);
        if (at < 0) {
          // A worker reports only what it was given: anything else is forged.
          worker.crash = {
            type: "crash",
            error: {
              name: "ProtocolError",
              message: `the worker process reported replicate ${r}, which it was not given`,
            },
          };
          worker.kill("protocol");
          break;
        }
        worker.assigned.splice(at, 1);
        worker.currentSince = performance.now();
        this.#record(r, message.outcome);
        if (worker.assigned.length === 0) this.#assign(worker);
        else this.#prefetch(worker);
        break;
      }
      case "event":
        this.#plan.events?.emit(message.event);
        break;
      case "log":
        replayRecord(this.#plan.logger, message.record);
        break;
      case "crash":
        break;
    }
  }

  #onExit(worker: WorkerProcess, status: Deno.CommandStatus): void {
    this.#workers.delete(worker);
    if (!worker.ready && !this.#finishing) this.#initFailures++;
    const lost = worker.assigned.splice(0);
    if (!worker.ready) {
      // It ran none of them: its start-up failed, not a replicate.
      this.#pending.unshift(...lost);
    } else if (lost.length > 0 && !this.#finishing) {
      const [culprit, ...rest] = lost;
      this.#record(
        culprit,
        failedOutcome(
          this.#spec,
          culprit,
          this.#crashError(worker, status, culprit),
          this.#plan.events,
        ),
      );
      this.#pending.unshift(...rest);
    }
    if (!worker.ready && !this.#finishing && this.#initFailures >= MAX_INIT_FAILURES) {
      // The experiment cannot load in a worker: fail what is left rather than retry forever.
      const error = this.#crashError(worker, status, undefined);
      for (const r of this.#pending.splice(0)) {
        this.#record(r, failedOutcome(this.#spec, r, error, this.#plan.events));
      }
    }
    if (this.#finishing) {
      if (this.#workers.size === 0) this.#finish();
      return;
    }
    if (this.#pending.length > 0 && this.#workers.size < this.#options.workers) this.#take(1);
    this.#maybeFinish();
  }

  #assign(worker: WorkerProcess): void {
    if (this.#finishing || this.#signal.aborted) return;
    const batch = this.#pending.splice(0, this.#batch);
    if (batch.length === 0) {
      this.#giveBack(worker);
      this.#maybeFinish();
      return;
    }
    worker.assigned.push(...batch);
    worker.currentSince = performance.now();
    worker.send({ type: "run", replicates: batch });
    this.#prefetch(worker);
  }

  /**
   * Sends a worker running its last batch the next one, so that it never
   * waits a round trip between batches (for 16 replicates on 2 workers,
   * batches of 1, that was a turn of both event loops per replicate) — but
   * only while every worker could still get a full batch, so the last
   * batches go to whichever worker frees up first and none waits behind a
   * queue at the end. A worker holds at most two batches.
   */
  #prefetch(worker: WorkerProcess): void {
    if (worker.assigned.length > this.#batch || this.#finishing || this.#signal.aborted) return;
    if (this.#pending.length < this.#options.workers * this.#batch) return;
    const batch = this.#pending.splice(0, this.#batch);
    worker.assigned.push(...batch);
    worker.send({ type: "run", replicates: batch });
  }

  /** Reports a replicate's outcome, the first time only (and not once the run resolved). */
  #record(replicate: number, outcome: ReplicateOutcome): void {
    if (this.#finished || this.#reported[replicate] === 1) return;
    this.#reported[replicate] = 1;
    this.#done++;
    this.#report(outcome);
  }

  #maybeFinish(): void {
    if (this.#done < this.#total) return;
    this.#stopWorkers("run finished");
  }

  #cancel(): void {
    if (this.#finishing) return;
    this.#pending.length = 0;
    this.#stopWorkers("run cancelled");
  }

  /**
   * Gives back the workers with nothing assigned; asks those still running
   * replicates to stop, and kills them if they have not exited after the
   * grace period (a worker's queue cannot be cut short, so it is not reused).
   */
  #stopWorkers(reason: string): void {
    this.#finishing = true;
    for (const w of this.#workers) {
      if (w.assigned.length === 0 && w.killedBecause === undefined) {
        this.#giveBack(w);
        continue;
      }
      if (w.assigned.length > 0) w.send({ type: "cancel" });
      w.close();
    }
    if (this.#workers.size === 0) return this.#finish();
    this.#killTimer ??= setTimeout(() => {
      for (const w of this.#workers) w.kill(reason);
    }, this.#options.cancelGraceMs);
  }

  #checkTimeouts(): void {
    const limit = this.#options.timeoutMs!;
    const now = performance.now();
    for (const w of this.#workers) {
      // A worker still starting holds a batch it has not begun: its time starts when ready.
      if (
        w.ready && w.assigned.length > 0 && w.killedBecause === undefined &&
        now - w.currentSince > limit
      ) {
        w.kill(`timeout`);
      }
    }
  }

  #finish(): void {
    // Only when set: the first read of a global timer function loads node:timers (one_shot_timer.ts).
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#killTimer !== undefined) clearTimeout(this.#killTimer);
    this.#signal.removeEventListener("abort", this.#onAbort);
    this.#finished = true;
    this.#resolve();
  }

  #crashError(
    worker: WorkerProcess,
    status: Deno.CommandStatus,
    replicate: number | undefined,
  ): ErrorData {
    if (worker.killedBecause === "timeout") {
      return {
        name: "TimeoutError",
        message:
          `replicate ${replicate} ran longer than timeoutMs=${this.#options.timeoutMs}; its worker process was killed`,
      };
    }
    const loading = !worker.ready;
    if (worker.crash !== undefined) {
      const e = worker.crash.error;
      const prefix = loading
        ? "worker process could not load the experiment"
        : "worker process crashed";
      return { name: e.name, message: `${prefix}: ${e.message}`, stack: e.stack };
    }
    // deno's own report (e.g. a module that throws at import, or V8 running out of memory).
    const stderr = worker.stderrTail;
    const tail = stderr.split("\n").map((l) => l.trim()).filter((l) =>
      l !== "" && !l.startsWith("at ")
    ).slice(-3)
      .join(" | ");
    const oom = /out of memory|heap limit/i.test(stderr);
    const what = oom
      ? "worker process ran out of memory"
      : loading
      ? "worker process could not load the experiment"
      : "worker process exited";
    return {
      name: oom ? "OutOfMemoryError" : loading ? "WorkerLoadError" : "WorkerExitError",
      message: `${what} (code ${status.code}${status.signal ? `, signal ${status.signal}` : ""})${
        replicate === undefined || loading ? "" : ` while running replicate ${replicate}`
      }${tail ? `: ${tail}` : ""}`,
    };
  }
}
