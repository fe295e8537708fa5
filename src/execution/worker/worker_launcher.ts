/**
 * The executor seam: how an execution plugin runs replicates on worker
 * processes, and who starts those processes.
 *
 * A {@linkcode WorkerLauncher} takes a {@linkcode PoolRequest} — the run's
 * {@linkcode WorkerSpec} (plain data: the modules and exports workers rebuild
 * the experiment from) and the pool's settings — starts worker processes
 * it owns, runs replicates `0..run.replicates-1` on them, and hands each
 * replicate's outcome to `run.report` as it arrives, in any order (a
 * replicate whose worker crashed is a failed outcome, not a rejection),
 * resolving once the pool is done: outcomes stream into the run's fold, so
 * a large run's memory stays flat. The program that hosts a
 * run hands its launcher to the run, `experiment.run({ workerLauncher })`
 * or `graph.run({ workerLauncher })`, and executors find it in their loop
 * context ({@linkcode ExecutorLoopContext}, read with
 * {@linkcode injectedLauncher}): it is injected, never installed
 * process-wide. The CLI's sandboxed runner always passes one: it
 * may not start processes (granting it `--allow-run` for `deno` would let
 * experiment code start Deno with any flags), so its launcher relays the
 * request to the CLI (`cli/runner/pool_relay.ts`), and the CLI's
 * `SandboxLauncher` (`cli/sandbox_launcher.ts`) checks it and starts the workers
 * with the sandbox's own permission flags. Without an injected launcher,
 * `ParallelExecution` uses its own, which starts `deno run` children with
 * the permissions it was given (and needs `--allow-run`).
 *
 * A distributed executor plugs in at both ends of this seam. Its
 * coordinator is an execution plugin; whatever it runs on this machine goes
 * through `injectedLauncher(loop)` when there is one (under the CLI there
 * always is). A machine that takes work from the cluster runs it through a
 * launcher of its own: in the CLI, a `SandboxLauncher` built from that
 * machine's own sandbox (its `--allow-*` flags), so a task never runs with
 * more than the machine grants; {@linkcode runPoolOn} runs a request on a
 * `WorkerPool` with the launch that launcher computes.
 *
 * What an executor must not do:
 * - start `deno` itself, or compute permission flags, when a launcher was
 *   injected: only the host's launcher applies the host's sandbox;
 * - count on `request.permissions`: they are what the plugin asks for, and
 *   a launcher may grant less (the CLI's grants only its sandbox);
 * - put anything but plain data in the request, or keep the launcher past
 *   the run it was given to: the request crosses processes and is checked
 *   there (its shape, and that every module a worker would import lies
 *   where the sandbox may read);
 * - import experiment modules in the process that starts the workers:
 *   experiment code runs only in sandboxed processes.
 *
 * What a launcher must do: treat the request as hostile (it is made by
 * experiment code) and check it; build the launch flags from its own
 * settings only; treat what workers send as hostile (frames are sealed and
 * shape-checked, a worker reporting a replicate it was not given is
 * killed); and stop every process it started once the run is over or
 * `run.signal` aborts, before it resolves.
 * @module
 */
import type { LoopContext, OutcomeSink } from "../../run/plugin.ts";
import type { WorkerSpec } from "./messages.ts";
import type { WorkerPermissions } from "./permissions.ts";
import { runOnWorkers, type WorkerRunSinks } from "./run_on_workers.ts";
import type { WorkerPool } from "./worker_pool.ts";
import type { WorkerLaunch } from "./worker_process.ts";

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
  /** Set when the replicates run on a queue (`QueueExecution`): the launcher coordinates the run there. */
  readonly queue?: QueueSettings;
}

/** Where and how a run uses a queue: `QueueExecution`'s settings, as plain data. */
export interface QueueSettings {
  /** Redis URL. */
  readonly connection: string;
  /** Queue name. */
  readonly queue: string;
  /** Replicates per job. */
  readonly batchSize: number;
  /** How long the run waits for Redis when it goes away, ms. */
  readonly redisWaitMs: number;
  /** How often unfinished jobs are checked for having failed or been lost, ms. */
  readonly checkEveryMs: number;
  /** The shared output root workers write artifacts into (absolute), when there is one. */
  readonly sharedOutput?: string;
}

/**
 * One run of a pool: how many replicates, when to stop, and where workers'
 * outcomes, events and logs go.
 */
export interface PoolRun extends WorkerRunSinks {
  /** Replicates to run (indices `0..replicates-1`). */
  readonly replicates: number;
  /** Aborted when the run is cancelled: workers are asked to stop, then killed. */
  readonly signal: AbortSignal;
  /**
   * Takes each replicate's outcome as it arrives, in any order, once per
   * replicate, and never after `runPool` resolved (the run's `loop.report`).
   */
  readonly report: OutcomeSink;
}

/**
 * Starts worker processes for a run and runs its replicates on them (see
 * this module for who provides one, and the rules on both sides).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PoolRequest, PoolRun, WorkerLauncher } from "./worker_launcher.ts";
 *
 * // A launcher that refuses every pool: the run's replicates fail with its reason.
 * const refusing: WorkerLauncher = {
 *   runPool: (_request: PoolRequest, _run: PoolRun): Promise<void> =>
 *     Promise.reject(new Error("no worker processes on this machine")),
 * };
 * assert.equal(typeof refusing.runPool, "function");
 * ```
 */
export interface WorkerLauncher {
  /** Runs `run.replicates` replicates of `request.spec`, reporting each outcome to `run.report`. */
  runPool(request: PoolRequest, run: PoolRun): Promise<void>;
}

/**
 * What an execution plugin's loop is told: the run's {@linkcode LoopContext}
 * and, when the run's host injected one, its launcher (the experiment hands
 * it to the engine as the run's `host`, which adds it to the loop context).
 */
export interface ExecutorLoopContext extends LoopContext {
  /** The launcher of the program hosting the run, when it injected one (`RunOptions.workerLauncher`). */
  readonly workerLauncher?: WorkerLauncher;
}

/**
 * The launcher the run's host injected, as an executor's
 * `runExperimentLoop` reads it from the loop context it is given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LoopContext } from "../../run/plugin.ts";
 * import { injectedLauncher } from "./worker_launcher.ts";
 *
 * const loop = { replicates: 1, signal: new AbortController().signal } as LoopContext;
 * assert.equal(injectedLauncher(loop), undefined); // a run no host gave a launcher
 * ```
 */
export function injectedLauncher(loop: LoopContext): WorkerLauncher | undefined {
  return (loop as ExecutorLoopContext).workerLauncher;
}

/**
 * Runs a pool request on workers taken from `pool`, started with `launch`
 * (the launcher's own entry and flags), `workers` at once (default: as
 * many as the request asks for).
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
 * import { runPoolOn } from "./worker_launcher.ts";
 * import { WorkerPool } from "./worker_pool.ts";
 *
 * const examples = new URL("../../../examples", import.meta.url).pathname;
 * const launch = {
 *   entry: workerEntry(spec, { loading: "static" }),
 *   flags: launchFlags({ read: [examples], write: [], config: "none" }),
 * };
 * const pool = new WorkerPool({ keepAlive: false, maxIdle: 0 });
 * const request = { spec, workers: 1, cancelGraceMs: 500, permissions: {} };
 * const arrived: number[] = [];
 * const report = (o: { replicate: number }) => arrived.push(o.replicate);
 * const run = { replicates: 2, signal: new AbortController().signal, events: undefined, logger: console, report };
 * await runPoolOn(pool, launch, request, run);
 * await pool.close();
 * assert.deepEqual(arrived.sort(), [0, 1]);
 * ```
 */
export function runPoolOn(
  pool: WorkerPool,
  launch: WorkerLaunch,
  request: PoolRequest,
  run: PoolRun,
  workers: number = request.workers,
): Promise<void> {
  return runOnWorkers(request.spec, run, pool, {
    workers,
    launch,
    timeoutMs: request.timeoutMs,
    cancelGraceMs: request.cancelGraceMs,
  }, run);
}
