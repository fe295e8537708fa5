/**
 * The worker side of the process executor. A worker process runs a small
 * generated entry module (`entry.ts`) that imports the channel to its
 * parent and this module, then calls {@linkcode serveWorker} with a loader
 * of the experiment modules. A run that experiment code starts here is
 * refused (see `hosted_run.ts`): a worker only runs what it is sent.
 *
 * The worker reads frames from stdin (`init`, `run`, `cancel`), runs the
 * replicates it is given and writes one `outcome` frame per replicate to
 * stdout, synchronously, so that if the process dies the parent knows exactly
 * which replicate was running. A worker kept alive between runs gets one
 * `init` per run: `init` and `run` are handled in the order they arrive, and
 * each `init` rebuilds the plan (the modules are already loaded, so that is
 * cheap) with a fresh cancel signal; `cancel` acts at once, on the run of the
 * latest `init` received (whose `init` and batches may still be queued).
 * @module
 */
import { runReplicate } from "../../run/condition_runner.ts";
import type { RunPlan } from "../../run/run_plan.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import { isPromiseLike } from "../../promise.ts";
import type { ImportedModules, ModuleLoader } from "./entry.ts";
import { errorData, type FromWorker, type ToWorker, type WorkerSpec } from "./messages.ts";
import { parentChannel } from "./parent_channel.ts";
import { explainPermissionError } from "./permissions.ts";
import { rebuildPlan } from "./rebuild.ts";

const parent = parentChannel<FromWorker, ToWorker>();

function withPermissionHints(outcome: ReplicateOutcome): ReplicateOutcome {
  if (!outcome.conditions.some((c) => c.error !== undefined)) return outcome;
  return {
    replicate: outcome.replicate,
    conditions: outcome.conditions.map((c) =>
      c.error === undefined
        ? c
        : { ...c, error: { ...c.error, message: explainPermissionError(c.error) } }
    ),
  };
}

/**
 * Serves the parent until stdin closes. `load` imports the experiment
 * modules (see `entry.ts`); a module that cannot be loaded (a permission
 * the sandbox does not give, a syntax error) is reported as `init-failed`.
 *
 * @example
 * ```ts ignore
 * // Not run: it serves frames on this process's own stdin and stdout (it is a worker's main loop).
 * import { serveWorker } from "./host.ts";
 *
 * await serveWorker(async () => ({ "file:///exp/steps.ts": await import("file:///exp/steps.ts") }));
 * ```
 */
export async function serveWorker(load: ModuleLoader): Promise<void> {
  let cancel = new AbortController();
  let plan: RunPlan | undefined;
  let queue: Promise<void> = Promise.resolve();
  const crash = (error: unknown) => {
    parent.send({ type: "crash", error: errorData(error) });
    Deno.exit(70);
  };
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    crash(e.reason);
  });
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    crash(e.error ?? e.message);
  });
  let modules: ImportedModules;
  try {
    modules = await load();
  } catch (error) {
    parent.send({ type: "init-failed", error: errorData(error) });
    Deno.exit(71);
  }

  const init = (spec: WorkerSpec, signal: AbortSignal) => {
    try {
      plan = rebuildPlan(spec, modules, signal, {
        event: (event) => parent.send({ type: "event", event }),
        log: (record) => parent.send({ type: "log", record }),
      });
      parent.send({ type: "ready" });
    } catch (error) {
      parent.send({ type: "init-failed", error: errorData(error) });
      Deno.exit(71);
    }
  };
  const runAll = async (replicates: readonly number[], signal: AbortSignal) => {
    try {
      for (const r of replicates) {
        if (signal.aborted) return;
        const out = runReplicate(plan!, r);
        parent.send({
          type: "outcome",
          outcome: withPermissionHints(isPromiseLike(out) ? await out : out),
        });
      }
    } finally {
      plan!.recorder?.flush(); // a batch's outcome lines are on disk before the next batch
    }
  };
  const handle = (message: ToWorker) => {
    switch (message.type) {
      // Each message belongs to the run whose `init` came last when it arrived, so a `cancel`
      // that arrives before that run's queued `init` and batches are handled still stops them.
      case "init": {
        cancel = new AbortController();
        const { signal } = cancel;
        queue = queue.then(() => init(message.spec, signal));
        break;
      }
      case "run": {
        const { signal } = cancel;
        queue = queue.then(() => runAll(message.replicates, signal));
        break;
      }
      case "cancel":
        cancel.abort(new DOMException("The run was cancelled", "AbortError"));
        break;
    }
  };

  // The parent sends `init` at once: read it without waiting for an asynchronous read to start.
  const first = parent.receiveSync();
  if (first !== undefined) handle(first);
  // Messages read together are handled together: a `cancel` behind a `run` stops it before it starts.
  for await (const group of parent.messageGroups()) for (const message of group) handle(message);
  // stdin closed: the parent is done with this worker.
  await queue;
  Deno.exit(0);
}
