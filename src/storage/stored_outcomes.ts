import type { ConditionOutcome, ReplicateOutcome } from "./outcome.ts";
import type { ArtifactIndex } from "./result_json.ts";
import { artifactPath } from "./run_layout.ts";

/**
 * Puts reused outcomes back into the computed ones, in condition order, so
 * the result looks like one complete run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeReused } from "./stored_outcomes.ts";
 *
 * const fresh = { condition: "boost", seed: 1, metrics: { x: [2] }, durationMs: 1, stepMs: [1] };
 * const stored = { condition: "baseline", seed: 1, metrics: { x: [1] }, durationMs: 1, stepMs: [1] };
 * const all = mergeReused(
 *   [{ replicate: 0, conditions: [fresh] }],
 *   new Map([["baseline", new Map([[0, stored]])]]),
 *   ["baseline", "boost"],
 * );
 * assert.deepEqual(all[0].conditions.map((c) => c.condition), ["baseline", "boost"]);
 * ```
 */
export function mergeReused(
  outcomes: readonly ReplicateOutcome[],
  reused: ReadonlyMap<string, ReadonlyMap<number, ConditionOutcome>>,
  conditions: readonly string[],
): ReplicateOutcome[] {
  if (reused.size === 0) return [...outcomes];
  return outcomes.map((o) => {
    const computed = new Map(o.conditions.map((c) => [c.condition, c]));
    return {
      replicate: o.replicate,
      conditions: conditions.flatMap((name) => {
        const c = computed.get(name) ?? reused.get(name)?.get(o.replicate);
        return c === undefined ? [] : [c];
      }),
    };
  });
}

/**
 * Where each stored artifact of a run is: `index[name][condition][replicate]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { artifactIndex } from "./stored_outcomes.ts";
 *
 * const outcome = (replicate: number) => ({
 *   replicate,
 *   conditions: [{ condition: "baseline", seed: 1, metrics: {}, durationMs: 1, stepMs: [], artifacts: ["model.json"] }],
 * });
 * assert.deepEqual(artifactIndex([outcome(0), outcome(1)], "/out/train/v0", ["baseline"], 2)["model.json"].baseline, [
 *   "/out/train/v0/0/baseline/model.json",
 *   "/out/train/v0/1/baseline/model.json",
 * ]);
 * ```
 */
export function artifactIndex(
  outcomes: readonly ReplicateOutcome[],
  dir: string,
  conditions: readonly string[],
  replicates: number,
): ArtifactIndex {
  const index: Record<string, Record<string, (string | null)[]>> = {};
  for (const o of outcomes) {
    for (const c of o.conditions) {
      if (c.artifacts === undefined) continue; // most conditions write none
      for (const name of c.artifacts) {
        const byCondition = index[name] ??= Object.fromEntries(
          conditions.map((k) => [k, new Array<string | null>(replicates).fill(null)]),
        );
        (byCondition[c.condition] ??= new Array<string | null>(replicates).fill(null))[
          o.replicate
        ] = artifactPath(dir, o.replicate, c.condition, name);
      }
    }
  }
  return index;
}
