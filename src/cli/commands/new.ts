import { join } from "../../path.ts";
import { relativePath, resolvePath } from "../../resolve_path.ts";
import { errorMessage } from "../../errors.ts";
import { CliError } from "../cli_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { checkDirFlag } from "../flags/folder_flag.ts";
import { libraryRoot } from "../sandbox.ts";
import {
  DEFAULT_SCAFFOLD,
  experimentNameProblem,
  scaffold,
  type ScaffoldOptions,
} from "../scaffold.ts";

/**
 * The files of a new folder experiment, by file name, as `crystallize new`
 * writes them (see {@linkcode scaffold} for the other variants). `library`
 * is the import specifier of Crystallize's `mod.ts` as seen from the new
 * folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scaffoldFiles } from "./new.ts";
 *
 * const files = scaffoldFiles("demo", "../../mod.ts");
 * assert.deepEqual(Object.keys(files), ["config.yaml", "datasources.ts", "steps.ts"]);
 * assert.match(files["steps.ts"], /from "\.\.\/\.\.\/mod\.ts"/);
 * ```
 */
export function scaffoldFiles(name: string, library: string): Record<string, string> {
  return scaffold(name, library, DEFAULT_SCAFFOLD);
}

/**
 * Creates `<dir>/<name>/` with the files `options` asks for; `dir` must be
 * inside the working directory. Refuses invalid names and folders that
 * exist ({@linkcode CliError}). Returns the folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_SCAFFOLD } from "../scaffold.ts";
 * import { createExperiment } from "./new.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const folder = await createExperiment(dir, "demo", { ...DEFAULT_SCAFFOLD, verifiers: true });
 * assert.ok(Deno.statSync(`${folder}/verifiers.ts`).isFile);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function createExperiment(
  dir: string,
  name: string,
  options: ScaffoldOptions,
): Promise<string> {
  const problem = experimentNameProblem(name);
  if (problem !== undefined) throw new CliError(problem);
  const folder = resolvePath(dir, name);
  checkDirFlag(dir, folder);
  if (await Deno.stat(folder).then(() => true, () => false)) {
    throw new CliError(
      `${relativePath(Deno.cwd(), folder)} already exists: pick another name or --dir`,
    );
  }
  await Deno.mkdir(folder, { recursive: true }).catch((error) => {
    throw new CliError(
      `--dir ${dir}: cannot create ${folder} (${errorMessage(error)}); ` +
        "give a folder you may write in, e.g. --dir experiments",
    );
  });
  let library = relativePath(folder, join(libraryRoot(), "mod.ts"));
  if (!library.startsWith(".")) library = `./${library}`;
  for (const [file, text] of Object.entries(scaffold(name, library, options))) {
    await Deno.writeTextFile(join(folder, file), text, { createNew: true });
  }
  return folder;
}

/**
 * `crystallize new <name>`: creates `<dir>/<name>/` with a config.yaml and
 * modules that run as generated. Refuses names that are not lowercase
 * identifiers and folders that exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./new.ts";
 *
 * const dir = await Deno.makeTempDir();
 * assert.equal(await newCommand("demo", { dir }), 0); // "Created .../demo: config.yaml, datasources.ts, steps.ts"
 * assert.ok(Deno.statSync(`${dir}/demo/config.yaml`).isFile);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function newCommand(
  name: string,
  options: { readonly dir: string },
): Promise<ExitCode> {
  const folder = await createExperiment(options.dir, name, DEFAULT_SCAFFOLD);
  const shown = relativePath(Deno.cwd(), folder) || ".";
  console.log(`Created ${shown}: config.yaml, datasources.ts, steps.ts`);
  console.log(`Run it:  crystallize run ${shown}`);
  return EXIT.OK;
}
