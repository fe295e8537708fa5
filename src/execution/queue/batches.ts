import type { ReplicateOutcome } from "../../storage/outcome.ts";
import type { WorkerSpec } from "../worker/messages.ts";

/** One job's worth of a run: consecutive replicates. */
export interface Batch {
  /** The batch's index (its job is `<run>.<index>`). */
  readonly index: number;
  /** Its replicate indices, ascending. */
  readonly replicates: readonly number[];
  /** Set once every replicate of the batch is recorded. */
  finished: boolean;
  /** How often it was enqueued again after its job went missing. */
  requeued: number;
}

/**
 * Splits replicates `0..replicates-1` into batches of `size` (the last may
 * be shorter), with the batch of each replicate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitIntoBatches } from "./batches.ts";
 *
 * const { batches, batchOf } = splitIntoBatches(5, 2);
 * assert.deepEqual(batches.map((b) => b.replicates), [[0, 1], [2, 3], [4]]);
 * assert.deepEqual(batchOf, [0, 0, 1, 1, 2]);
 * ```
 */
export function splitIntoBatches(
  replicates: number,
  size: number,
): { batches: Batch[]; batchOf: number[] } {
  const batches: Batch[] = [];
  const batchOf: number[] = new Array(replicates);
  for (let start = 0; start < replicates; start += size) {
    const end = Math.min(replicates, start + size);
    const indices = Array.from({ length: end - start }, (_, i) => start + i);
    for (const r of indices) batchOf[r] = batches.length;
    batches.push({ index: batches.length, replicates: indices, finished: false, requeued: 0 });
  }
  return { batches, batchOf };
}

/**
 * The batches a resumed run reuses in every condition: they need no job.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reusedBatches, splitIntoBatches } from "./batches.ts";
 *
 * const { batches } = splitIntoBatches(4, 2);
 * const spec = { conditions: [{ name: "baseline", values: {} }], reused: { baseline: [0, 1, 2] } };
 * assert.deepEqual(reusedBatches(batches, spec).map((b) => b.index), [0]);
 * ```
 */
export function reusedBatches(
  batches: readonly Batch[],
  spec: Pick<WorkerSpec, "conditions" | "reused">,
): Batch[] {
  const reused = spec.reused;
  if (reused === undefined) return [];
  const sets = spec.conditions.map((c) => new Set(reused[c.name] ?? []));
  return batches.filter((b) => b.replicates.every((r) => sets.every((set) => set.has(r))));
}

/**
 * An outcome without the conditions a resumed run reuses (a batch of the
 * run it reattached to ran them; they are not the loop's to report).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutReused } from "./batches.ts";
 *
 * const c = (condition: string) => ({ condition, seed: 1, metrics: {}, durationMs: 1, stepMs: [] });
 * const outcome = { replicate: 2, conditions: [c("baseline"), c("boost")] };
 * assert.deepEqual(withoutReused(outcome, { baseline: [2] }).conditions.map((x) => x.condition), ["boost"]);
 * ```
 */
export function withoutReused(
  outcome: ReplicateOutcome,
  reused: WorkerSpec["reused"],
): ReplicateOutcome {
  if (reused === undefined) return outcome;
  return {
    replicate: outcome.replicate,
    conditions: outcome.conditions.filter((c) => !reused[c.condition]?.includes(outcome.replicate)),
  };
}
