/**
 * A seam for processes that may not start worker processes themselves: the
 * CLI's sandboxed runner has no `--allow-run` (granting it `deno` would let
 * experiment code start Deno with any flags). There, `ParallelExecution`
 * hands the worker pool to a launcher installed with
 * {@linkcode setPoolLauncher}; the runner's launcher asks the CLI, which
 * starts the workers with permission flags it computes itself.
 * @module
 */
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import type { LoopContext } from "../../run/plugin.ts";
import type { WorkerSpec } from "./messages.ts";
import type { WorkerPermissions } from "./permissions.ts";

/** A worker pool to run, as plain data: the run's spec and the plugin's settings. */
export interface PoolRequest {
  /** What the workers rebuild and run. */
  readonly spec: WorkerSpec;
  /** Worker processes to run on at once. */
  readonly workers: number;
  /** Per-replicate time limit, ms. */
  readonly timeoutMs?: number;
  /** How long cancelled workers may finish before being killed, ms. */
  readonly cancelGraceMs: number;
  /** Heap limit per worker, MiB. */
  readonly maxHeapMb?: number;
  /** Permissions the plugin asks for (a launcher may refuse to grant them). */
  readonly permissions: WorkerPermissions;
}

/** Runs a worker pool somewhere else and returns the outcomes in replicate order. */
export type PoolLauncher = (request: PoolRequest, loop: LoopContext) => Promise<ReplicateOutcome[]>;

let installed: PoolLauncher | undefined;

/**
 * Makes every process-mode `ParallelExecution` in this process run its pool
 * through `launcher` (or, with `undefined`, start workers itself again).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolLauncher, setPoolLauncher } from "./pool_launcher.ts";
 *
 * // The CLI's sandboxed runner installs one that asks the CLI to start the workers.
 * setPoolLauncher(() => Promise.resolve([]));
 * assert.notEqual(poolLauncher(), undefined);
 * setPoolLauncher(undefined);
 * ```
 */
export function setPoolLauncher(launcher: PoolLauncher | undefined): void {
  installed = launcher;
}

/**
 * The launcher installed with {@linkcode setPoolLauncher}, if any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolLauncher } from "./pool_launcher.ts";
 *
 * assert.equal(poolLauncher(), undefined); // in an ordinary process
 * ```
 */
export function poolLauncher(): PoolLauncher | undefined {
  return installed;
}
