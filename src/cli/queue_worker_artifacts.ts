/**
 * What a queue worker reports of the artifacts a batch wrote: their bytes
 * (sent through Redis), or, on a shared output root, where each file is
 * with its size and hash (only that travels). Also how a worker tells that
 * its `--shared-output` is the coordinator's folder.
 * @module
 */
import { join } from "../path.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";
import { fileDigest } from "../storage/file_digest.ts";
import { artifactPath } from "../storage/run_layout.ts";
import type { SharedArtifact, ShippedArtifact } from "../execution/queue/queue_task.ts";
import { RUN_TOKEN_FILE } from "../execution/queue/shared_output.ts";
import { pathNameProblem } from "../path_name.ts";

/** An artifact an outcome names, where the batch's run folder has it. */
interface Written {
  readonly replicate: number;
  readonly condition: string;
  readonly name: string;
  readonly step: string;
  readonly path: string;
}

/** The artifacts a batch's outcomes name, with their files in the batch's run folder `dir`. */
async function written(dir: string, outcomes: readonly ReplicateOutcome[]): Promise<Written[]> {
  const out: Written[] = [];
  for (const outcome of outcomes) {
    for (const c of outcome.conditions) {
      for (const name of c.artifacts ?? []) {
        const path = artifactPath(dir, outcome.replicate, c.condition, name);
        // Written by the run's code's process: only regular files are reported.
        if ((await Deno.lstat(path).catch(() => undefined))?.isFile !== true) continue;
        const meta = JSON.parse(await Deno.readTextFile(`${path}.meta.json`)) as { step?: unknown };
        const step = typeof meta.step === "string" ? meta.step : "unknown";
        out.push({ replicate: outcome.replicate, condition: c.condition, name, step, path });
      }
    }
  }
  return out;
}

/**
 * The artifacts a batch's outcomes name, read from its run folder `dir`, to
 * send through Redis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunRecorder } from "../storage/run_recorder.ts";
 * import { shippedArtifacts } from "./queue_worker_artifacts.ts";
 *
 * const dir = await Deno.makeTempDir();
 * new RunRecorder({ dir, runId: "r" }, console).writeArtifactFiles({ replicate: 0, condition: "baseline" }, [{ name: "a.txt", step: "s", data: new TextEncoder().encode("hi") }]);
 * const outcome = { replicate: 0, conditions: [{ condition: "baseline", seed: 1, metrics: {}, durationMs: 1, stepMs: [], artifacts: ["a.txt"] }] };
 * const [artifact] = await shippedArtifacts(dir, [outcome]);
 * assert.equal(new TextDecoder().decode(artifact.data), "hi");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function shippedArtifacts(
  dir: string,
  outcomes: readonly ReplicateOutcome[],
): Promise<ShippedArtifact[]> {
  return await Promise.all(
    (await written(dir, outcomes)).map(async ({ path, ...at }) => ({
      ...at,
      data: await Deno.readFile(path),
    })),
  );
}

/**
 * The artifacts a batch's outcomes name, left in its attempt folder
 * `<run folder>/<attempt>` on the shared output root: where each is
 * (relative to the run's folder), its size and SHA-256.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunRecorder } from "../storage/run_recorder.ts";
 * import { sharedArtifacts } from "./queue_worker_artifacts.ts";
 *
 * const run = await Deno.makeTempDir();
 * new RunRecorder({ dir: `${run}/a1`, runId: "r" }, console).writeArtifactFiles({ replicate: 0, condition: "baseline" }, [{ name: "a.txt", step: "s", data: new TextEncoder().encode("hi") }]);
 * const outcome = { replicate: 0, conditions: [{ condition: "baseline", seed: 1, metrics: {}, durationMs: 1, stepMs: [], artifacts: ["a.txt"] }] };
 * const [artifact] = await sharedArtifacts(run, "a1", [outcome]);
 * assert.equal(artifact.file, "a1/0/baseline/a.txt");
 * assert.equal(artifact.bytes, 2);
 * await Deno.remove(run, { recursive: true });
 * ```
 */
export async function sharedArtifacts(
  runFolder: string,
  attempt: string,
  outcomes: readonly ReplicateOutcome[],
): Promise<SharedArtifact[]> {
  return await Promise.all(
    (await written(join(runFolder, attempt), outcomes)).map(async ({ path, ...at }) => ({
      ...at,
      file: [attempt, String(at.replicate), at.condition, at.name].join("/"),
      ...await fileDigest(path),
    })),
  );
}

/**
 * The run's folder on this worker's shared output root `root`, when it is
 * the coordinator's: the folder holds the token the run's task names.
 * `undefined` otherwise (another folder, not mounted, or no token): the
 * run's artifacts then travel through Redis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharedRunFolderOf } from "./queue_worker_artifacts.ts";
 *
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/r1`);
 * await Deno.writeTextFile(`${root}/r1/run.token`, "t1");
 * assert.equal(await sharedRunFolderOf(root, { run: "r1", sharedToken: "t1" }), `${root}/r1`);
 * assert.equal(await sharedRunFolderOf(root, { run: "r1", sharedToken: "t2" }), undefined);
 * assert.equal(await sharedRunFolderOf(root, { run: "..", sharedToken: "t1" }), undefined);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function sharedRunFolderOf(
  root: string,
  task: { readonly run: string; readonly sharedToken?: string },
): Promise<string | undefined> {
  if (task.sharedToken === undefined || pathNameProblem(task.run) !== undefined) return undefined;
  const folder = join(root, task.run);
  const token = await Deno.readTextFile(join(folder, RUN_TOKEN_FILE)).catch(() => undefined);
  return token === task.sharedToken ? folder : undefined;
}
