import type { RunComparison } from "./compare.ts";
import { type Child, element, type Html, htmlTable } from "./html.ts";
import { plotFigure } from "./plot_figure.ts";
import { intervalSpec } from "./specs/interval_spec.ts";
import { formatNumber } from "./text_format.ts";

/** Significance level the comparison's tests are marked at. */
export const COMPARISON_ALPHA = 0.05;

/**
 * A comparison of two runs: per metric and condition, both means, the
 * change with its 95% interval and Welch's p-value, as a table and as a
 * forest plot of the changes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../storage/result_json.ts";
 * import { compareRuns } from "./compare.ts";
 * import { comparisonSection } from "./comparison_section.ts";
 *
 * const run = (mae: number[]) =>
 *   ({ metrics: { baseline: { mae }, treatments: {} } }) as unknown as ResultJson;
 * const c = compareRuns({ label: "v1", result: run([1, 2, 3]) }, { label: "v2", result: run([2, 3, 4]) });
 * assert.match((await comparisonSection(c)).html, /data-plot="comparison"/);
 * ```
 */
export async function comparisonSection(comparison: RunComparison): Promise<Html> {
  const rows: Child[][] = comparison.rows.map((r) => [
    r.metric,
    r.condition,
    `${formatNumber(r.meanA)} (n=${r.nA})`,
    `${formatNumber(r.meanB)} (n=${r.nB})`,
    r.difference === undefined ? "-" : formatNumber(r.difference.estimate),
    r.difference === undefined
      ? (r.note ?? "-")
      : `[${formatNumber(r.difference.low)}, ${formatNumber(r.difference.high)}]`,
    r.difference === undefined ? "-" : formatNumber(r.difference.pValue),
  ]);
  const plotted = comparison.rows.flatMap((r) =>
    r.difference === undefined ? [] : [{
      label: `${r.metric} · ${r.condition}`,
      estimate: r.difference.estimate,
      low: r.difference.low,
      high: r.difference.high,
      significant: r.difference.pValue < COMPARISON_ALPHA,
    }]
  );
  return element("section", { class: "comparison" }, [
    element("h2", {}, [`Comparison: ${comparison.b} against ${comparison.a}`]),
    htmlTable(
      [
        "metric",
        "condition",
        `mean ${comparison.a}`,
        `mean ${comparison.b}`,
        "change",
        "95% CI",
        "p (Welch)",
      ],
      rows,
    ),
    plotted.length > 0 &&
    await plotFigure(
      intervalSpec(plotted, {
        title: "Change in mean",
        axis: `mean(${comparison.b}) − mean(${comparison.a})`,
      }),
      { "data-plot": "comparison" },
    ),
    ...comparison.unmatched.map((u) => element("p", {}, [u])),
  ]);
}
