import type { HypothesisResult } from "../../verify/hypothesis.ts";
import type { VegaLiteSpec } from "../render_svg.ts";
import { verdictEffect } from "../verdict_fields.ts";
import { intervalSpec } from "./interval_spec.ts";

/**
 * A forest plot of a hypothesis: per treatment, its effect (the verifier's
 * interval of mean(treatment) − mean(baseline) when it reports one, else
 * its effect size) with the interval, against no effect; significant
 * verdicts in green. `undefined` when no treatment has an effect to draw.
 * `labels` names the treatments (e.g. `boost (v3)`), in result order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forestSpec } from "./forest_spec.ts";
 *
 * const h = {
 *   name: "h", metrics: ["total"],
 *   results: [{ treatment: "boost", significant: true, ci: { low: 1, high: 3, estimate: 2 } }],
 *   ranking: { best: "boost", ranked: [] },
 * };
 * assert.notEqual(forestSpec(h, ["boost"]), undefined);
 * assert.equal(forestSpec({ ...h, results: [{ treatment: "boost" }] }, ["boost"]), undefined);
 * ```
 */
export function forestSpec(
  hypothesis: HypothesisResult,
  labels: readonly string[],
): VegaLiteSpec | undefined {
  const effects = hypothesis.results.map((r) => verdictEffect(r));
  const rows = hypothesis.results.flatMap((r, i) => {
    const effect = effects[i];
    if (effect === undefined) return [];
    return [{
      label: labels[i] ?? r.treatment,
      estimate: effect.estimate,
      low: effect.low ?? effect.estimate,
      high: effect.high ?? effect.estimate,
      significant: r.significant === true,
    }];
  });
  if (rows.length === 0) return undefined;
  const differences = effects.every((e) => e === undefined || e.kind === "mean difference");
  return intervalSpec(rows, {
    title: `${hypothesis.name}: effects`,
    axis: differences
      ? `mean(treatment) − mean(baseline) of ${hypothesis.metrics.join(", ")}, with CI`
      : "effect (bar: the verifier's interval, where it reports one)",
  });
}
