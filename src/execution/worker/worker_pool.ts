import type { RunPlan } from "../../experiment/condition_runner.ts";
import type { ConditionOutcome, ReplicateOutcome } from "../../experiment/outcome.ts";
import { replicateSeed } from "../../plugins/seed.ts";
import type { ErrorData, FromWorker, WorkerSpec } from "./messages.ts";
import { WorkerProcess } from "./worker_process.ts";

/** How a pool runs. */
export interface WorkerPoolOptions {
  /** Worker processes. */
  readonly workers: number;
  /** Flags for each worker's `deno run` (permissions, config, V8 flags). */
  readonly flags: readonly string[];
  /** The workers' entry module (see `workerEntry`). */
  readonly entry: string;
  /** Per-replicate time limit, ms. */
  readonly timeoutMs?: number;
  /** How long cancelled workers may finish their replicate before being killed, ms. */
  readonly cancelGraceMs: number;
}

/** Consecutive failed worker start-ups after which the remaining replicates are failed. */
const MAX_INIT_FAILURES = 2;

/**
 * Runs the replicates of one run on worker processes: hands out batches of
 * replicate indices, collects one outcome per replicate, and keeps going
 * when things break. A worker that crashes (uncaught error, exit, out of
 * memory) or exceeds the per-replicate time limit is killed and replaced;
 * the replicate it was running is recorded as failed and the rest of its
 * batch goes back in the queue. Cancelling asks workers to stop, then kills
 * them after a grace period. No worker outlives the run.
 *
 * @example
 * ```ts
 * const outcomes = await runOnWorkerPool(spec, plan, { workers: 2, flags, cancelGraceMs: 500 }, loop);
 * ```
 */
export function runOnWorkerPool(
  spec: WorkerSpec,
  plan: RunPlan,
  options: WorkerPoolOptions,
  loop: { readonly replicates: number; readonly signal: AbortSignal },
): Promise<ReplicateOutcome[]> {
  return new WorkerPool(spec, plan, options, loop.replicates, loop.signal).run();
}

class WorkerPool {
  readonly #spec: WorkerSpec;
  readonly #plan: RunPlan;
  readonly #options: WorkerPoolOptions;
  readonly #signal: AbortSignal;
  readonly #results: (ReplicateOutcome | undefined)[];
  readonly #pending: number[];
  readonly #workers = new Set<WorkerProcess>();
  readonly #batch: number;
  #done = 0;
  #nextId = 0;
  #initFailures = 0;
  #finishing = false;
  #resolve!: (outcomes: ReplicateOutcome[]) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #killTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #onAbort = () => this.#cancel();

  constructor(
    spec: WorkerSpec,
    plan: RunPlan,
    options: WorkerPoolOptions,
    replicates: number,
    signal: AbortSignal,
  ) {
    this.#spec = spec;
    this.#plan = plan;
    this.#options = options;
    this.#signal = signal;
    this.#results = new Array(replicates);
    this.#pending = Array.from({ length: replicates }, (_, i) => i);
    // Small batches keep workers balanced; large ones amortise messaging.
    this.#batch = Math.max(1, Math.min(256, Math.ceil(replicates / (options.workers * 8))));
  }

  run(): Promise<ReplicateOutcome[]> {
    const finished = new Promise<ReplicateOutcome[]>((resolve) => this.#resolve = resolve);
    if (this.#signal.aborted || this.#pending.length === 0) {
      this.#finish();
      return finished;
    }
    this.#signal.addEventListener("abort", this.#onAbort, { once: true });
    const workers = Math.min(this.#options.workers, this.#pending.length);
    for (let i = 0; i < workers; i++) this.#spawn();
    if (this.#options.timeoutMs !== undefined) {
      const every = Math.max(5, Math.min(100, this.#options.timeoutMs / 4));
      this.#timer = setInterval(() => this.#checkTimeouts(), every);
    }
    return finished;
  }

  #spawn(): void {
    const worker = new WorkerProcess(++this.#nextId, this.#options.flags, this.#options.entry, {
      message: (w, m) => this.#onMessage(w, m),
      exit: (w, status) => this.#onExit(w, status),
    });
    this.#workers.add(worker);
    worker.send({ type: "init", spec: this.#spec });
  }

  #onMessage(worker: WorkerProcess, message: FromWorker): void {
    switch (message.type) {
      case "ready":
        worker.ready = true;
        this.#initFailures = 0;
        this.#assign(worker);
        break;
      case "init-failed":
        worker.crash = { type: "crash", error: message.error };
        break;
      case "outcome": {
        const r = message.outcome.replicate;
        const at = worker.assigned.indexOf(r);
        if (at >= 0) worker.assigned.splice(at, 1);
        worker.currentSince = performance.now();
        this.#record(r, message.outcome);
        if (worker.assigned.length === 0) this.#assign(worker);
        break;
      }
      case "event":
        this.#plan.events?.emit(message.event);
        break;
      case "log":
        this.#plan.logger[message.record.level](message.record.message, {
          ...message.record.fields,
        });
        break;
      case "crash":
        break;
    }
  }

  #onExit(worker: WorkerProcess, status: Deno.CommandStatus): void {
    this.#workers.delete(worker);
    if (!worker.ready && !this.#finishing) this.#initFailures++;
    const lost = worker.assigned.splice(0);
    if (lost.length > 0 && !this.#finishing) {
      const [culprit, ...rest] = lost;
      this.#record(
        culprit,
        this.#failedOutcome(culprit, this.#crashError(worker, status, culprit)),
      );
      this.#pending.unshift(...rest);
    }
    if (!worker.ready && !this.#finishing && this.#initFailures >= MAX_INIT_FAILURES) {
      // The experiment cannot load in a worker: fail what is left rather than retry forever.
      const error = this.#crashError(worker, status, undefined);
      for (const r of this.#pending.splice(0)) this.#record(r, this.#failedOutcome(r, error));
    }
    if (this.#finishing) {
      if (this.#workers.size === 0) this.#finish();
      return;
    }
    if (this.#pending.length > 0 && this.#workers.size < this.#options.workers) this.#spawn();
    this.#maybeFinish();
  }

  #assign(worker: WorkerProcess): void {
    if (this.#finishing || this.#signal.aborted) return;
    const batch = this.#pending.splice(0, this.#batch);
    if (batch.length === 0) {
      worker.close();
      this.#maybeFinish();
      return;
    }
    worker.assigned.push(...batch);
    worker.currentSince = performance.now();
    worker.send({ type: "run", replicates: batch });
  }

  #record(replicate: number, outcome: ReplicateOutcome): void {
    if (this.#results[replicate] === undefined) this.#done++;
    this.#results[replicate] = outcome;
  }

  #maybeFinish(): void {
    if (this.#done < this.#results.length) return;
    this.#closeAll("run finished");
  }

  #cancel(): void {
    if (this.#finishing) return;
    this.#pending.length = 0;
    this.#closeAll("run cancelled");
  }

  /** Asks every worker to stop (cancelling its run if any) and kills those still there after the grace period. */
  #closeAll(reason: string): void {
    this.#finishing = true;
    for (const w of this.#workers) {
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
      if (w.assigned.length > 0 && w.killedBecause === undefined && now - w.currentSince > limit) {
        w.kill(`timeout`);
      }
    }
  }

  #finish(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#killTimer);
    this.#signal.removeEventListener("abort", this.#onAbort);
    this.#resolve(this.#results.filter((o): o is ReplicateOutcome => o !== undefined));
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

  #failedOutcome(replicate: number, error: ErrorData): ReplicateOutcome {
    const seed = this.#spec.seeding === undefined
      ? undefined
      : replicateSeed(this.#spec.seeding, replicate);
    const conditions: ConditionOutcome[] = this.#spec.conditions.map((c) => {
      const record = { condition: c.name, replicate, step: "worker", ...error };
      if (this.#spec.events.errors) {
        this.#plan.events?.emit({
          type: "error",
          experiment: this.#spec.experimentName,
          runId: this.#spec.runId,
          replicate,
          condition: c.name,
          step: "worker",
          message: error.message,
        });
      }
      return {
        condition: c.name,
        seed,
        metrics: {},
        error: record,
        durationMs: 0,
        stepMs: [],
        cacheHits: 0,
      };
    });
    return { replicate, conditions };
  }
}
