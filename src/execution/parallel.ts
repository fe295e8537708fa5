import { CrystallizeError } from "../errors.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";
import {
  BasePlugin,
  type ExperimentView,
  type LoopContext,
  type ReplicateFunction,
} from "../run/plugin.ts";
import { checkConcurrency, runConcurrently } from "./concurrent_loop.ts";
import type { KeptPool } from "./process_loop.ts";
import type { WorkerPermissions } from "./worker/permissions.ts";
import { DEFAULT_WORKER_V8_FLAGS, v8FlagsArguments } from "./worker/v8_flags.ts";

/** `"thread"`: bounded concurrency in the main isolate; `"process"`: a pool of worker processes. */
export type ExecutorType = "thread" | "process";

/** Options of {@linkcode ParallelExecution}. */
export interface ParallelExecutionOptions {
  /** Replicates in flight at once; default: logical cores (thread) or cores − 1, at least 1 (process). */
  maxWorkers?: number;
  /** Default `"thread"`. */
  executorType?: ExecutorType;
  /**
   * Process mode: permissions experiment code gets on top of read access to
   * its modules' folders and read and write access to the output root.
   */
  permissions?: WorkerPermissions;
  /** Process mode: V8 heap limit of each worker, MiB (a worker over it is replaced). */
  maxHeapMb?: number;
  /**
   * Process mode: V8 flags the workers start with (`deno run --v8-flags=...`;
   * `maxHeapMb` is added to them). Default {@linkcode DEFAULT_WORKER_V8_FLAGS}
   * (`--no-concurrent-recompilation`, which keeps steps called a few times per
   * worker at full speed); `[]` runs V8 with its own defaults.
   */
  v8Flags?: readonly string[];
  /** Process mode: how long cancelled workers may finish before they are killed, ms; default 1000. */
  cancelGraceMs?: number;
  /**
   * Process mode: workers load a JavaScript copy of the library instead of
   * its TypeScript, which Deno loads slower (two new workers are ready
   * ≈7 ms sooner). The copy is made once per version of the library's files,
   * in `<library>/.library-js/`, when this process may read the library;
   * otherwise, or with `false`, workers load the TypeScript. Default `true`.
   */
  libraryBuild?: boolean;
  /**
   * Process mode: keep the worker processes alive after a run and reuse them
   * for the next run started the same way (same experiment modules and
   * permissions), which then skips start-up. Idle workers never keep a
   * finished program alive; `close()` (or `await using`) stops them at once.
   * Default `false`: no worker outlives its run.
   */
  keepAlive?: boolean;
}

/**
 * Runs replicates in parallel.
 *
 * `executorType: "thread"` runs up to `maxWorkers` replicates concurrently in
 * the main isolate (shared state; I/O with a cap).
 *
 * `executorType: "process"` runs them on a pool of worker processes (one
 * `deno run` child each, its own V8 heap and OS thread): CPU-bound steps
 * scale with cores. Workers rebuild the experiment by reference — they
 * import the modules that define the datasource, steps and function
 * treatments and find the factories among their exports — so those must be
 * exported; values in contexts and params must be plain data (wrap other
 * objects in an exported `resourceFactory`). Problems are reported before
 * any worker starts. Experiment code runs with scoped permissions: read on
 * the folders of the modules that define its parts (needed to import them;
 * what those modules import statically needs no permission), read and write
 * on the output root (`outputDir`, else `$CRYSTALLIZE_HOME`, else
 * `.crystallize`: step cache, stored runs), nothing else unless `permissions` grants it. A worker that crashes, runs out of
 * memory or exceeds `run({ timeoutMs })` is killed and replaced; its replicate
 * is recorded as failed. Needs `--allow-run` for the Deno executable.
 *
 * Starting a worker costs tens of milliseconds. With `keepAlive: true` the
 * workers stay alive between runs and the next run of an experiment with the
 * same modules and permissions reuses them (it sends them the new run's
 * spec), which pays off for many short runs such as `experiment.optimize()`.
 * A run that needs other modules or permissions stops the idle workers and
 * starts new ones. Idle workers are unref'd: they never keep a finished
 * program alive, and exit when it does. A cancelled run stops the workers
 * that were running replicates; the others stay in the pool. Modules, and
 * what resource factories built, stay loaded in a kept worker from one run
 * to the next, as they do in the main isolate between serial runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, ParallelExecution } from "@crystallize/deno";
 *
 * const execution = new ParallelExecution({
 *   executorType: "process",
 *   maxWorkers: 2,
 *   permissions: { net: ["127.0.0.1:8080"] },
 * });
 * const builder = Experiment.builder("cpu").plugins([execution]);
 * assert.deepEqual(execution.permissions, { net: ["127.0.0.1:8080"] });
 * void builder;
 * ```
 *
 * @example Reusing workers across runs
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, GridSearchOptimizer, ParallelExecution } from "@crystallize/deno";
 * import { addDelta, fetchNumbers, total } from "../../examples/scaling_demo.ts";
 *
 * {
 *   await using execution = new ParallelExecution({ executorType: "process", keepAlive: true, maxWorkers: 1 });
 *   const experiment = Experiment.builder("search").datasource(fetchNumbers()).addStep(addDelta())
 *     .addStep(total()).plugins([execution]).replicates(2).build();
 *   const grid = new GridSearchOptimizer({ delta: [0, 1, 2] }, { metric: "total" });
 *   const best = await experiment.optimize(grid, { numTrials: 3 }); // the workers start once
 *   assert.deepEqual(best.values, { delta: 0 });
 * } // leaving the block calls execution.close(): the workers exit
 * ```
 */
export class ParallelExecution extends BasePlugin {
  /** Worker/concurrency cap, when set. */
  readonly maxWorkers: number | undefined;
  /** The executor kind. */
  readonly executorType: ExecutorType;
  /** Extra permissions of process workers. */
  readonly permissions: WorkerPermissions;
  /** Heap limit per process worker, MiB. */
  readonly maxHeapMb: number | undefined;
  /** V8 flags of process workers. */
  readonly v8Flags: readonly string[];
  /** Grace period before cancelled workers are killed, ms. */
  readonly cancelGraceMs: number;
  /** Whether process workers are kept alive between runs. */
  readonly keepAlive: boolean;
  /** Whether process workers load the library's JavaScript copy. */
  readonly libraryBuild: boolean;
  /** The workers kept between runs (`keepAlive`), created on the first run. */
  readonly #kept: KeptPool = {};

  /** Creates the plugin; an unknown `executorType` or a bad number throws. */
  constructor(options: ParallelExecutionOptions = {}) {
    super();
    const type = options.executorType ?? "thread";
    if (type !== "thread" && type !== "process") {
      throw new CrystallizeError(
        `ParallelExecution: executorType must be "thread" or "process", got "${type}"`,
      );
    }
    this.executorType = type;
    this.maxWorkers = options.maxWorkers === undefined
      ? undefined
      : checkConcurrency("ParallelExecution", "maxWorkers", options.maxWorkers);
    this.permissions = options.permissions ?? {};
    this.maxHeapMb = options.maxHeapMb;
    this.v8Flags = Object.freeze([...(options.v8Flags ?? DEFAULT_WORKER_V8_FLAGS)]);
    v8FlagsArguments(this.v8Flags); // a bad flag throws here, not when workers start
    this.cancelGraceMs = options.cancelGraceMs ?? 1000;
    this.keepAlive = options.keepAlive ?? false;
    this.libraryBuild = options.libraryBuild ?? true;
  }

  /**
   * Process ids of the worker processes kept alive for the next run
   * (`keepAlive`); empty otherwise.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Experiment, ParallelExecution } from "@crystallize/deno";
   * import { fetchNumbers, total } from "../../examples/scaling_demo.ts";
   *
   * const execution = new ParallelExecution({ executorType: "process", keepAlive: true, maxWorkers: 1 });
   * const experiment = Experiment.builder("kept").datasource(fetchNumbers()).addStep(total())
   *   .plugins([execution]).replicates(2).build();
   * await experiment.run();
   * assert.equal(execution.idleWorkerPids.length, 1); // e.g. [48121]
   * await execution.close();
   * assert.deepEqual(execution.idleWorkerPids, []);
   * ```
   */
  get idleWorkerPids(): readonly number[] {
    return this.#kept.pool?.idlePids ?? [];
  }

  /**
   * Stops the worker processes kept alive between runs and resolves once
   * they have exited (workers of a run in progress stop when it ends). The
   * plugin stays usable: a later run starts new workers.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Experiment, ParallelExecution } from "@crystallize/deno";
   * import { fetchNumbers, total } from "../../examples/scaling_demo.ts";
   *
   * const execution = new ParallelExecution({ executorType: "process", keepAlive: true, maxWorkers: 1 });
   * const experiment = Experiment.builder("reused").datasource(fetchNumbers()).addStep(total())
   *   .plugins([execution]).replicates(2).build();
   * try {
   *   const first = await experiment.run({ seed: 1 });
   *   const second = await experiment.run({ seed: 1 }); // reuses the workers
   *   assert.deepEqual(second.metrics, first.metrics);
   * } finally {
   *   await execution.close();
   * }
   * ```
   */
  async close(): Promise<void> {
    await this.#kept.pool?.close();
  }

  /** Same as {@linkcode close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Strategy name in provenance. */
  override get executionStrategy(): string {
    return `${this.executorType}(maxWorkers=${this.maxWorkers ?? this.#defaultWorkers()})`;
  }

  /**
   * Runs the replicates: concurrently in this isolate (`"thread"`), or on
   * worker processes (`"process"`) started by the launcher the run's host
   * injected (see `worker_launcher.ts`), else by this plugin itself. Either
   * way each outcome is reported as it arrives, so memory stays flat.
   */
  override async runExperimentLoop(
    experiment: ExperimentView,
    replicateFn: ReplicateFunction,
    loop: LoopContext,
  ): Promise<readonly ReplicateOutcome[] | undefined> {
    if (this.executorType === "thread") {
      await runConcurrently(replicateFn, loop, this.#defaultWorkers());
      return undefined;
    }
    // The pool and its machinery load on the first process run: worker processes import this
    // module too (through the library) and never start workers of their own.
    const { runOnProcesses } = await import("./process_loop.ts");
    await runOnProcesses(
      {
        workers: this.#defaultWorkers(),
        permissions: this.permissions,
        maxHeapMb: this.maxHeapMb,
        v8Flags: this.v8Flags,
        cancelGraceMs: this.cancelGraceMs,
        kept: this.keepAlive ? this.#kept : undefined,
        libraryBuild: this.libraryBuild,
      },
      experiment,
      loop,
    );
    // Everything was reported; an empty array (not `undefined`) so that a pool that reported
    // nothing, e.g. a cancelled one, never falls back to running the replicates in this isolate.
    return [];
  }

  #defaultWorkers(): number {
    if (this.maxWorkers !== undefined) return this.maxWorkers;
    const cores = navigator.hardwareConcurrency;
    return this.executorType === "thread" ? cores : Math.max(1, cores - 1);
  }
}
