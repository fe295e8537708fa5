import { join } from "../path.ts";
import { toJsonText } from "./json_values.ts";
import { artifactPath, RUN_FILES } from "./run_layout.ts";
import type { ConditionOutcome } from "./outcome.ts";
import { readOutcomes, type RunManifest } from "./stored_run.ts";

/** Stored outcomes by condition, then replicate. */
export type OutcomesByCondition = ReadonlyMap<string, ReadonlyMap<number, ConditionOutcome>>;

/**
 * The previous run's successful replicates whose condition fingerprint is
 * unchanged in `manifest` (and whose artifact files are still on disk): what
 * a resumed run reuses instead of computing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reusableOutcomes } from "./run_carry_over.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const outcome = { condition: "baseline", seed: 1, metrics: { x: [1] }, durationMs: 1, stepMs: [1] };
 * await Deno.writeTextFile(`${dir}/outcomes.jsonl`, JSON.stringify({ replicate: 0, conditions: [outcome] }) + "\n");
 * const manifest = { runId: "r", experiment: "e", seed: 1, replicates: 2, startedAt: "", outputs: [] };
 * const same = reusableOutcomes({ dir, manifest: { ...manifest, fingerprints: { baseline: "f" } } }, {
 *   ...manifest,
 *   fingerprints: { baseline: "f" },
 * });
 * assert.deepEqual(same.get("baseline")?.get(0)?.metrics, { x: [1] });
 * const changed = { ...manifest, fingerprints: { baseline: "g" } };
 * assert.equal(reusableOutcomes({ dir, manifest: { ...manifest, fingerprints: { baseline: "f" } } }, changed).size, 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function reusableOutcomes(
  previous: { readonly dir: string; readonly manifest: RunManifest },
  manifest: RunManifest,
): Map<string, Map<number, ConditionOutcome>> {
  const stored = readOutcomes(previous.dir);
  const out = new Map<string, Map<number, ConditionOutcome>>();
  for (const [condition, fingerprint] of Object.entries(manifest.fingerprints)) {
    if (fingerprint === null || previous.manifest.fingerprints[condition] !== fingerprint) continue;
    const keep = new Map<number, ConditionOutcome>();
    for (const [replicate, outcome] of stored.get(condition) ?? []) {
      if (
        replicate < manifest.replicates && outcome.error === undefined &&
        outcome.cancelled === undefined &&
        artifactsOnDisk(previous.dir, replicate, condition, outcome.artifacts ?? [])
      ) {
        keep.set(replicate, outcome);
      }
    }
    if (keep.size > 0) out.set(condition, keep);
  }
  return out;
}

/** A replicate whose stored files were lost since is computed again, not carried over. */
function artifactsOnDisk(
  dir: string,
  replicate: number,
  condition: string,
  names: readonly string[],
): boolean {
  return names.every((name) =>
    [name, `${name}.meta.json`].every((file) => {
      try {
        return Deno.statSync(artifactPath(dir, replicate, condition, file)).isFile;
      } catch {
        return false;
      }
    })
  );
}

/**
 * Copies reused records into the new version's `outcomes.jsonl` and links
 * their artifact files (copies where links fail), so the new version is
 * complete on its own.
 */
export function carryOver(from: string, to: string, reused: OutcomesByCondition): void {
  const byReplicate = new Map<number, ConditionOutcome[]>();
  for (const [condition, outcomes] of reused) {
    for (const [replicate, outcome] of outcomes) {
      (byReplicate.get(replicate) ?? byReplicate.set(replicate, []).get(replicate)!).push(outcome);
      for (const name of outcome.artifacts ?? []) {
        for (const file of [name, `${name}.meta.json`]) {
          linkOrCopy(
            artifactPath(from, replicate, condition, file),
            artifactPath(to, replicate, condition, file),
          );
        }
      }
    }
  }
  const lines = [...byReplicate].sort(([a], [b]) => a - b)
    .map(([replicate, conditions]) => toJsonText({ replicate, conditions }) + "\n").join("");
  Deno.writeTextFileSync(join(to, RUN_FILES.outcomes), lines, { append: true });
}

function linkOrCopy(from: string, to: string): void {
  Deno.mkdirSync(join(to, ".."), { recursive: true });
  try {
    Deno.linkSync(from, to);
  } catch {
    Deno.copyFileSync(from, to);
  }
}
