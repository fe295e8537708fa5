import type { VegaLiteSpec } from "../render_svg.ts";
import { PALETTE } from "./palette.ts";

/** One row of an interval plot. */
export interface IntervalRow {
  /** What the row is (a treatment, a metric and condition). */
  readonly label: string;
  /** The point estimate. */
  readonly estimate: number;
  /** Lower end of the interval (the estimate when there is none). */
  readonly low: number;
  /** Upper end of the interval. */
  readonly high: number;
  /** Whether the difference is significant. */
  readonly significant: boolean;
}

/**
 * A forest plot: per row, an estimate as a diamond and its interval as a
 * bar, against a dashed line at zero (no effect); significant rows green.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { intervalSpec } from "./interval_spec.ts";
 *
 * const spec = intervalSpec([{ label: "boost", estimate: 2, low: 1, high: 3, significant: true }], {
 *   title: "effects", axis: "mean difference",
 * });
 * assert.equal((spec.layer as unknown[]).length, 3); // zero line, intervals, estimates
 * ```
 */
export function intervalSpec(
  rows: readonly IntervalRow[],
  text: { readonly title: string; readonly axis: string },
): VegaLiteSpec {
  const y = { field: "label", type: "nominal", sort: null, title: null, axis: { labelLimit: 260 } };
  const color = {
    field: "significant",
    type: "nominal",
    scale: { domain: [true, false], range: [PALETTE.significant, PALETTE.treatment] },
    legend: { title: "significant", orient: "bottom" },
  };
  return {
    width: 460,
    height: { step: 30 },
    title: { text: text.title, anchor: "start" },
    layer: [
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: "rule", strokeDash: [4, 4], color: PALETTE.ink },
        encoding: { x: { field: "zero", type: "quantitative" } },
      },
      {
        data: { values: rows },
        mark: { type: "rule", strokeWidth: 2.5 },
        encoding: {
          y,
          x: { field: "low", type: "quantitative", title: text.axis },
          x2: { field: "high" },
          color,
        },
      },
      {
        data: { values: rows },
        mark: { type: "point", filled: true, size: 80, shape: "diamond" },
        encoding: { y, x: { field: "estimate", type: "quantitative" }, color },
      },
    ],
  };
}
