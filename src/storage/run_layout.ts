import { join } from "node:path";
import { safeName } from "./safe_name.ts";

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
 * const dir = versionDir(experimentDir(".crystallize", "train"), 3); // ".crystallize/train/v3"
 * ```
 */
export const RUN_FILES = {
  manifest: "manifest.json",
  outcomes: "outcomes.jsonl",
  result: "run.json",
} as const;

/**
 * The folder of an experiment's runs under `root`.
 *
 * @example
 * ```ts
 * experimentDir("/out", "my exp"); // "/out/my_exp"
 * ```
 */
export function experimentDir(root: string, experiment: string): string {
  return join(root, safeName(experiment));
}

/**
 * The folder of version `version` of an experiment's runs.
 *
 * @example
 * ```ts
 * versionDir("/out/train", 2); // "/out/train/v2"
 * ```
 */
export function versionDir(experimentDir: string, version: number): string {
  return join(experimentDir, `v${version}`);
}

/**
 * The file of one artifact of one replicate of one condition.
 *
 * @example
 * ```ts
 * artifactPath("/out/train/v2", 0, "baseline", "model.json"); // "/out/train/v2/0/baseline/model.json"
 * ```
 */
export function artifactPath(
  versionDir: string,
  replicate: number,
  condition: string,
  name: string,
): string {
  return join(versionDir, String(replicate), safeName(condition), name);
}

/**
 * The versions stored in an experiment folder, ascending (none when it does not exist).
 *
 * @example
 * ```ts
 * listVersions(".crystallize/train"); // [0, 1, 2]
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
 * isComplete(".crystallize/train/v2"); // true once the run finished
 * ```
 */
export function isComplete(versionDir: string): boolean {
  try {
    return Deno.statSync(join(versionDir, RUN_FILES.result)).isFile;
  } catch {
    return false;
  }
}
