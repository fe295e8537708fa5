import { loadRun, StoredRunError } from "../../experiment/stored_run.ts";
import { CliError } from "../cli_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { experimentStore } from "../experiment_store.ts";
import { formatSummary } from "../summary.ts";

/**
 * `crystallize show <run>`: the summary of a stored run — the latest
 * finished one, or `--version N` — read from disk (no code runs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./new.ts";
 * import { runCommand } from "./run.ts";
 * import { showCommand } from "./show.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * await runCommand(folder, { cache: true, treatments: true, quiet: true });
 * assert.equal(await showCommand(folder, {}), 0); // prints the summary of the stored run
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function showCommand(
  raw: string,
  options: { readonly version?: number; readonly json?: boolean },
): Promise<ExitCode> {
  const { runs } = await experimentStore(raw, undefined);
  const stored = await loadRun(
    runs,
    options.version === undefined ? {} : { version: options.version },
  )
    .catch((error) => {
      throw error instanceof StoredRunError ? new CliError(error.message) : error;
    });
  if (options.json) {
    console.log(JSON.stringify(
      {
        dir: stored.dir,
        version: stored.version,
        result: stored.result,
        artifacts: stored.artifacts,
      },
      null,
      2,
    ));
  } else {
    console.log(
      formatSummary({ ...stored.result, outputDir: stored.result.outputDir ?? stored.dir }),
    );
  }
  return EXIT.OK;
}
