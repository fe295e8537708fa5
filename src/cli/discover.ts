import { join } from "../path.ts";
import { CliError } from "./cli_error.ts";

/** Folders never searched: dependencies (hidden ones, such as .git and .crystallize, neither). */
const SKIPPED = new Set(["node_modules"]);

/** What a search of a folder tree found. */
export interface Discovered {
  /** Every `config.yaml`, sorted. */
  readonly configs: string[];
  /**
   * TypeScript modules outside experiment folders that may export
   * experiments (they mention `Experiment` and `export`), sorted; test files
   * and declaration files are left out.
   */
  readonly modules: string[];
}

/**
 * Finds folder experiments (`config.yaml`) and modules that may export
 * experiments under `root`, skipping dependency, output and hidden folders.
 * Reads files but runs no code. A `root` that is not a folder is a
 * {@linkcode CliError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./commands/new.ts";
 * import { discover } from "./discover.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * await Deno.writeTextFile(`${dir}/exp.ts`, 'import { Experiment } from "./lib.ts";\nexport const e = Experiment;\n');
 * const { configs, modules } = await discover(dir);
 * assert.deepEqual(configs, [`${folder}/config.yaml`]);
 * assert.ok(modules.includes(`${dir}/exp.ts`));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function discover(root: string): Promise<Discovered> {
  const configs: string[] = [];
  const modules: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
    const isExperiment = entries.some((e) => e.isFile && e.name === "config.yaml");
    if (isExperiment) configs.push(join(dir, "config.yaml"));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) {
        if (!SKIPPED.has(entry.name) && !entry.name.startsWith(".")) await walk(path);
      } else if (entry.isFile && !isExperiment && isCandidate(entry.name)) {
        const text = await Deno.readTextFile(path);
        if (/\bexport\b/.test(text) && /\bExperiment(Graph)?\b/.test(text)) modules.push(path);
      }
    }
  };
  const info = await Deno.stat(root).catch(() => undefined);
  if (!info?.isDirectory) {
    throw new CliError(
      `${root} ${info === undefined ? "does not exist" : "is a file"}; give a folder to search ` +
        "for experiments (config.yaml folders and .ts modules)",
    );
  }
  await walk(root);
  return { configs: configs.sort(), modules: modules.sort() };
}

function isCandidate(name: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(name) && !/(_test|\.test|\.d)\.[mc]?[tj]s$/.test(name);
}
