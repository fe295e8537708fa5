import { meanCi } from "../../verify/stats/mean_ci.ts";
import type { ConditionSample } from "../conditions.ts";
import type { VegaLiteSpec } from "../render_svg.ts";
import { PALETTE } from "./palette.ts";

/** Rows of a condition's band the points spread over (jitter), px. */
const BAND = 44;

/**
 * A strip plot of one metric: every replicate's value as a point, one row
 * per condition (spread vertically so equal values stay visible), with the
 * mean as a tick and its 95% t interval as a bar; the baseline's points
 * are coloured apart. Non-numeric values are left out; a condition without
 * numbers keeps its (empty) row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricSpec } from "./metric_spec.ts";
 *
 * const spec = metricSpec("mae", [
 *   { label: "baseline", condition: "baseline", version: undefined, baseline: true, metrics: { mae: [1, 2] } },
 *   { label: "fast", condition: "fast", version: undefined, baseline: false, metrics: { mae: [3, 4] } },
 * ]);
 * assert.equal((spec.layer as unknown[]).length, 3); // points, intervals, means
 * ```
 */
export function metricSpec(metric: string, samples: readonly ConditionSample[]): VegaLiteSpec {
  const labels = samples.map((s) => s.label);
  const points = samples.flatMap((s) =>
    numbers(s.metrics[metric] ?? []).map((value, i) => ({
      condition: s.label,
      value,
      baseline: s.baseline,
      // Deterministic spread (golden-ratio sequence): the same run draws the same picture.
      jitter: ((i * 0.6180339887) % 1) - 0.5,
    }))
  );
  const summaries = samples.flatMap((s) => {
    const { n, mean, halfWidth } = meanCi(s.metrics[metric] ?? []);
    if (n === 0) return [];
    const half = Number.isNaN(halfWidth) ? 0 : halfWidth;
    return [{ condition: s.label, mean, low: mean - half, high: mean + half }];
  });
  const y = {
    field: "condition",
    type: "nominal",
    scale: { domain: labels },
    title: null,
    axis: { labelLimit: 220 },
  };
  return {
    width: 560,
    height: { step: BAND },
    title: {
      text: metric,
      subtitle: "points: replicates · bar: mean with 95% CI",
      anchor: "start",
    },
    layer: [
      {
        data: { values: points },
        mark: { type: "point", filled: true, opacity: 0.6, size: 40 },
        encoding: {
          y,
          yOffset: {
            field: "jitter",
            type: "quantitative",
            scale: { domain: [-0.5, 0.5], range: [10, BAND - 10] },
          },
          x: { field: "value", type: "quantitative", scale: { zero: false }, title: metric },
          color: {
            field: "baseline",
            type: "nominal",
            scale: { domain: [true, false], range: [PALETTE.baseline, PALETTE.treatment] },
            legend: null,
          },
        },
      },
      {
        data: { values: summaries },
        mark: { type: "rule", strokeWidth: 3, color: PALETTE.ink },
        encoding: { y, x: { field: "low", type: "quantitative" }, x2: { field: "high" } },
      },
      {
        data: { values: summaries },
        mark: { type: "tick", thickness: 3, size: BAND - 12, color: PALETTE.ink },
        encoding: { y, x: { field: "mean", type: "quantitative" } },
      },
    ],
  };
}

function numbers(values: readonly unknown[]): number[] {
  return values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
}
