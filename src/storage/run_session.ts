import { errorMessage } from "../errors.ts";
import type { ConditionOutcome, ReplicateOutcome } from "./outcome.ts";
import type { ArtifactIndex, ResultJson } from "./result_json.ts";
import type { OutcomesByCondition } from "./run_carry_over.ts";
import { artifactPath, versionDir } from "./run_layout.ts";
import type { RunRecorder } from "./run_recorder.ts";
import { StoredRunError } from "./stored_run.ts";

/** A run's place on disk, chosen when it starts. */
export interface StoredRunTarget {
  /** `<root>/<experiment>`. */
  readonly experimentDir: string;
  /** `<root>/<experiment>/v<N>`. */
  readonly dir: string;
  /** N. */
  readonly version: number;
}

/** What a run session needs of its store when the run ends (a `RunStore`). */
export interface VersionKeeper {
  /** Versions kept (see `RunStore.retention`). */
  readonly retention: number;
  /** Writes `run.json` and applies retention. */
  saveRun(target: StoredRunTarget, result: ResultJson): void;
  /** The versions `saveRun` will remove. */
  retiredVersions(target: StoredRunTarget, errors: readonly { readonly step: string }[]): number[];
}

/**
 * A stored run in progress, opened by `RunStore.open`: where it writes, the
 * recorder its replicates write through (rebuilt in worker processes from
 * `recorder.settings`), and what it reuses from the run it resumes.
 */
export class RunSession {
  /** Its folder, claimed when it opened. */
  readonly target: StoredRunTarget;
  /** Records artifacts and replicates. */
  readonly recorder: RunRecorder;
  /** Outcomes reused from the previous run, by condition then replicate. */
  readonly reused: OutcomesByCondition;
  /** The version they come from, when resuming. */
  readonly resumedFrom: number | undefined;
  readonly #store: VersionKeeper;

  /** Prefer `RunStore.open`. */
  constructor(
    store: VersionKeeper,
    target: StoredRunTarget,
    recorder: RunRecorder,
    reused: OutcomesByCondition,
    resumedFrom: number | undefined,
  ) {
    this.#store = store;
    this.target = target;
    this.recorder = recorder;
    this.reused = reused;
    this.resumedFrom = resumedFrom;
  }

  /** The run's final folder (an unversioned run writes beside `v0` until it is saved). */
  get dir(): string {
    return versionDir(this.target.experimentDir, this.target.version);
  }

  /** The versions retention removes when the run is saved (see `RunStore.retiredVersions`). */
  retiredVersions(errors: readonly { readonly step: string }[]): number[] {
    return this.#store.retiredVersions(this.target, errors);
  }

  /** Versions the store keeps. */
  get retention(): number {
    return this.#store.retention;
  }

  /** Reused replicates per condition (what the run's `provenance.stored.reused` records). */
  reusedCounts(): Record<string, number> {
    return Object.fromEntries([...this.reused].map(([c, m]) => [c, m.size]));
  }

  /** The replicates to skip per condition: those reused. */
  reusedReplicates(): Map<string, Set<number>> {
    return new Map([...this.reused].map(([c, byReplicate]) => [c, new Set(byReplicate.keys())]));
  }

  /**
   * Writes `run.json` (and applies retention). A failure throws
   * {@linkcode StoredRunError} carrying `result`: the run finished, and
   * its replicates are recorded, so a resume can finish storing it.
   */
  save(result: { toJSON(): ResultJson }): void {
    try {
      this.#store.saveRun(this.target, result.toJSON());
    } catch (error) {
      const wrapped = new StoredRunError(
        `the run finished but its result could not be stored in ${this.target.dir}: ${
          errorMessage(error)
        }; the result is attached to this error (error.result), and its replicates are in ` +
          `${this.target.dir}/outcomes.jsonl, so run({ strategy: "resume" }) can finish it`,
        { cause: error },
      );
      wrapped.result = result;
      throw wrapped;
    }
  }
}

/**
 * Puts reused outcomes back into the computed ones, in condition order, so
 * the result looks like one complete run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeReused } from "./run_session.ts";
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
 * import { artifactIndex } from "./run_session.ts";
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
