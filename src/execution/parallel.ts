import { CrystallizeError } from "../errors.ts";
import type { ReplicateOutcome } from "../experiment/outcome.ts";
import {
  BasePlugin,
  type ExperimentView,
  type LoopContext,
  type ReplicateFunction,
} from "../plugins/plugin.ts";
import { checkConcurrency, runConcurrently } from "./concurrent_loop.ts";

/** `"thread"`: bounded concurrency in the main isolate; `"process"`: a pool of Web Workers. */
export type ExecutorType = "thread" | "process";

/** Options of {@linkcode ParallelExecution}. */
export interface ParallelExecutionOptions {
  /** Replicates in flight at once; default: logical cores (thread) or cores − 1 (process). */
  maxWorkers?: number;
  /** Default `"thread"`. */
  executorType?: ExecutorType;
}

/**
 * Runs replicates in parallel. `executorType: "thread"` runs up to
 * `maxWorkers` replicates concurrently in the main isolate (they share its
 * state; good for I/O with a cap). `executorType: "process"` — a pool of
 * isolated Deno Web Workers for CPU-bound steps — is not available in this
 * version yet: running with it throws a clear error.
 *
 * @example
 * ```ts
 * Experiment.builder("capped").plugins([new ParallelExecution({ maxWorkers: 4 })]);
 * ```
 */
export class ParallelExecution extends BasePlugin {
  /** Worker/concurrency cap, when set. */
  readonly maxWorkers: number | undefined;
  /** The executor kind. */
  readonly executorType: ExecutorType;

  /** Creates the plugin; an unknown `executorType` throws. */
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
  }

  /** Strategy name in provenance. */
  override get executionStrategy(): string {
    return `${this.executorType}(maxWorkers=${this.maxWorkers ?? navigator.hardwareConcurrency})`;
  }

  /** Runs the replicates. */
  override runExperimentLoop(
    _experiment: ExperimentView,
    replicateFn: ReplicateFunction,
    loop: LoopContext,
  ): Promise<ReplicateOutcome[]> {
    if (this.executorType === "process") {
      return Promise.reject(
        new CrystallizeError(
          'ParallelExecution({ executorType: "process" }) (Web Workers) is not available in this version yet; ' +
            'use executorType "thread" or AsyncExecution for now',
        ),
      );
    }
    return runConcurrently(replicateFn, loop, this.maxWorkers ?? navigator.hardwareConcurrency);
  }
}
