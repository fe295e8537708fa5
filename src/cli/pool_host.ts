import type { LogRecord } from "../context/logger.ts";
import type { ProgressEvent } from "../run/events.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";
import { workerEntry } from "../execution/worker/entry.ts";
import { allRefs } from "../execution/worker/messages.ts";
import type { PoolRequest } from "../execution/worker/pool_launcher.ts";
import { runOnWorkers } from "../execution/worker/run_on_workers.ts";
import { WorkerPool } from "../execution/worker/worker_pool.ts";
import { DEFAULT_WORKER_V8_FLAGS, v8FlagsArguments } from "../execution/worker/v8_flags.ts";
import { MAX_REPLICATES } from "../run/replicates.ts";
import { CliError } from "./cli_error.ts";
import { libraryUrl } from "./runner_entry.ts";
import { WORKER_BUDGET } from "./worker_budget.ts";
import { mayImport, type Sandbox, sandboxFlags } from "./sandbox.ts";

/** Most worker processes one run may ask for. */
const MAX_WORKERS = 64;

/** What the pool reports back to the runner while it runs. */
export interface PoolSinks {
  /** Progress events from the workers. */
  readonly events: (events: readonly ProgressEvent[]) => void;
  /** `ctx.logger` records from the workers. */
  readonly log: (record: LogRecord) => void;
}

/**
 * Runs a worker pool the sandboxed runner asked for. The runner may not
 * start processes, so the CLI does, from plain data only: it checks the
 * request (worker count, that every module a worker would import lies in
 * the sandbox's readable folders), then starts each worker with the
 * sandbox's own permission flags — never flags from the runner — and the
 * generated entry for the spec, as many at once as the CLI's worker
 * budget allows (see `worker_budget.ts`). Permissions the experiment's plugin asked
 * for are not granted (the runner has only what the sandbox gives); they
 * come from config.yaml or `--allow-*` flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BasePlugin, Experiment, type ExperimentView, type LoopContext, type ReplicateFunction } from "@crystallize/deno";
 * import { fetchNumbers, total } from "../../examples/scaling_demo.ts";
 * import { workerSpec } from "../execution/worker/spec.ts";
 * import { hostPool } from "./pool_host.ts";
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
 * const sandbox = { read: [examples], write: [home], home, granted: {}, library: libraryRoot() };
 * const relay = () => {};
 * const outcomes = await hostPool(sandbox, request, 2, new AbortController().signal, { events: relay, log: relay });
 * assert.deepEqual(outcomes.map((o) => o.replicate), [0, 1]);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function hostPool(
  sandbox: Sandbox,
  request: PoolRequest,
  replicates: number,
  signal: AbortSignal,
  sinks: PoolSinks,
): Promise<ReplicateOutcome[]> {
  checkRequest(sandbox, request, replicates);
  const flags = sandboxFlags(sandbox);
  flags.push(...v8FlagsArguments(DEFAULT_WORKER_V8_FLAGS, request.maxHeapMb));
  // The pool reports through these two members of a run plan only.
  const plan = {
    events: {
      replicates: request.spec.events.replicates,
      steps: request.spec.events.steps,
      emit: (event: ProgressEvent) => sinks.events([event]),
    },
    logger: {
      debug: (message: string, fields = {}) => sinks.log(record("debug", message, fields)),
      info: (message: string, fields = {}) => sinks.log(record("info", message, fields)),
      warn: (message: string, fields = {}) => sinks.log(record("warn", message, fields)),
      error: (message: string, fields = {}) => sinks.log(record("error", message, fields)),
    },
  };
  const pool = new WorkerPool({ keepAlive: false, maxIdle: 0 });
  const workers = await WORKER_BUDGET.reserve(request.workers);
  try {
    return await runOnWorkers(request.spec, plan, pool, {
      workers,
      launch: {
        entry: workerEntry(request.spec, {
          loading: "checked",
          library: libraryUrl(sandbox.library),
        }),
        flags,
      },
      timeoutMs: request.timeoutMs,
      cancelGraceMs: request.cancelGraceMs,
    }, { replicates, signal });
  } finally {
    await pool.close();
    WORKER_BUDGET.release(workers);
  }
}

function record(
  level: LogRecord["level"],
  message: string,
  fields: Readonly<Record<string, unknown>>,
): LogRecord {
  return { level, message, time: Date.now(), fields };
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
