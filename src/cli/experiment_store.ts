import { join, resolve } from "node:path";
import { ConfigError } from "../config/config_error.ts";
import { readConfigFile } from "../config/folder_config.ts";
import { CliError } from "./cli_error.ts";
import { outputRoot } from "../experiment/output_root.ts";
import { experimentDir } from "../storage/run_layout.ts";

/** Where an experiment's runs are stored, and what to delete to clean it. */
export interface ExperimentStore {
  /** The experiment's store: `<root>/<name>` (version folders `v<N>` inside). */
  readonly runs: string;
  /** What `clean` deletes: the folder experiment's whole output root, or the store. */
  readonly clean: string;
}

/**
 * Finds an experiment's stored runs from what a user types: a folder
 * experiment (its `<folder>/.crystallize/<name>`), a store or version folder
 * given directly, or the name of an experiment stored under the default
 * output root (`out`, `$CRYSTALLIZE_HOME` or `.crystallize`). Runs no code.
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
  const path = resolve(raw);
  const info = await Deno.stat(path).catch(() => undefined);
  if (info?.isDirectory) {
    if (await Deno.stat(join(path, "config.yaml")).then(() => true, () => false)) {
      const file = await readConfigFile(path).catch((e: Error) => {
        throw e instanceof ConfigError ? new CliError(e.message) : e;
      });
      const root = join(path, ".crystallize");
      return { runs: experimentDir(root, file.name), clean: root };
    }
    return { runs: path, clean: path };
  }
  if (info?.isFile) {
    throw new CliError(
      `${raw} is a file; give the experiment's name (its runs are in .crystallize/<name>) or its store folder`,
    );
  }
  if (/[\\/]/.test(raw)) throw new CliError(`no experiment or stored run at ${raw}`);
  const store = experimentDir(out === undefined ? outputRoot({}) : resolve(out), raw);
  return { runs: store, clean: store };
}
