import { join } from "../path.ts";
import { joinInside } from "./join_inside.ts";
import { checkPathName, PathNameError } from "../path_name.ts";

/** How an artifact's value is stored: raw bytes, UTF-8 text, or JSON. */
export type ArtifactFormat = "bytes" | "text" | "json";

/**
 * Where a stored run keeps things. Under the output root:
 *
 * ```
 * <root>/<experiment>/v<N>/
 *   manifest.json     what the run is (written first: run id, seed, replicates, condition fingerprints)
 *   outcomes.jsonl    one line per replicate as it finishes (what resume reuses)
 *   run.json          the result (metrics, hypotheses, errors, provenance, artifact index), written last
 *   <replicate>/<condition>/<artifact>            artifact bytes
 *   <replicate>/<condition>/<artifact>.meta.json  run id, seed, step, sha256, time
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experimentDir, RUN_FILES, versionDir } from "./run_layout.ts";
 *
 * const dir = versionDir(experimentDir(".crystallize", "train"), 3);
 * assert.equal(dir, ".crystallize/train/v3");
 * assert.equal(RUN_FILES.manifest, "manifest.json");
 * ```
 */
export const RUN_FILES = {
  manifest: "manifest.json",
  outcomes: "outcomes.jsonl",
  result: "run.json",
} as const;

/**
 * The folder of an experiment's runs under `root`: the name as it is, so it
 * must be a valid path name (see `checkPathName`); anything else throws
 * `PathNameError`, and a result outside `root` `PathEscapeError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PathNameError } from "@crystallize/deno";
 * import { experimentDir } from "./run_layout.ts";
 *
 * assert.equal(experimentDir("/out", "my exp"), "/out/my exp");
 * assert.throws(() => experimentDir("/out", "../x"), PathNameError);
 * ```
 */
export function experimentDir(root: string, experiment: string): string {
  checkPathName(experiment, "experiment");
  return joinInside(root, experiment);
}

/**
 * The folder of version `version` of an experiment's runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { versionDir } from "./run_layout.ts";
 *
 * assert.equal(versionDir("/out/train", 2), "/out/train/v2");
 * ```
 */
export function versionDir(experimentDir: string, version: number): string {
  checkIndex(version, "version");
  return join(experimentDir, `v${version}`);
}

/**
 * The file of one artifact of one replicate of one condition. Every part
 * is checked, since they may come from stored files: the replicate must be
 * a whole number, the condition (a treatment's name) and the file valid
 * path names (else `PathNameError`), and the result inside `versionDir`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PathNameError } from "@crystallize/deno";
 * import { artifactPath } from "./run_layout.ts";
 *
 * assert.equal(artifactPath("/out/train/v2", 0, "baseline", "model.json"), "/out/train/v2/0/baseline/model.json");
 * assert.throws(() => artifactPath("/out/train/v2", 0, "..", "x"), PathNameError);
 * ```
 */
export function artifactPath(
  versionDir: string,
  replicate: number,
  condition: string,
  name: string,
): string {
  checkIndex(replicate, "replicate");
  checkPathName(condition, "condition");
  checkPathName(name, "artifact");
  return joinInside(versionDir, String(replicate), condition, name);
}

/** Throws `PathNameError` unless `value` (a version or replicate, part of a folder name) is a whole number >= 0. */
function checkIndex(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PathNameError(
      `${what} ${
        JSON.stringify(value)
      } cannot be part of a folder name: it must be a whole number >= 0`,
    );
  }
}

/**
 * The versions stored in an experiment folder, ascending (none when it does not exist).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { listVersions } from "./run_layout.ts";
 *
 * const dir = await Deno.makeTempDir();
 * for (const v of ["v0", "v2", "v1", "notes"]) await Deno.mkdir(`${dir}/${v}`);
 * assert.deepEqual(listVersions(dir), [0, 1, 2]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function listVersions(experimentDir: string): number[] {
  const versions: number[] = [];
  try {
    for (const entry of Deno.readDirSync(experimentDir)) {
      const match = /^v(\d+)$/.exec(entry.name);
      if (match !== null && entry.isDirectory) versions.push(Number(match[1]));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return versions.sort((a, b) => a - b);
}

/**
 * Whether a version folder holds a finished run (its `run.json`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isComplete, RUN_FILES } from "./run_layout.ts";
 *
 * const dir = await Deno.makeTempDir();
 * assert.equal(isComplete(dir), false);
 * await Deno.writeTextFile(`${dir}/${RUN_FILES.result}`, "{}");
 * assert.equal(isComplete(dir), true); // once the run finished (run.json written last)
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function isComplete(versionDir: string): boolean {
  try {
    return Deno.statSync(join(versionDir, RUN_FILES.result)).isFile;
  } catch {
    return false;
  }
}
