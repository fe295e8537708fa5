/**
 * The worker side of the process executor. A worker process runs a small
 * generated entry module that imports `mark_worker.ts`, this module and every
 * experiment module statically (static imports need no read permission, so
 * the worker's permissions stay what the experiment was granted), then calls
 * {@linkcode serveWorker}.
 *
 * The worker reads frames from stdin (`init`, `run`, `cancel`), runs the
 * replicates it is given and writes one `outcome` frame per replicate to
 * stdout, synchronously, so that if the process dies the parent knows exactly
 * which replicate was running. A worker kept alive between runs gets one
 * `init` per run: `init` and `run` are handled in the order they arrive, and
 * each `init` rebuilds the plan (the modules are already loaded, so that is
 * cheap) with a fresh cancel signal; `cancel` acts at once, on the current run.
 * @module
 */
import { runReplicate } from "../../experiment/condition_runner.ts";
import type { RunPlan } from "../../experiment/condition_runner.ts";
import type { ReplicateOutcome } from "../../experiment/outcome.ts";
import { isPromiseLike } from "../../promise.ts";
import { encodeFrame, FrameReader } from "./frames.ts";
import { errorData, type FromWorker, type ToWorker, type WorkerSpec } from "./messages.ts";
import { explainPermissionError } from "./permissions.ts";
import { rebuildPlan } from "./rebuild.ts";

function send(message: FromWorker): void {
  const frame = encodeFrame(message);
  let written = 0;
  while (written < frame.length) written += Deno.stdout.writeSync(frame.subarray(written));
}

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
 * Serves the parent until stdin closes. `modules` maps module URLs to the
 * namespaces the entry imported.
 *
 * @example
 * ```ts
 * import * as steps from "file:///exp/steps.ts";
 * await serveWorker({ "file:///exp/steps.ts": steps });
 * ```
 */
export async function serveWorker(
  modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): Promise<void> {
  let cancel = new AbortController();
  let plan: RunPlan | undefined;
  let queue: Promise<void> = Promise.resolve();
  const crash = (error: unknown) => {
    send({ type: "crash", error: errorData(error) });
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

  const init = (spec: WorkerSpec) => {
    cancel = new AbortController();
    try {
      plan = rebuildPlan(spec, modules, cancel.signal, {
        event: (event) => send({ type: "event", event }),
        log: (record) => send({ type: "log", record }),
      });
      send({ type: "ready" });
    } catch (error) {
      send({ type: "init-failed", error: errorData(error) });
      Deno.exit(71);
    }
  };
  const runAll = async (replicates: readonly number[]) => {
    const signal = cancel.signal;
    for (const r of replicates) {
      if (signal.aborted) return;
      const out = runReplicate(plan!, r);
      send({ type: "outcome", outcome: withPermissionHints(isPromiseLike(out) ? await out : out) });
    }
  };
  const handle = (message: ToWorker) => {
    switch (message.type) {
      case "init":
        queue = queue.then(() => init(message.spec));
        break;
      case "run":
        queue = queue.then(() => runAll(message.replicates));
        break;
      case "cancel":
        cancel.abort(new DOMException("The run was cancelled", "AbortError"));
        break;
    }
  };

  const reader = new FrameReader();
  for await (const chunk of Deno.stdin.readable) {
    for (const frame of reader.push(chunk).frames) handle(frame as ToWorker);
  }
  // stdin closed: the parent is done with this worker.
  await queue;
  Deno.exit(0);
}
