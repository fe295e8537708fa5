import { type WorkerLaunch, WorkerProcess, type WorkerProcessEvents } from "./worker_process.ts";

/** How a {@linkcode WorkerPool} keeps its processes. */
export interface WorkerPoolOptions {
  /** Keep workers alive between runs (`false`: every worker given back is closed). */
  readonly keepAlive: boolean;
  /** Most idle workers kept. */
  readonly maxIdle: number;
}

/** While a worker idles in the pool, nobody listens: the pool only notices that it exits. */
const UNOWNED: WorkerProcessEvents = { message: () => {}, exit: () => {} };

/**
 * The worker processes of a `ParallelExecution`. A run takes workers, and
 * gives each back when it has no more work for it. With `keepAlive`, a
 * worker given back in good order (stdin open, nothing assigned, not
 * killed) waits, idle, for the next run started the same way (same entry
 * and flags: same modules, same permissions), which sends it a fresh
 * `init` instead of paying for a new process. Taking workers for another
 * launch stops the idle ones. Idle workers are unref'd, so they never keep
 * a finished program alive (they see stdin close when it exits, and exit
 * too). Without `keepAlive`, workers given back are closed at once.
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
 * import { WorkerPool } from "./worker_pool.ts";
 *
 * const examples = new URL("../../../examples", import.meta.url).pathname;
 * const launch = {
 *   entry: workerEntry(spec, { loading: "static" }),
 *   flags: launchFlags({ read: [examples], write: [], config: "none" }),
 * };
 * const pool = new WorkerPool({ keepAlive: true, maxIdle: 2 });
 * const workers = pool.take(launch, 1, { message: () => {}, exit: () => {} });
 * // ... run replicates, then for each worker:
 * pool.giveBack(workers[0]);
 * assert.deepEqual(pool.idlePids, [workers[0].pid]); // kept for the next run
 * await pool.close();
 * assert.deepEqual(pool.idlePids, []);
 * ```
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  /** Every process started and not yet exited (idle, lent to a run, or stopping). */
  readonly #all = new Set<WorkerProcess>();
  #idle: WorkerProcess[] = [];
  /** The launch of the latest `take`: idle workers all have it. */
  #launchKey: string | undefined;
  #closing = 0;
  #nextId = 0;

  /** Creates an empty pool; processes start on the first `take`. */
  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  /** Process ids of the idle workers kept for the next run. */
  get idlePids(): number[] {
    return this.#idle.map((w) => w.pid);
  }

  /**
   * Lends `count` workers started with `launch`, their messages and exit
   * going to `events`: idle workers first, new processes for the rest.
   * Idle workers of another launch are stopped.
   */
  take(launch: WorkerLaunch, count: number, events: WorkerProcessEvents): WorkerProcess[] {
    const key = launchKey(launch);
    if (key !== this.#launchKey) {
      for (const worker of this.#idle.splice(0)) this.#stop(worker);
      this.#launchKey = key;
    }
    const taken = this.#idle.splice(0, count);
    for (const worker of taken) {
      worker.ref();
      worker.events = events;
    }
    while (taken.length < count) taken.push(this.#spawn(launch, events));
    return taken;
  }

  /**
   * Takes a worker back from a run. It is kept for the next run when the
   * pool keeps workers alive, is not closing, has room, and the worker is
   * reusable (same launch as the latest `take`, stdin open, nothing
   * assigned, not killed); otherwise it is closed and exits by itself.
   */
  giveBack(worker: WorkerProcess): void {
    worker.events = UNOWNED;
    const reusable = worker.open && worker.assigned.length === 0 &&
      worker.killedBecause === undefined && launchKey(worker.launch) === this.#launchKey;
    if (
      reusable && this.#options.keepAlive && this.#closing === 0 &&
      this.#idle.length < this.#options.maxIdle
    ) {
      worker.unref();
      this.#idle.push(worker);
    } else {
      worker.close();
    }
  }

  /**
   * Stops the idle workers and waits until every process this pool started
   * has exited; workers lent to a run still in progress are closed when the
   * run gives them back. The pool can be used again afterwards.
   */
  async close(): Promise<void> {
    this.#closing++;
    try {
      for (const worker of this.#idle.splice(0)) this.#stop(worker);
      // Waiting on an unref'd process would not keep the program alive until it exits.
      for (const worker of this.#all) worker.ref();
      await Promise.all([...this.#all].map((w) => w.exited));
    } finally {
      this.#closing--;
    }
  }

  #spawn(launch: WorkerLaunch, events: WorkerProcessEvents): WorkerProcess {
    const worker = new WorkerProcess(++this.#nextId, launch, events);
    this.#all.add(worker);
    worker.exited.then(() => {
      this.#all.delete(worker);
      this.#idle = this.#idle.filter((w) => w !== worker);
    });
    return worker;
  }

  #stop(worker: WorkerProcess): void {
    worker.ref();
    worker.close();
  }
}

/** Keys of launches seen: a queue worker takes workers with the same launch for every job. */
const launchKeys = new WeakMap<WorkerLaunch, string>();

function launchKey(launch: WorkerLaunch): string {
  let key = launchKeys.get(launch);
  if (key === undefined) {
    key = JSON.stringify([launch.entry, launch.flags, launch.env ?? {}]);
    launchKeys.set(launch, key);
  }
  return key;
}
