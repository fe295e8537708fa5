/**
 * Entry point of a worker process. Reads frames from stdin (`init`, `run`,
 * `cancel`), rebuilds the experiment from its modules' exports, runs the
 * replicates it is given and writes one `outcome` frame per replicate to
 * stdout, synchronously, so that if the process dies the parent knows
 * exactly which replicate was running.
 * @module
 */
import { isPromiseLike } from "../../promise.ts";
import { IN_WORKER } from "./in_worker.ts";
import { runReplicate } from "../../experiment/condition_runner.ts";
import type { RunPlan } from "../../experiment/condition_runner.ts";
import type { ReplicateOutcome } from "../../experiment/outcome.ts";
import { encodeFrame, FrameReader } from "./frames.ts";
import { errorData, type FromWorker, type ToWorker } from "./messages.ts";
import { rebuildPlan } from "./rebuild.ts";
import { explainPermissionError } from "./permissions.ts";

function send(message: FromWorker): void {
  const frame = encodeFrame(message);
  let written = 0;
  while (written < frame.length) written += Deno.stdout.writeSync(frame.subarray(written));
}

// Experiment modules imported here must not start runs of their own.
(globalThis as { [IN_WORKER]?: boolean })[IN_WORKER] = true;

const cancel = new AbortController();
let plan: RunPlan | undefined;
let queue: Promise<void> = Promise.resolve();

globalThis.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  send({ type: "crash", error: errorData(e.reason) });
  Deno.exit(70);
});
globalThis.addEventListener("error", (e) => {
  e.preventDefault();
  send({ type: "crash", error: errorData(e.error ?? e.message) });
  Deno.exit(70);
});

async function runAll(replicates: readonly number[]): Promise<void> {
  for (const r of replicates) {
    if (cancel.signal.aborted) return;
    const out = runReplicate(plan!, r);
    const outcome = isPromiseLike(out) ? await out : out;
    send({ type: "outcome", outcome: withPermissionHints(outcome) });
  }
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

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case "init":
      try {
        plan = await rebuildPlan(message.spec, cancel.signal, {
          event: (event) => send({ type: "event", event }),
          log: (record) => send({ type: "log", record }),
        });
        send({ type: "ready" });
      } catch (error) {
        send({ type: "init-failed", error: errorData(error) });
        Deno.exit(71);
      }
      break;
    case "run":
      queue = queue.then(() => runAll(message.replicates));
      break;
    case "cancel":
      cancel.abort(new DOMException("The run was cancelled", "AbortError"));
      break;
  }
}

const reader = new FrameReader();
for await (const chunk of Deno.stdin.readable) {
  for (const frame of reader.push(chunk).frames) await handle(frame as ToWorker);
}
// stdin closed: the parent is done with this worker.
await queue;
Deno.exit(0);
