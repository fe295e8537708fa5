import { RESULT } from "./result_shape.ts";
import { basename, dirname, join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import { CrystallizeError } from "../errors.ts";
import type { ArtifactFormat } from "./run_layout.ts";
import { fromJsonText } from "./json_values.ts";
import { isComplete, listVersions, RUN_FILES, versionDir } from "./run_layout.ts";
import type { ConditionOutcome, ReplicateOutcome } from "./outcome.ts";
import type { ArtifactIndex, ResultJson } from "./result_json.ts";

/**
 * A run cannot be stored, or a stored run cannot be found or read; the
 * message names the folder and what to do. When a finished run could not
 * write its result, `result` holds it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadRun, StoredRunError } from "@crystallize/deno";
 *
 * const empty = await Deno.makeTempDir();
 * await assert.rejects(loadRun(`${empty}/train`), StoredRunError); // no stored run there
 * await Deno.remove(empty, { recursive: true });
 * ```
 */
export class StoredRunError extends CrystallizeError {
  /** The finished run's result, when only storing it failed. */
  result?: unknown;
}

/** What a run records about itself before its first replicate (`manifest.json`). */
export interface RunManifest {
  /** Run id. */
  readonly runId: string;
  /** Experiment name. */
  readonly experiment: string;
  /** Master seed. */
  readonly seed: number | undefined;
  /** Replicates per condition. */
  readonly replicates: number;
  /** When it started (ISO 8601). */
  readonly startedAt: string;
  /**
   * Per condition, a hash of everything its replicates depend on (pipeline,
   * datasource, values, seed, declared outputs); `null` when it cannot be hashed. Resume reuses a
   * stored replicate only when its condition's fingerprint is unchanged.
   */
  readonly fingerprints: Readonly<Record<string, string | null>>;
  /** The experiment's declared outputs and their formats (readers decode with them). */
  readonly outputs: readonly DeclaredOutput[];
}

/** A declared output as a stored run records it: its file name and format. */
export interface DeclaredOutput {
  /** File name of the artifact. */
  readonly name: string;
  /** How its value is stored. */
  readonly format: ArtifactFormat;
}

/**
 * The name and format of each declared output, as a manifest stores them
 * (an `Artifact`'s description and methods left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact } from "@crystallize/deno";
 * import { declaredOutputs } from "./stored_run.ts";
 *
 * assert.deepEqual(declaredOutputs([new Artifact("model.json", { format: "json" })]), [
 *   { name: "model.json", format: "json" },
 * ]);
 * ```
 */
export function declaredOutputs(outputs: readonly DeclaredOutput[]): DeclaredOutput[] {
  return outputs.map((o) => ({ name: o.name, format: o.format }));
}

/** A finished run read back from disk. */
export interface StoredRun {
  /** Its version folder. */
  readonly dir: string;
  /** Its version number. */
  readonly version: number;
  /** Experiment name. */
  readonly experiment: string;
  /** The result as stored: metrics, hypotheses, errors, provenance, artifacts. */
  readonly result: ResultJson;
  /** Stored artifact files. */
  readonly artifacts: ArtifactIndex;
}

/** One version folder of an experiment. */
export interface RunListing {
  /** Version number. */
  readonly version: number;
  /** Its folder. */
  readonly dir: string;
  /** Whether the run finished (has `run.json`). */
  readonly complete: boolean;
  /** Its manifest, when readable. */
  readonly manifest: RunManifest | undefined;
}

/**
 * Reads a stored run: `path` is a version folder (`<root>/<experiment>/v<N>`)
 * or an experiment folder (`<root>/<experiment>`), where the newest finished
 * version is read unless `version` picks one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, ArtifactPlugin, dataSource, Experiment, pipelineStep, loadRun } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * const fit = pipelineStep((d: number, ctx) => {
 *   model.write(ctx, { w: d });
 *   ctx.metrics.add("loss", d / 10);
 *   return d;
 * }, { name: "fit" });
 * await Experiment.builder("train").datasource(dataSource(() => 1, { name: "one" })()).addStep(fit())
 *   .outputs([model]).plugins([new ArtifactPlugin()]).outputDir(outputDir).build().run({ seed: 3 });
 * const run = await loadRun(`${outputDir}/train`);
 * assert.deepEqual(run.result.metrics.baseline.loss, [0.1]);
 * assert.equal(run.artifacts["model.json"].baseline[0], `${outputDir}/train/v0/0/baseline/model.json`);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export async function loadRun(
  path: string,
  options: { version?: number } = {},
): Promise<StoredRun> {
  const dir = resolvePath(path);
  const asVersion = /^v(\d+)$/.exec(basename(dir));
  if (asVersion !== null && options.version === undefined) {
    return await readRun(dir, Number(asVersion[1]));
  }
  const runs = listRuns(dir);
  if (options.version !== undefined) {
    const picked = runs.find((r) => r.version === options.version);
    if (picked === undefined) {
      throw new StoredRunError(
        `${dir} has no version v${options.version}; it has ${
          runs.length === 0 ? "none" : runs.map((r) => `v${r.version}`).join(", ")
        }`,
      );
    }
    return await readRun(picked.dir, picked.version);
  }
  const latest = runs.filter((r) => r.complete).at(-1);
  if (latest === undefined) {
    throw new StoredRunError(
      runs.length === 0
        ? `no stored runs in ${dir}; run the experiment with an ArtifactPlugin (folder experiments and the CLI attach one) first`
        : `no finished run in ${dir} (${
          runs.map((r) => `v${r.version}`).join(", ")
        } did not finish); ` +
          'finish one with run({ strategy: "resume" }) (crystallize run --strategy resume)',
    );
  }
  return await readRun(latest.dir, latest.version);
}

/**
 * The versions in an experiment folder, ascending, with their state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, ArtifactPlugin, dataSource, Experiment, pipelineStep, listRuns } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * const fit = pipelineStep((d: number, ctx) => {
 *   model.write(ctx, { w: d });
 *   ctx.metrics.add("loss", d / 10);
 *   return d;
 * }, { name: "fit" });
 * await Experiment.builder("train").datasource(dataSource(() => 1, { name: "one" })()).addStep(fit())
 *   .outputs([model]).plugins([new ArtifactPlugin()]).outputDir(outputDir).build().run({ seed: 3 });
 * assert.deepEqual(listRuns(`${outputDir}/train`).map((r) => [r.version, r.complete]), [[0, true]]);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export function listRuns(experimentDir: string): RunListing[] {
  return listVersions(experimentDir).map((version) => {
    const dir = versionDir(experimentDir, version);
    return { version, dir, complete: isComplete(dir), manifest: readManifest(dir) };
  });
}

/**
 * A version folder's manifest, or `undefined` when it has none (or an unreadable one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, ArtifactPlugin, dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 * import { readManifest } from "./stored_run.ts";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * const fit = pipelineStep((d: number, ctx) => {
 *   model.write(ctx, { w: d });
 *   ctx.metrics.add("loss", d / 10);
 *   return d;
 * }, { name: "fit" });
 * await Experiment.builder("train").datasource(dataSource(() => 1, { name: "one" })()).addStep(fit())
 *   .outputs([model]).plugins([new ArtifactPlugin()]).outputDir(outputDir).build().run({ seed: 3 });
 * assert.equal(readManifest(`${outputDir}/train/v0`)?.seed, 3);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export function readManifest(dir: string): RunManifest | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(join(dir, RUN_FILES.manifest))) as RunManifest;
  } catch {
    return undefined;
  }
}

/**
 * The replicate outcomes recorded in a version folder, by condition then
 * replicate (later lines win). A torn last line (a killed run) is skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, ArtifactPlugin, dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 * import { readOutcomes } from "./stored_run.ts";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * const fit = pipelineStep((d: number, ctx) => {
 *   model.write(ctx, { w: d });
 *   ctx.metrics.add("loss", d / 10);
 *   return d;
 * }, { name: "fit" });
 * await Experiment.builder("train").datasource(dataSource(() => 1, { name: "one" })()).addStep(fit())
 *   .outputs([model]).plugins([new ArtifactPlugin()]).outputDir(outputDir).build().run({ seed: 3 });
 * assert.deepEqual(readOutcomes(`${outputDir}/train/v0`).get("baseline")?.get(0)?.metrics, { loss: [0.1] });
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export function readOutcomes(dir: string): Map<string, Map<number, ConditionOutcome>> {
  const out = new Map<string, Map<number, ConditionOutcome>>();
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir, RUN_FILES.outcomes));
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let outcome: ReplicateOutcome;
    try {
      outcome = fromJsonText(line) as ReplicateOutcome;
    } catch {
      continue;
    }
    for (const c of outcome.conditions) {
      const byReplicate = out.get(c.condition) ?? out.set(c.condition, new Map()).get(c.condition)!;
      byReplicate.set(outcome.replicate, c);
    }
  }
  return out;
}

async function readRun(dir: string, version: number): Promise<StoredRun> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, RUN_FILES.result));
  } catch (error) {
    throw new StoredRunError(
      error instanceof Deno.errors.NotFound
        ? `${dir} holds no finished run (no ${RUN_FILES.result}); resume it with run({ strategy: "resume" }) (crystallize run --strategy resume) or pick another version`
        : `cannot read ${join(dir, RUN_FILES.result)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let result: ResultJson;
  try {
    result = fromJsonText(text) as ResultJson;
  } catch (error) {
    throw new StoredRunError(
      `${join(dir, RUN_FILES.result)} is not valid JSON (${
        (error as Error).message
      }); the run's outcomes.jsonl still holds its replicates`,
      { cause: error },
    );
  }
  // Experiment code may have rewritten the file: read nothing of it until it has the shape.
  const problem = RESULT(result, RUN_FILES.result);
  if (problem !== undefined) {
    throw new StoredRunError(
      `${join(dir, RUN_FILES.result)} is not a run Crystallize stored (${problem}); ` +
        "run the experiment again to replace it",
    );
  }
  return {
    dir,
    version,
    experiment: result.experiment ?? basename(dirname(dir)),
    result,
    artifacts: result.artifacts ?? {},
  };
}
