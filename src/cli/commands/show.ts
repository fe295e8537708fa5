import { listRuns, type StoredRun } from "../../storage/stored_run.ts";
import { rowsToCsv } from "../../report/csv.ts";
import { markdownSummary } from "../../report/markdown.ts";
import { resultRows } from "../../report/rows.ts";
import { CliError } from "../cli_error.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { type GraphMember, graphMembers } from "../experiment_store.ts";
import { printable, printableData } from "../printable.ts";
import { storedRun, storedVersions } from "../stored_runs.ts";
import { formatSummary, formatVersionsSummary } from "../summary.ts";

/**
 * `crystallize show <run>`: the summary of a stored run — the latest
 * finished one, `--version N`, or every finished version with
 * `--all-versions` (`treatment (vN)` rows) — read from disk (no code runs).
 * `--format` picks text (default), json (as `--json`), csv or jsonl (one row
 * per replicate × condition × metric, with seed and run id) or md (a
 * Markdown summary). For a folder of experiment folders (a graph), each
 * experiment's stored runs. Failure messages are explained as a live run
 * shows them (the sandbox's flags to grant a permission).
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
  options: {
    readonly version?: number;
    readonly json?: boolean;
    readonly format?: ShowFormat;
    readonly allVersions?: boolean;
  },
): Promise<ExitCode> {
  const format = options.format ?? (options.json ? "json" : "text");
  if (options.allVersions && options.version !== undefined) {
    throw new CliError("--all-versions and --version exclude each other; give one");
  }
  const members = options.version === undefined && !options.allVersions
    ? await graphMembers(raw)
    : undefined;
  if (members !== undefined && (format === "text" || format === "json")) {
    return showGraph(raw, members, format === "json");
  }
  if (members !== undefined) {
    throw new CliError(
      `${raw} is a folder of experiments; --format ${format} shows one experiment: give its folder`,
    );
  }
  const runs = options.allVersions
    ? await storedVersions(raw)
    : [await storedRun(raw, options.version)];
  console.log(formatRuns(runs, format));
  return EXIT.OK;
}

/** What `show --format` prints. */
export type ShowFormat = "text" | "json" | "csv" | "jsonl" | "md";

function formatRuns(runs: readonly StoredRun[], format: ShowFormat): string {
  const reported = runs.map((r) => ({ result: r.result, version: r.version }));
  const rows = () => printableData(runs.flatMap((r) => resultRows(r.result, r.version)));
  switch (format) {
    case "text":
      return runs.length === 1 ? formatSummary(runs[0].result) : formatVersionsSummary(reported);
    case "json": {
      const documents = runs.map((r) => ({
        dir: r.dir,
        version: r.version,
        result: r.result,
        artifacts: r.artifacts,
      }));
      return JSON.stringify(runs.length === 1 ? documents[0] : { versions: documents }, null, 2);
    }
    case "csv":
      return rowsToCsv(rows()).trimEnd();
    case "jsonl":
      return rows().map((r) => JSON.stringify(r)).join("\n");
    case "md":
      return printable(markdownSummary(reported)).trimEnd();
  }
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
