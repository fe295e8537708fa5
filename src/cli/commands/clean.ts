import { isAbsolute } from "../../path.ts";
import { relativePath } from "../../resolve_path.ts";
import { CliError } from "../cli_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { experimentStore, holdsRuns } from "../experiment_store.ts";
import { RUN_FILES } from "../../storage/run_layout.ts";

/**
 * `crystallize clean <experiment>`: deletes the experiment's stored runs
 * (a folder experiment's whole `.crystallize`, with its step cache) after
 * confirmation: a `y` on a terminal, or `--yes`. Without a terminal and
 * without `--yes` nothing is deleted and the exit code is 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./new.ts";
 * import { runCommand } from "./run.ts";
 * import { cleanCommand } from "./clean.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * await runCommand(folder, { cache: true, treatments: true, quiet: true });
 * assert.equal(await cleanCommand(folder, { yes: true }), 0);
 * assert.equal(await Deno.stat(`${folder}/.crystallize`).catch(() => undefined), undefined);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function cleanCommand(
  raw: string,
  options: { readonly yes?: boolean; readonly dryRun?: boolean; readonly out?: string },
): Promise<ExitCode> {
  const { runs, clean } = await experimentStore(raw, options.out);
  const inside = relativePath(Deno.cwd(), clean);
  const shown = inside === "" || inside.startsWith("..") || isAbsolute(inside) ? clean : inside;
  if (!(await Deno.stat(clean).then(() => true, () => false))) {
    console.log(`nothing to clean: ${shown} does not exist`);
    return EXIT.OK;
  }
  // A folder given directly is deleted only when it is a store (v<N> folders) or a version
  // folder: `clean src` or `clean ..` must never remove code.
  if (clean === runs && !holdsRuns(clean)) {
    throw new CliError(
      `${shown} holds no stored runs (no v<N> folders, no ${RUN_FILES.manifest}); nothing deleted. ` +
        "Give a folder experiment, the name of a stored experiment, or its store (.crystallize/<name>)",
    );
  }
  if (Deno.permissions.querySync({ name: "write", path: clean }).state !== "granted") {
    throw new CliError(
      `cannot delete ${shown}: the crystallize CLI may not write there (it may write under the ` +
        "folder it was started in); run it from a folder containing that path, or delete it by hand",
    );
  }
  console.log(`This deletes ${shown} (stored runs, artifacts and caches).`);
  if (options.dryRun) return EXIT.OK;
  if (!options.yes) {
    if (!Deno.stdin.isTerminal()) {
      throw new CliError(
        "refusing to delete without confirmation: add --yes (stdin is not a terminal)",
      );
    }
    if (!confirm("Delete it?")) {
      console.log("nothing deleted");
      return EXIT.OK;
    }
  }
  await Deno.remove(clean, { recursive: true });
  console.log(`deleted ${shown}`);
  return EXIT.OK;
}
