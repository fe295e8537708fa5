import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CrystallizeError } from "../errors.ts";
import type { ReplicateOutcome } from "../experiment/outcome.ts";
import {
  BasePlugin,
  type ExperimentView,
  type LoopContext,
  type ReplicateFunction,
} from "../plugins/plugin.ts";
import { checkConcurrency, runConcurrently } from "./concurrent_loop.ts";
import { allRefs, type WorkerSpec } from "./worker/messages.ts";
import { permissionFlags, type WorkerPermissions } from "./worker/permissions.ts";
import { workerSpec } from "./worker/spec.ts";
import { runOnWorkerPool } from "./worker/worker_pool.ts";
import { denoExecutable } from "./worker/worker_process.ts";
import { configFile, workerEntry } from "./worker/entry.ts";

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
   * its modules' folders and write access to the output folder.
   */
  permissions?: WorkerPermissions;
  /** Process mode: V8 heap limit of each worker, MiB (a worker over it is replaced). */
  maxHeapMb?: number;
  /** Process mode: how long cancelled workers may finish before they are killed, ms; default 1000. */
  cancelGraceMs?: number;
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
 * what those modules import statically needs no permission), write on the
 * output folder, nothing else unless `permissions` grants it. A worker that crashes, runs out of
 * memory or exceeds `run({ timeoutMs })` is killed and replaced; its replicate
 * is recorded as failed. Needs `--allow-run` for the Deno executable.
 *
 * @example
 * ```ts
 * Experiment.builder("cpu").plugins([
 *   new ParallelExecution({ executorType: "process", maxWorkers: 2, permissions: { net: ["127.0.0.1:8080"] } }),
 * ]);
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
  /** Grace period before cancelled workers are killed, ms. */
  readonly cancelGraceMs: number;

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
    this.cancelGraceMs = options.cancelGraceMs ?? 1000;
  }

  /** Strategy name in provenance. */
  override get executionStrategy(): string {
    return `${this.executorType}(maxWorkers=${this.maxWorkers ?? this.#defaultWorkers()})`;
  }

  /** Runs the replicates. */
  override async runExperimentLoop(
    experiment: ExperimentView,
    replicateFn: ReplicateFunction,
    loop: LoopContext,
  ): Promise<ReplicateOutcome[]> {
    if (this.executorType === "thread") {
      return await runConcurrently(replicateFn, loop, this.#defaultWorkers());
    }
    denoExecutable(); // fails early, before any worker, when workers may not be started
    const spec = await workerSpec(loop.plan, loop.plan.logger.level);
    const outputDir = resolve(experiment.outputDir ?? ".crystallize");
    const flags = permissionFlags(moduleFolders(spec), [outputDir], this.permissions);
    const config = configFile();
    if (config !== undefined) flags.push(`--config=${config}`);
    if (this.maxHeapMb !== undefined) {
      flags.push(`--v8-flags=--max-old-space-size=${this.maxHeapMb}`);
    }
    return await runOnWorkerPool(spec, loop.plan, {
      workers: Math.min(this.#defaultWorkers(), loop.replicates),
      flags,
      entry: workerEntry(spec),
      timeoutMs: loop.timeoutMs,
      cancelGraceMs: this.cancelGraceMs,
    }, loop);
  }

  #defaultWorkers(): number {
    if (this.maxWorkers !== undefined) return this.maxWorkers;
    const cores = navigator.hardwareConcurrency;
    return this.executorType === "thread" ? cores : Math.max(1, cores - 1);
  }
}

/** Folders of the file modules a spec imports. */
function moduleFolders(spec: WorkerSpec): string[] {
  const files = allRefs(spec).filter((r) => r.module.startsWith("file:"));
  return [...new Set(files.map((r) => dirname(fileURLToPath(r.module))))];
}
