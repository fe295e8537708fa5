import { printable } from "./printable.ts";
import type { ResultJson } from "../storage/result_json.ts";
import type { ReportRun } from "../report/report_run.ts";
import { resultSummary, type SummaryWording, versionsSummary } from "../report/text_summary.ts";

/** The summary's fixes worded for the command line: what `crystallize run` and `show` print. */
export const CLI_SUMMARY_WORDING: SummaryWording = {
  rerun: "--strategy rerun recomputes it",
  retention: "set it with ArtifactPlugin: { retention: N } under plugins: in config.yaml, " +
    "or ArtifactPlugin({ retention }) in code",
  repeatSeed: (seed) => `repeat with --seed ${seed}`,
  allFailures: "--json lists all",
};

/**
 * The run's summary as the CLI prints it (`crystallize run`, `show` and the
 * terminal UI's summary tab): the summary of `Result.toString()` with its
 * fixes worded for the command line, and control characters escaped, since
 * names, messages and stored values come from experiments.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { formatSummary } from "./summary.ts";
 *
 * const result = await experiment.run({ replicates: 4 });
 * assert.match(formatSummary(result.toJSON()), /Metrics \(mean ± 95% CI\)/);
 * ```
 */
export function formatSummary(result: ResultJson): string {
  return printable(resultSummary(result, CLI_SUMMARY_WORDING));
}

/**
 * The summary across stored versions as `crystallize show --all-versions`
 * prints it (see `versionsSummary`), control characters escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { formatVersionsSummary } from "./summary.ts";
 *
 * const a = (await experiment.run({ replicates: 3, seed: 1 })).toJSON();
 * const text = formatVersionsSummary([{ result: a, version: 1 }]);
 * assert.match(text, /boost_total \(v1\)/);
 * ```
 */
export function formatVersionsSummary(runs: readonly ReportRun[]): string {
  return printable(versionsSummary(runs));
}
