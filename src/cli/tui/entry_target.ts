/**
 * What the terminal UI needs to know about a listed experiment without
 * running its code: its folder, its treatments (a graph's: those of every
 * experiment it runs), the target `crystallize run` would resolve it to,
 * and where its runs are stored.
 * @module
 */
import { resolvePath } from "../../resolve_path.ts";
import { readConfigFile } from "../../config/folder_config.ts";
import type { ListEntry } from "../commands/list.ts";
import { graphClosure } from "../graph_closure.ts";
import { experimentStore } from "../experiment_store.ts";
import { outputRoot } from "../../storage/output_root.ts";
import { experimentDir } from "../../storage/run_layout.ts";
import { type ResolvedTarget, resolveTarget } from "../target.ts";

/**
 * The folder of a folder experiment or graph (where `config.state.json`
 * goes); `undefined` for an experiment a module exports.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { entryFolder } from "./entry_target.ts";
 *
 * const entry: ListEntry = {
 *   target: "experiments/demo", name: "demo", kind: "folder", group: "Experiments", priority: 999,
 *   icon: "🧪", hidden: false, replicates: 10, description: "Does adding delta raise the total?",
 * };
 * assert.equal(entryFolder(entry), `${Deno.cwd()}/experiments/demo`); // a module entry has none
 * ```
 */
export function entryFolder(entry: ListEntry): string | undefined {
  return entry.kind === "module" ? undefined : resolvePath(entry.target);
}

/**
 * The treatments the entry runs, read from `config.yaml` files: a folder
 * experiment's own; for a graph, those of every experiment it reads from,
 * recursively (they are inherited); `undefined` for module experiments,
 * whose treatments are known only by running their code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "../commands/new.ts";
 * import { listExperiments } from "../commands/list.ts";
 * import { entryTreatments } from "./entry_target.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const [entry] = (await listExperiments(dir)).experiments;
 * assert.deepEqual(await entryTreatments(entry), ["add_one"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function entryTreatments(entry: ListEntry): Promise<string[] | undefined> {
  const folder = entryFolder(entry);
  if (folder === undefined) return undefined;
  const files = entry.kind === "graph"
    ? await graphClosure(folder)
    : [await readConfigFile(folder)];
  return [...new Set(files.flatMap((f) => Object.keys(f.config.treatments ?? {})))];
}

/**
 * What running the entry means: what `crystallize run` resolves it to (a
 * graph entry, a folder experiment reading other experiments' outputs, runs
 * with the experiments it reads from).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "../commands/new.ts";
 * import { listExperiments } from "../commands/list.ts";
 * import { entryTarget } from "./entry_target.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const [entry] = (await listExperiments(dir)).experiments;
 * assert.deepEqual((await entryTarget(entry)).spec, { kind: "folder", folder });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function entryTarget(entry: ListEntry): Promise<ResolvedTarget> {
  return resolveTarget(entry.target, undefined);
}

/**
 * The entry's store of runs (version folders inside), as `crystallize show`
 * finds it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "../commands/new.ts";
 * import { listExperiments } from "../commands/list.ts";
 * import { entryStore } from "./entry_target.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const [entry] = (await listExperiments(dir)).experiments;
 * assert.equal(await entryStore(entry), `${folder}/.crystallize/demo`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function entryStore(entry: ListEntry): Promise<string> {
  const folder = entryFolder(entry);
  // A module experiment's runs are under the default output root, as `crystallize run` stores them.
  if (folder === undefined) return experimentDir(outputRoot({}), entry.name);
  return (await experimentStore(folder, undefined)).runs;
}
