import { compareRuns, type RunComparison } from "../../report/compare.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { printable, printableData } from "../printable.ts";
import { storedRun } from "../stored_runs.ts";
import { formatNumber, table } from "../../report/text_format.ts";
import { writeReport } from "./report.ts";

/** Options of `crystallize compare`. */
export interface CompareOptions {
  /** A version of run A instead of its latest. */
  readonly versionA?: number;
  /** A version of run B instead of its latest. */
  readonly versionB?: number;
  /** Print the comparison as JSON. */
  readonly json?: boolean;
  /** Also write an HTML report with the comparison and both runs. */
  readonly out?: string;
}

/**
 * The comparison as text: per metric and condition, both means, the
 * change with its 95% interval and Welch's p-value; then what only one
 * run has.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../../storage/result_json.ts";
 * import { compareRuns } from "../../report/compare.ts";
 * import { formatComparison } from "./compare.ts";
 *
 * const run = (mae: number[]) =>
 *   ({ metrics: { baseline: { mae }, treatments: {} } }) as unknown as ResultJson;
 * const c = compareRuns({ label: "v1", result: run([1, 2, 3]) }, { label: "v2", result: run([2, 3, 4]) });
 * assert.match(formatComparison(c), /mae\s+baseline\s+2\s+3\s+\+1/);
 * ```
 */
export function formatComparison(c: RunComparison): string {
  const rows = [[
    "  metric",
    "condition",
    `mean ${c.a}`,
    `mean ${c.b}`,
    "change",
    "95% CI",
    "p (Welch)",
  ]];
  for (const r of c.rows) {
    const d = r.difference;
    rows.push([
      `  ${r.metric}`,
      r.condition,
      formatNumber(r.meanA),
      formatNumber(r.meanB),
      d === undefined ? "-" : `${d.estimate > 0 ? "+" : ""}${formatNumber(d.estimate)}`,
      d === undefined ? (r.note ?? "-") : `[${formatNumber(d.low)}, ${formatNumber(d.high)}]`,
      d === undefined ? "-" : formatNumber(d.pValue),
    ]);
  }
  const lines = [
    `${c.b} against ${c.a}: change in mean (B − A), 95% Welch interval and two-sided Welch test`,
    ...(c.rows.length === 0 ? ["  (no shared metric and condition)"] : table(rows)),
    ...c.unmatched.map((u) => `  ${u}`),
  ];
  return printable(lines.join("\n"));
}

/**
 * `crystallize compare <runA> <runB>`: two stored runs — two versions of
 * one experiment (version folders, or `--version-a/-b`), or two
 * experiments with shared metrics — compared per metric and condition:
 * the change in mean with its 95% Welch interval and a Welch test. Text,
 * `--json`, and with `--out` an HTML report with the comparison.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareCommand } from "./compare.ts";
 * import { newCommand } from "./new.ts";
 * import { runCommand } from "./run.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * await runCommand(`${dir}/demo`, { cache: true, treatments: true, quiet: true, seed: 1 });
 * await runCommand(`${dir}/demo`, { cache: true, treatments: true, quiet: true, seed: 2, strategy: "rerun" });
 * assert.equal(await compareCommand(`${dir}/demo`, `${dir}/demo`, { versionA: 0, versionB: 1 }), 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function compareCommand(
  rawA: string,
  rawB: string,
  options: CompareOptions,
): Promise<ExitCode> {
  const a = await storedRun(rawA, options.versionA);
  const b = await storedRun(rawB, options.versionB);
  const label = (s: typeof a) => `${s.experiment} v${s.version}`;
  const [labelA, labelB] = label(a) === label(b)
    ? [`A (${label(a)})`, `B (${label(b)})`]
    : [label(a), label(b)];
  const comparison = compareRuns({ label: labelA, result: a.result }, {
    label: labelB,
    result: b.result,
  });
  if (options.out !== undefined) {
    const { htmlReport } = await import("../../report/html_report.ts");
    const html = await htmlReport({
      title: `${labelB} against ${labelA}`,
      comparison,
      experiments: [a, b].map((s) => ({
        name: s.experiment,
        runs: [{ result: s.result, version: s.version }],
      })),
    });
    console.error(printable(`wrote ${await writeReport(html, options.out)}`));
  }
  console.log(
    options.json
      ? JSON.stringify(printableData(comparison), null, 2)
      : formatComparison(comparison),
  );
  return EXIT.OK;
}
