import { basename, join } from "../path.ts";
import { relativePath, resolvePath } from "../resolve_path.ts";
import { ConfigError } from "../config/config_error.ts";
import { type ConfigFile, readConfigFile } from "../config/folder_config.ts";
import { storageRootOf } from "../config/folder_references.ts";
import { CliError } from "./cli_error.ts";
import { discover } from "./discover.ts";
import { outputRoot } from "../storage/output_root.ts";
import { experimentDir, listVersions, RUN_FILES } from "../storage/run_layout.ts";

/** Where an experiment's runs are stored, and what to delete to clean it. */
export interface ExperimentStore {
  /** The experiment's store: `<root>/<name>` (version folders `v<N>` inside). */
  readonly runs: string;
  /** What `clean` deletes: the folder experiment's whole output root, or the store. */
  readonly clean: string;
  /** What to give `crystallize run` to run it, when it is a folder experiment. */
  readonly target?: string;
}

/** One experiment of a folder of experiment folders, and its store. */
export interface GraphMember {
  /** Its name. */
  readonly name: string;
  /** Its folder, relative to the working directory. */
  readonly folder: string;
  /** Its store (version folders inside); `undefined` when its config.yaml does not read. */
  readonly runs: string | undefined;
  /** `experiment#artifact` references it reads, by datasource alias (empty when it does not read). */
  readonly inputs: Readonly<Record<string, string>>;
  /** Why its config.yaml does not read (first line), if it does not. */
  readonly error?: string;
}

/**
 * Finds an experiment's stored runs from what a user types: a folder
 * experiment (its `<folder>/.crystallize/<name>`), a store or version folder
 * given directly, or a name — of a folder experiment below the working
 * directory, or of an experiment stored under the default output root
 * (`out`, `$CRYSTALLIZE_HOME` or `.crystallize`). A name that matches
 * nothing, or several, is a {@linkcode CliError} saying so. Runs no code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./commands/new.ts";
 * import { experimentStore } from "./experiment_store.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * assert.equal((await experimentStore(folder, undefined)).runs, `${folder}/.crystallize/demo`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function experimentStore(
  raw: string,
  out: string | undefined,
): Promise<ExperimentStore> {
  const path = resolvePath(raw);
  const info = await Deno.stat(path).catch(() => undefined);
  if (info?.isDirectory) {
    if (await exists(join(path, "config.yaml"))) return folderStore(await readConfig(path));
    return { runs: path, clean: path };
  }
  if (info?.isFile) {
    throw new CliError(
      `${raw} is a file; give the experiment's name (its runs are in .crystallize/<name>) or its store folder`,
    );
  }
  if (/[\\/]/.test(raw)) throw new CliError(`no experiment or stored run at ${raw}`);
  return await storeNamed(raw, out === undefined ? outputRoot({}) : resolvePath(out));
}

/**
 * The experiments of a folder of experiment folders (a graph) and their
 * stores; `undefined` when `raw` is not such a folder (an experiment, a
 * store, a version folder, or not a folder).
 *
 * @example
 * ```ts
 * (await graphMembers("examples/dag"))?.map((m) => m.name); // ["consumer", "producer"]
 * ```
 */
export async function graphMembers(raw: string): Promise<GraphMember[] | undefined> {
  const path = resolvePath(raw);
  if (!(await Deno.stat(path).then((s) => s.isDirectory, () => false))) return undefined;
  if (await exists(join(path, "config.yaml")) || holdsRuns(path)) return undefined;
  const { configs } = await discover(path);
  if (configs.length === 0) return undefined;
  return await Promise.all(configs.map(async (config) => {
    const folder = join(config, "..");
    try {
      const file = await readConfigFile(config);
      return {
        name: file.name,
        folder: shownPath(folder),
        runs: folderStore(file).runs,
        inputs: file.references,
      };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const message = error.message.split("\n")[0];
      return {
        name: basename(folder),
        folder: shownPath(folder),
        runs: undefined,
        inputs: {},
        error: message,
      };
    }
  }));
}

/**
 * Whether `dir` holds stored runs: version folders (`v<N>`), or it is one
 * (a manifest).
 *
 * @example
 * ```ts
 * holdsRuns(".crystallize/train"); // true after a run
 * ```
 */
export function holdsRuns(dir: string): boolean {
  if (listVersions(dir).length > 0) return true;
  try {
    return Deno.statSync(join(dir, RUN_FILES.manifest)).isFile;
  } catch {
    return false;
  }
}

function folderStore(file: ConfigFile): ExperimentStore {
  return {
    runs: experimentDir(storageRootOf(file), file.name),
    clean: join(file.folder, ".crystallize"),
    target: shownPath(file.folder),
  };
}

/** The store of the experiment called `name`: a folder experiment below the working directory, or one stored under `root`. */
async function storeNamed(name: string, root: string): Promise<ExperimentStore> {
  const stored = experimentDir(root, name);
  const candidates: (ExperimentStore & { where: string })[] = [];
  if (await exists(stored)) {
    candidates.push({ runs: stored, clean: stored, where: shownPath(stored) });
  }
  const { configs } = await discover(Deno.cwd());
  for (const config of configs) {
    const file = await readConfigFile(config).catch(() => undefined);
    if (file?.name === name || (file === undefined && basename(join(config, "..")) === name)) {
      // A broken config.yaml of that name is reported, not skipped.
      candidates.push({
        ...folderStore(file ?? await readConfig(config)),
        where: shownPath(config),
      });
    }
  }
  if (candidates.length === 1) {
    const { where: _where, ...store } = candidates[0];
    return store;
  }
  if (candidates.length > 1) {
    throw new CliError(
      `'${name}' names ${candidates.length} experiments: ${
        candidates.map((c) => c.where).join(", ")
      }; give the folder (or store) of the one you mean`,
    );
  }
  throw new CliError(
    `no experiment named '${name}': no folder experiment below ${Deno.cwd()} has that name, ` +
      `and ${shownPath(stored)} does not exist; ` +
      "give an experiment's folder or name (crystallize list shows them)",
  );
}

async function readConfig(path: string): Promise<ConfigFile> {
  return await readConfigFile(path).catch((e: Error) => {
    throw e instanceof ConfigError ? new CliError(e.message) : e;
  });
}

function shownPath(path: string): string {
  const inside = relativePath(Deno.cwd(), path);
  return inside.startsWith("..") ? path : inside || ".";
}

function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, () => false);
}
