import type { Provenance } from "../../storage/provenance.ts";
import type { VegaLiteSpec } from "../render_svg.ts";
import { PALETTE } from "./palette.ts";

/** One bar of the timing chart. */
export interface TimingRow {
  /** Step name. */
  readonly step: string;
  /** Condition, or `"all conditions"` for runs stored without per-condition timings. */
  readonly condition: string;
  /** Mean wall time per call, ms. */
  readonly meanMs: number;
  /** Calls. */
  readonly calls: number;
  /** Calls the step cache served. */
  readonly cacheHits: number;
}

/**
 * The bars of the timing chart: per step and condition, the mean time per
 * call and the cache hits; for runs stored before per-condition timings
 * were recorded, one bar per step over all conditions (without hits).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Provenance } from "../../storage/provenance.ts";
 * import { timingRows } from "./timing_spec.ts";
 *
 * const timings = {
 *   steps: [{ step: "fit", calls: 2, totalMs: 8, meanMs: 4, maxMs: 5 }],
 *   stepsByCondition: { baseline: [{ step: "fit", calls: 2, totalMs: 8, cacheHits: 1 }] },
 *   conditions: {},
 * } as unknown as Provenance["timings"];
 * assert.deepEqual(timingRows(timings), [
 *   { step: "fit", condition: "baseline", meanMs: 4, calls: 2, cacheHits: 1 },
 * ]);
 * ```
 */
export function timingRows(timings: Provenance["timings"]): TimingRow[] {
  const byCondition = timings.stepsByCondition;
  if (byCondition === undefined) {
    return timings.steps.map((s) => ({
      step: s.step,
      condition: "all conditions",
      meanMs: s.meanMs,
      calls: s.calls,
      cacheHits: 0,
    }));
  }
  return Object.entries(byCondition).flatMap(([condition, steps]) =>
    steps.map((s) => ({
      step: s.step,
      condition,
      meanMs: s.calls === 0 ? 0 : s.totalMs / s.calls,
      calls: s.calls,
      cacheHits: s.cacheHits,
    }))
  );
}

/**
 * A bar chart of time per step and condition (mean ms per call), steps in
 * pipeline order with a bar per condition; a step the cache served is
 * marked with its hits (`3/12 cached`). `undefined` when no step ran.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timingSpec } from "./timing_spec.ts";
 *
 * const rows = [{ step: "fit", condition: "baseline", meanMs: 4, calls: 2, cacheHits: 1 }];
 * assert.notEqual(timingSpec(rows, ["fit"]), undefined);
 * assert.equal(timingSpec([], ["fit"]), undefined);
 * ```
 */
export function timingSpec(
  rows: readonly TimingRow[],
  stepOrder: readonly string[],
): VegaLiteSpec | undefined {
  if (!rows.some((r) => r.calls > 0)) return undefined;
  const values = rows.map((r) => ({
    ...r,
    cached: r.cacheHits > 0 ? `${r.cacheHits}/${r.calls} cached` : "",
  }));
  const y = { field: "step", type: "nominal", sort: [...stepOrder], title: null };
  const yOffset = { field: "condition", type: "nominal" };
  return {
    width: 460,
    // With yOffset, the step is one condition's bar within a step's band.
    height: { step: 20 },
    title: { text: "Time per step and condition", subtitle: "mean ms per call", anchor: "start" },
    data: { values },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y,
          yOffset,
          x: { field: "meanMs", type: "quantitative", title: "ms per call" },
          color: { field: "condition", type: "nominal", legend: { orient: "bottom", title: null } },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 4, color: PALETTE.cached, fontWeight: "bold" },
        encoding: {
          y,
          yOffset,
          x: { field: "meanMs", type: "quantitative" },
          text: { field: "cached" },
        },
      },
    ],
  };
}
