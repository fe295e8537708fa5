import { workerEntry } from "../execution/worker/entry.ts";
import { launchFlags } from "../execution/worker/launch_flags.ts";
import { allRefs } from "../execution/worker/messages.ts";
import {
  type PoolRequest,
  type PoolRun,
  runPoolOn,
  type WorkerLauncher,
} from "../execution/worker/worker_launcher.ts";
import { WorkerPool } from "../execution/worker/worker_pool.ts";
import { DEFAULT_WORKER_V8_FLAGS } from "../execution/worker/v8_flags.ts";
import { MAX_REPLICATES } from "../run/replicates.ts";
import { CliError } from "./cli_error.ts";
import { allowedQueue, hostQueue } from "./queue_host.ts";
import { libraryUrl } from "./runner_entry.ts";
import { WORKER_BUDGET } from "./worker_budget.ts";
import { mayImport, type Sandbox, sandboxLaunch } from "./sandbox.ts";

/** Most worker processes one run may ask for. */
const MAX_WORKERS = 64;

/**
 * The CLI's worker launcher: starts the worker processes of a sandboxed
 * run (see `worker_launcher.ts`). The requests come from experiment code
 * (the runner relays them, `runner/pool_relay.ts`), so they are plain data
 * and checked: the worker count, and that every module a worker would
 * import lies in the sandbox's readable folders. Each worker starts with
 * the sandbox's own launch — its permission flags, never flags from the
 * request — and the generated entry for the spec, as many at once as the
 * CLI's worker budget allows (see `worker_budget.ts`). Permissions the
 * experiment's plugin asked for are not granted (the runner has only what
 * the sandbox gives); they come from config.yaml or `--allow-*` flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BasePlugin, Experiment, type ExperimentView, type LoopContext, type ReplicateFunction } from "@crystallize/deno";
 * import { fetchNumbers, total } from "../../examples/scaling_demo.ts";
 * import { workerSpec } from "../execution/worker/spec.ts";
 * import { SandboxLauncher } from "./sandbox_launcher.ts";
 * import { libraryRoot } from "./sandbox.ts";
 *
 * // The runner describes the pool an experiment asks for; here it is made from a kept plan.
 * class KeepPlan extends BasePlugin {
 *   plan: LoopContext["plan"] | undefined;
 *   override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
 *     this.plan = loop.plan;
 *     return undefined;
 *   }
 * }
 * const keep = new KeepPlan();
 * await Experiment.builder("hosted").datasource(fetchNumbers()).addStep(total())
 *   .plugins([keep]).replicates(2).build().run();
 * const request = { spec: await workerSpec(keep.plan!, "warn"), workers: 1, cancelGraceMs: 500, permissions: {} };
 * const examples = new URL("../../examples", import.meta.url).pathname;
 * const home = await Deno.makeTempDir();
 * const launcher = new SandboxLauncher({ read: [examples], write: [home], home, granted: {}, library: libraryRoot() });
 * const arrived: number[] = [];
 * const report = (o: { replicate: number }) => arrived.push(o.replicate);
 * const run = { replicates: 2, signal: new AbortController().signal, events: undefined, logger: console, report };
 * await launcher.runPool(request, run);
 * assert.deepEqual(arrived.sort(), [0, 1]);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export class SandboxLauncher implements WorkerLauncher {
  readonly #sandbox: Sandbox;
  /** The Redis a queue run may use (`--redis`), if any. */
  readonly #redis: string | undefined;
  /** The shared output root a queue run may use (`--shared-output`), if any. */
  readonly #sharedOutput: string | undefined;

  /**
   * A launcher starting workers in `sandbox`; queue runs may use only the
   * Redis at `redis`, and only `sharedOutput` as their shared output root.
   */
  constructor(sandbox: Sandbox, redis?: string, sharedOutput?: string) {
    this.#sandbox = sandbox;
    this.#redis = redis;
    this.#sharedOutput = sharedOutput;
  }

  /** Checks the request, then runs it on a pool of this run (see the class). */
  async runPool(request: PoolRequest, run: PoolRun): Promise<void> {
    const sandbox = this.#sandbox;
    checkRequest(sandbox, request, run.replicates);
    if (request.queue !== undefined) {
      return await hostQueue(
        sandbox,
        request,
        allowedQueue(request.queue, this.#redis, this.#sharedOutput),
        run,
      );
    }
    const launch = {
      entry: workerEntry(request.spec, {
        loading: "checked",
        library: libraryUrl(sandbox.library),
      }),
      flags: launchFlags({
        ...sandboxLaunch(sandbox),
        lazyImports: true, // the sandbox may read the library
        v8Flags: DEFAULT_WORKER_V8_FLAGS,
        maxHeapMb: request.maxHeapMb,
      }),
    };
    const pool = new WorkerPool({ keepAlive: false, maxIdle: 0 });
    const workers = await WORKER_BUDGET.reserve(request.workers);
    try {
      await runPoolOn(pool, launch, request, run, workers);
    } finally {
      await pool.close();
      WORKER_BUDGET.release(workers);
    }
  }
}

function checkRequest(sandbox: Sandbox, request: PoolRequest, replicates: number): void {
  const count = (n: unknown, max: number) =>
    typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= max;
  if (!count(request.workers, MAX_WORKERS) || !count(replicates, MAX_REPLICATES)) {
    throw new CliError(
      `the experiment asked for ${request.workers} worker processes for ${replicates} replicates; ` +
        `use 1 to ${MAX_WORKERS} workers (--workers N)`,
    );
  }
  if (request.maxHeapMb !== undefined && !count(request.maxHeapMb, 1 << 20)) {
    throw new CliError(`maxHeapMb must be a whole number of MiB, got ${request.maxHeapMb}`);
  }
  if (!(request.cancelGraceMs >= 0 && request.cancelGraceMs <= 600_000)) {
    throw new CliError(`cancelGraceMs must be between 0 and 600000, got ${request.cancelGraceMs}`);
  }
  const outside = [...new Set(allRefs(request.spec).map((r) => r.module))].filter((m) =>
    !mayImport(sandbox, m)
  );
  if (outside.length > 0) {
    throw new CliError(
      `worker processes would import ${
        outside.join(", ")
      }, outside the folders this experiment may read; ` +
        `move the code into the experiment's folder, or grant it with --allow-read=<folder>`,
    );
  }
}
