import { listRuns, loadRun, StoredRunError } from "../../storage/stored_run.ts";
import { CliError } from "../cli_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { experimentStore, type GraphMember, graphMembers, holdsRuns } from "../experiment_store.ts";
import { explainForCli, explainResult } from "../explain.ts";
import { formatSummary } from "../summary.ts";

/**
 * `crystallize show <run>`: the summary of a stored run — the latest
 * finished one, or `--version N` — read from disk (no code runs). For a
 * folder of experiment folders (a graph), each experiment's stored runs.
 * Failure messages are explained as a live run shows them (the sandbox's
 * flags to grant a permission).
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
  const members = options.version === undefined ? await graphMembers(raw) : undefined;
  if (members !== undefined) return showGraph(raw, members, options.json ?? false);
  const { runs, target } = await experimentStore(raw, undefined);
  if (options.version === undefined && !holdsRuns(runs)) {
    throw new CliError(
      `no stored runs in ${runs}; run it first: crystallize run ${target ?? "<experiment>"}`,
    );
  }
  const stored = await loadRun(
    runs,
    options.version === undefined ? {} : { version: options.version },
  )
    .catch((error) => {
      throw error instanceof StoredRunError ? new CliError(explainForCli(error.message)) : error;
    });
  const result = explainResult(stored.result);
  if (options.json) {
    console.log(JSON.stringify(
      { dir: stored.dir, version: stored.version, result, artifacts: stored.artifacts },
      null,
      2,
    ));
  } else {
    console.log(formatSummary({ ...result, outputDir: result.outputDir ?? stored.dir }));
  }
  return EXIT.OK;
}

/** Each experiment of a graph folder with its stored versions, and how to see one. */
function showGraph(raw: string, members: readonly GraphMember[], json: boolean): ExitCode {
  const listed = members.map((m) => {
    const runs = m.runs === undefined ? [] : listRuns(m.runs);
    return {
      ...m,
      versions: runs.map((r) => ({ version: r.version, complete: r.complete })),
      latest: runs.filter((r) => r.complete).at(-1)?.version,
    };
  });
  if (json) {
    console.log(JSON.stringify({ graph: raw, experiments: listed }, null, 2));
    return EXIT.OK;
  }
  console.log(`${raw}: ${members.length} experiment${members.length === 1 ? "" : "s"}`);
  for (const m of listed) {
    const versions = m.versions.map((v) => `v${v.version}${v.complete ? "" : " (unfinished)"}`);
    console.log(
      m.error !== undefined
        ? `  ${m.name} (${m.folder}): config.yaml has errors: ${m.error}`
        : versions.length === 0
        ? `  ${m.name} (${m.folder}): no stored runs; run it with crystallize run ${raw}`
        : `  ${m.name} (${m.folder}): ${versions.join(", ")}${
          m.latest === undefined ? "" : `; latest finished v${m.latest}`
        }; see it with crystallize show ${m.folder}`,
    );
  }
  return EXIT.OK;
}
