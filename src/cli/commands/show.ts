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
 * await showCommand("examples/folder_experiment", {});
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
