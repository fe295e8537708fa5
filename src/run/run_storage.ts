import { join } from "node:path";
import { canonicalHash } from "../cache/canonical_hash.ts";
import type { Logger } from "../context/logger.ts";
import type { ArtifactPlugin, StoredRunTarget } from "./artifact_plugin.ts";
import { atomicWriteSync } from "../storage/atomic_write.ts";
import { toJsonText } from "../storage/json_values.ts";
import { artifactPath, RUN_FILES, versionDir } from "../storage/run_layout.ts";
import { RunRecorder } from "../storage/run_recorder.ts";
import type { PipelineSignature } from "../pipeline/pipeline.ts";
import type { RunPlan } from "./condition_runner.ts";
import type { ConditionOutcome, ReplicateOutcome } from "../storage/outcome.ts";
import type { ArtifactIndex } from "../storage/result_json.ts";
import {
  type DeclaredOutput,
  listRuns,
  readOutcomes,
  type RunListing,
  type RunManifest,
} from "../storage/stored_run.ts";

/** A stored run in progress: where it writes, and what it reuses from the last one. */
export interface RunStorage {
  /** The plugin storing it. */
  readonly plugin: ArtifactPlugin;
  /** Its folder. */
  readonly target: StoredRunTarget;
  /** Records artifacts and replicates (also rebuilt in workers). */
  readonly recorder: RunRecorder;
  /** Outcomes reused from the previous run, by condition then replicate. */
  readonly reused: ReadonlyMap<string, ReadonlyMap<number, ConditionOutcome>>;
  /** The version they come from, when resuming. */
  readonly resumedFrom: number | undefined;
}

/**
 * Per condition, the hash of what its replicates depend on: pipeline
 * signature, datasource and its parameters, the condition's values and
 * treatment code, the master seed, and the declared outputs (names and
 * formats). `null` when something cannot be hashed (then nothing of that
 * condition is reused).
 *
 * Outputs count because what a step writes need not show in its code hash
 * (it may call a helper of another module): a replicate stored before an
 * output was added or changed lacks it, and reusing it would leave the new
 * run without the file a downstream experiment reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, type ExperimentView, type LoopContext, type ReplicateFunction, BasePlugin } from "@crystallize/deno";
 * import { conditionFingerprints } from "./run_storage.ts";
 *
 * // A plugin that keeps the run's plan; returning undefined lets the serial loop run.
 * class KeepPlan extends BasePlugin {
 *   plan: LoopContext["plan"] | undefined;
 *   override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
 *     this.plan = loop.plan;
 *     return undefined;
 *   }
 * }
 * const total = pipelineStep((data: number[], ctx) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
 *   return data;
 * }, { name: "total" });
 * const keep = new KeepPlan();
 * const pipeline = [total()];
 * const experiment = Experiment.builder("demo").datasource(dataSource(() => [1], { name: "n" })())
 *   .addStep(pipeline[0]).plugins([keep]).build();
 * await experiment.run();
 * const signature = { steps: pipeline.map((s) => ({ name: s.name, params: s.params, codeHash: s.codeHash })) };
 * const a = conditionFingerprints(keep.plan!, signature as never, 42, []);
 * const b = conditionFingerprints(keep.plan!, signature as never, 43, []);
 * assert.match(a.baseline ?? "", /^[0-9a-f]{64}$/);
 * assert.notEqual(a.baseline, b.baseline); // the seed is part of it
 * ```
 */
export function conditionFingerprints(
  plan: Pick<RunPlan, "datasource" | "conditions">,
  signature: PipelineSignature,
  seed: number | undefined,
  outputs: readonly DeclaredOutput[],
): Record<string, string | null> {
  const shared = [
    signature,
    plan.datasource.name,
    plan.datasource.params,
    plan.datasource.codeHash ?? null,
    seed,
    // Sorted: declaring the same outputs in another order writes the same files.
    declaredOutputs(outputs).map((o) => [o.name, o.format]).sort(([a], [b]) => a < b ? -1 : 1),
  ];
  return Object.fromEntries(plan.conditions.map((c) => {
    try {
      return [c.name, canonicalHash([shared, c.values, c.apply?.toString() ?? null])];
    } catch {
      return [c.name, null];
    }
  }));
}

/**
 * The name and format of each declared output, as a manifest stores them
 * (an `Artifact`'s description and methods left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact } from "@crystallize/deno";
 * import { declaredOutputs } from "./run_storage.ts";
 *
 * assert.deepEqual(declaredOutputs([new Artifact("model.json", { format: "json" })]), [
 *   { name: "model.json", format: "json" },
 * ]);
 * ```
 */
export function declaredOutputs(outputs: readonly DeclaredOutput[]): DeclaredOutput[] {
  return outputs.map((o) => ({ name: o.name, format: o.format }));
}

/**
 * The newest version of the experiment that recorded a manifest (finished or
 * not): what `"resume"` continues from.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactPlugin, dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 * import { lastRecordedRun } from "./run_storage.ts";
 *
 * const outputDir = await Deno.makeTempDir();
 * const plugin = new ArtifactPlugin();
 * const experiment = Experiment.builder("train").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })()).plugins([plugin]).outputDir(outputDir).build();
 * assert.equal(lastRecordedRun(plugin.experimentDir(experiment)), undefined);
 * await experiment.run({ seed: 5 });
 * assert.equal(lastRecordedRun(plugin.experimentDir(experiment))?.manifest.seed, 5);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export function lastRecordedRun(
  experimentDir: string,
): (RunListing & { readonly manifest: RunManifest }) | undefined {
  return listRuns(experimentDir).filter((r): r is RunListing & { manifest: RunManifest } =>
    r.manifest !== undefined
  ).at(-1);
}

/**
 * Opens a stored run: claims its version folder, writes the manifest and,
 * when resuming from `previous`, carries over every replicate whose
 * condition is unchanged (its record and its artifacts, hard-linked), so the
 * new version is complete on its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactPlugin, createLogger } from "@crystallize/deno";
 * import { openRunStorage } from "./run_storage.ts";
 *
 * const outputDir = await Deno.makeTempDir();
 * const manifest = {
 *   runId: "r1",
 *   experiment: "train",
 *   seed: 1,
 *   replicates: 1,
 *   startedAt: new Date().toISOString(),
 *   fingerprints: { baseline: null },
 *   outputs: [],
 * };
 * const storage = openRunStorage(new ArtifactPlugin(), { name: "train", outputDir }, manifest, undefined, createLogger());
 * assert.equal(storage.target.version, 0);
 * assert.equal(storage.resumedFrom, undefined);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export function openRunStorage(
  plugin: ArtifactPlugin,
  experiment: { readonly name: string; readonly outputDir?: string },
  manifest: RunManifest,
  previous: (RunListing & { readonly manifest: RunManifest }) | undefined,
  logger: Logger,
): RunStorage {
  const reused = previous === undefined ? new Map() : reusable(previous, manifest);
  const target = plugin.openRun(experiment);
  atomicWriteSync(
    join(target.dir, RUN_FILES.manifest),
    new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
    plugin.writeFile,
  );
  const recorder = new RunRecorder(
    { dir: target.dir, runId: manifest.runId },
    logger,
    plugin.writeFile,
  );
  if (previous !== undefined && reused.size > 0) carryOver(previous.dir, target.dir, reused);
  return { plugin, target, recorder, reused, resumedFrom: previous?.version };
}

/** The previous run's successful replicates whose condition fingerprint is unchanged. */
function reusable(
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

/** Copies reused records into the new version and links their artifact files. */
function carryOver(
  from: string,
  to: string,
  reused: ReadonlyMap<string, ReadonlyMap<number, ConditionOutcome>>,
): void {
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

/**
 * Puts reused outcomes back into the computed ones, in condition order, so
 * the result looks like one complete run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeReused } from "./run_storage.ts";
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
 * import { artifactIndex } from "./run_storage.ts";
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

/** The final folder of a stored run (an unversioned run writes beside `v0` until it finishes). */
export function finalDir(target: StoredRunTarget): string {
  return versionDir(target.experimentDir, target.version);
}
