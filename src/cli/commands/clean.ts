import { relative } from "node:path";
import { CliError } from "../cli_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { experimentStore } from "../experiment_store.ts";

/**
 * `crystallize clean <experiment>`: deletes the experiment's stored runs
 * (a folder experiment's whole `.crystallize`, with its step cache) after
 * confirmation: a `y` on a terminal, or `--yes`. Without a terminal and
 * without `--yes` nothing is deleted and the exit code is 2.
 *
 * @example
 * ```ts
 * await cleanCommand("examples/folder_experiment", { yes: true });
 * ```
 */
export async function cleanCommand(
  raw: string,
  options: { readonly yes?: boolean; readonly dryRun?: boolean; readonly out?: string },
): Promise<ExitCode> {
  const { clean } = await experimentStore(raw, options.out);
  const shown = relative(Deno.cwd(), clean) || clean;
  if (!(await Deno.stat(clean).then(() => true, () => false))) {
    console.log(`nothing to clean: ${shown} does not exist`);
    return EXIT.OK;
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
