import type { ConditionOutcome, ReplicateOutcome } from "./outcome.ts";
import type { ArtifactIndex } from "./result_json.ts";
import { artifactPath } from "./run_layout.ts";

/** Outcomes a resumed run reuses from the previous one, by condition then replicate. */
export type ReusedOutcomes = ReadonlyMap<string, ReadonlyMap<number, ConditionOutcome>>;

/**
 * Puts the reused outcomes of one replicate back among its computed ones, in
 * condition order, so the result looks like one complete run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withReused } from "./stored_outcomes.ts";
 *
 * const fresh = { condition: "boost", seed: 1, metrics: { x: [2] }, durationMs: 1, stepMs: [1] };
 * const stored = { condition: "baseline", seed: 1, metrics: { x: [1] }, durationMs: 1, stepMs: [1] };
 * const all = withReused(
 *   { replicate: 0, conditions: [fresh] },
 *   new Map([["baseline", new Map([[0, stored]])]]),
 *   ["baseline", "boost"],
 * );
 * assert.deepEqual(all.conditions.map((c) => c.condition), ["baseline", "boost"]);
 * ```
 */
export function withReused(
  outcome: ReplicateOutcome,
  reused: ReusedOutcomes,
  conditions: readonly string[],
): ReplicateOutcome {
  if (reused.size === 0) return outcome;
  const computed = new Map(outcome.conditions.map((c) => [c.condition, c]));
  return {
    replicate: outcome.replicate,
    conditions: conditions.flatMap((name) => {
      const c = computed.get(name) ?? reused.get(name)?.get(outcome.replicate);
      return c === undefined ? [] : [c];
    }),
  };
}

/**
 * Builds, one outcome at a time, where each stored artifact of a run is:
 * `index[name][condition][replicate]` (`null` where a replicate wrote none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactIndexBuilder } from "./stored_outcomes.ts";
 *
 * const index = new ArtifactIndexBuilder("/out/train/v0", ["baseline"], 2);
 * for (const replicate of [0, 1]) {
 *   const c = { condition: "baseline", seed: 1, metrics: {}, durationMs: 1, stepMs: [], artifacts: ["model.json"] };
 *   index.add({ replicate, conditions: [c] });
 * }
 * assert.deepEqual(index.index["model.json"].baseline, [
 *   "/out/train/v0/0/baseline/model.json",
 *   "/out/train/v0/1/baseline/model.json",
 * ]);
 * ```
 */
export class ArtifactIndexBuilder {
  /** The index so far. */
  readonly index: ArtifactIndex;
  readonly #entries: Record<string, Record<string, (string | null)[]>> = {};
  readonly #dir: string;
  readonly #conditions: readonly string[];
  readonly #replicates: number;

  /** Starts an empty index of the run stored in `dir`. */
  constructor(dir: string, conditions: readonly string[], replicates: number) {
    this.#dir = dir;
    this.#conditions = conditions;
    this.#replicates = replicates;
    this.index = this.#entries;
  }

  /** Adds the artifacts of one replicate. */
  add(outcome: ReplicateOutcome): void {
    for (const c of outcome.conditions) {
      if (c.artifacts === undefined) continue; // most conditions write none
      for (const name of c.artifacts) {
        const byCondition = this.#entries[name] ??= Object.fromEntries(
          this.#conditions.map((k) => [k, this.#empty()]),
        );
        (byCondition[c.condition] ??= this.#empty())[outcome.replicate] = artifactPath(
          this.#dir,
          outcome.replicate,
          c.condition,
          name,
        );
      }
    }
  }

  #empty(): (string | null)[] {
    return new Array<string | null>(this.#replicates).fill(null);
  }
}
