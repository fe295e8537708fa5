import type { EventSink } from "../../run/events.ts";
import type { ConditionOutcome, ReplicateOutcome } from "../../storage/outcome.ts";
import { replicateSeed } from "../../run/seeding.ts";
import type { ErrorData, WorkerSpec } from "./messages.ts";

/**
 * The outcome of a replicate that never reported one (its worker process
 * died, its task failed): every condition failed with `error` at step
 * `step` (`"worker"` by default), with the replicate's seed; an `error`
 * event per condition goes to `events` when the run listens for errors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failedOutcome } from "./failed_outcome.ts";
 *
 * const spec = { experimentName: "e", runId: "r", conditions: [{ name: "baseline", values: {} }], seeding: undefined, events: { replicates: false, steps: false, errors: false } };
 * const outcome = failedOutcome(spec, 3, { name: "WorkerExitError", message: "gone" }, undefined);
 * assert.equal(outcome.conditions[0].error?.step, "worker");
 * assert.equal(outcome.replicate, 3);
 * ```
 */
export function failedOutcome(
  spec: Pick<WorkerSpec, "experimentName" | "runId" | "conditions" | "seeding" | "events">,
  replicate: number,
  error: ErrorData,
  events: EventSink | undefined,
  step = "worker",
): ReplicateOutcome {
  const seed = spec.seeding === undefined ? undefined : replicateSeed(spec.seeding, replicate);
  const conditions: ConditionOutcome[] = spec.conditions.map((c) => {
    if (spec.events.errors) {
      events?.emit({
        type: "error",
        experiment: spec.experimentName,
        runId: spec.runId,
        replicate,
        condition: c.name,
        step,
        message: error.message,
      });
    }
    return {
      condition: c.name,
      seed,
      metrics: {},
      error: { condition: c.name, replicate, step, ...error },
      durationMs: 0,
      stepMs: [],
    };
  });
  return { replicate, conditions };
}
