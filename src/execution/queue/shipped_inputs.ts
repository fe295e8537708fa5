/**
 * Upstream runs on the queue: an experiment reading other experiments'
 * stored runs (`ExperimentInput`, or `experiment#artifact` in config.yaml)
 * reads them on workers that have no copy. The coordinator pins each
 * reference (its output root made absolute, its version resolved) and
 * ships the files a replicate reads — the run's `run.json` and
 * `manifest.json` and the referenced artifact of every replicate and
 * condition — in the code bundle; a worker points the references at the
 * unpacked copy, the only place its sandbox may read them.
 * @module
 */
import { join } from "../../path.ts";
import { resolvePath } from "../../resolve_path.ts";
import { fileUrlOf } from "../../file_url.ts";
import { type ArtifactRef, upstreamRun } from "../../data/experiment_input.ts";
import { RUN_FILES } from "../../storage/run_layout.ts";
import type { WorkerSpec } from "../worker/messages.ts";
import { isPlainAbsolute } from "./bundle.ts";
import { BundleError } from "./bundle_error.ts";

/** Library factories whose `inputs` parameter holds artifact references. */
const READERS = [
  { module: "src/data/experiment_input.ts", name: "experimentInputSource" },
  { module: "src/config/combined_source.ts", name: "combinedSource" },
];

/**
 * A spec whose upstream references are pinned, and the files of the runs
 * they read: references without a root get `defaultRoot` (the output root
 * the run's code sees), every root is made absolute, and every version is
 * the one read (the pinned one, else the newest finished run). `library`
 * is the coordinator's library folder (the readers are its factories).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pinnedInputs } from "./shipped_inputs.ts";
 *
 * const ref = { module: "file:///lib/src/data/experiment_input.ts", name: "experimentInputSource" };
 * const inputs = { model: { experiment: "train", artifact: "m.json", version: 1 } };
 * const spec = { experimentName: "e", runId: "r", datasource: { ref, params: { inputs } }, steps: [], conditions: [], seeding: undefined, events: { replicates: false, steps: false, errors: false }, logLevel: "warn" as const };
 * const pinned = await pinnedInputs(spec, "/lib", "/out");
 * assert.deepEqual(pinned.spec.datasource.params.inputs, { model: { experiment: "train", artifact: "m.json", version: 1, root: "/out" } });
 * assert.deepEqual(pinned.files, []); // no such run on this machine
 * ```
 */
export async function pinnedInputs(
  spec: WorkerSpec,
  library: string,
  defaultRoot: string,
): Promise<{ spec: WorkerSpec; files: string[] }> {
  const inputs = inputsOf(spec, library);
  if (inputs === undefined) return { spec, files: [] };
  const files: string[] = [];
  const pinned: Record<string, ArtifactRef> = {};
  for (const [alias, ref] of Object.entries(inputs)) {
    const rooted = { ...ref, root: resolvePath(ref.root ?? defaultRoot) };
    const run = upstreamRun(rooted);
    pinned[alias] = run === undefined ? rooted : { ...rooted, version: run.version };
    if (run !== undefined) files.push(...await runFiles(run.dir, ref.artifact));
  }
  return { spec: withInputs(spec, pinned), files: [...new Set(files)] };
}

/**
 * A task's spec with its upstream references read from the unpacked bundle
 * below `fsRoot` (a reference's root `/p` becomes `<fsRoot>/p`). A root that
 * is no plain absolute path throws a {@linkcode BundleError}: the task came
 * from Redis. `library` is the coordinator's library folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unpackedInputs } from "./shipped_inputs.ts";
 *
 * const ref = { module: "file:///lib/src/data/experiment_input.ts", name: "experimentInputSource" };
 * const inputs = { model: { experiment: "train", artifact: "m.json", version: 1, root: "/out" } };
 * const spec = { experimentName: "e", runId: "r", datasource: { ref, params: { inputs } }, steps: [], conditions: [], seeding: undefined, events: { replicates: false, steps: false, errors: false }, logLevel: "warn" as const };
 * const local = unpackedInputs(spec, "/lib", "/cache/h/fs");
 * assert.equal((local.datasource.params.inputs as typeof inputs).model.root, "/cache/h/fs/out");
 * ```
 */
export function unpackedInputs(spec: WorkerSpec, library: string, fsRoot: string): WorkerSpec {
  const inputs = inputsOf(spec, library);
  if (inputs === undefined) return spec;
  const local: Record<string, ArtifactRef> = {};
  for (const [alias, ref] of Object.entries(inputs)) {
    if (typeof ref.root !== "string" || !isPlainAbsolute(ref.root)) {
      throw new BundleError(
        `input '${alias}' of run ${spec.runId} reads from ${
          JSON.stringify(ref.root)
        }, not an absolute path of the coordinator`,
      );
    }
    local[alias] = { ...ref, root: join(fsRoot, ref.root) };
  }
  return withInputs(spec, local);
}

/** The artifact references of a spec whose datasource is one of the library's readers. */
function inputsOf(spec: WorkerSpec, library: string): Record<string, ArtifactRef> | undefined {
  const { ref, params } = spec.datasource;
  const reader = READERS.some((r) =>
    ref.name === r.name && ref.module === fileUrlOf(join(library, r.module)).href
  );
  const inputs = params.inputs;
  if (!reader || typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    return undefined;
  }
  return inputs as Record<string, ArtifactRef>;
}

function withInputs(spec: WorkerSpec, inputs: Record<string, ArtifactRef>): WorkerSpec {
  return {
    ...spec,
    datasource: { ...spec.datasource, params: { ...spec.datasource.params, inputs } },
  };
}

/** A stored run's files a reader of `artifact` opens: run.json, manifest.json, `<r>/<condition>/<artifact>`. */
async function runFiles(dir: string, artifact: string): Promise<string[]> {
  const files = [join(dir, RUN_FILES.result), join(dir, RUN_FILES.manifest)];
  const entries = async (folder: string) =>
    await Array.fromAsync(Deno.readDir(folder)).catch(() => [] as Deno.DirEntry[]);
  for (const replicate of await entries(dir)) {
    if (!replicate.isDirectory || !/^\d+$/.test(replicate.name)) continue;
    for (const condition of await entries(join(dir, replicate.name))) {
      if (condition.isDirectory) files.push(join(dir, replicate.name, condition.name, artifact));
    }
  }
  const exists = await Promise.all(
    files.map((f) => Deno.lstat(f).then(() => true, () => false)),
  );
  return files.filter((_, i) => exists[i]);
}
