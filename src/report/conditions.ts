import type { MetricValue } from "../context/metrics.ts";
import type { ReportRun } from "./report_run.ts";

/** One condition of one run, named for display. */
export interface ConditionSample {
  /** How it is shown: the condition, with ` (vN)` when several versions are shown together. */
  readonly label: string;
  /** `"baseline"` or the treatment name. */
  readonly condition: string;
  /** The stored version it comes from, if any. */
  readonly version: number | undefined;
  /** Whether it is a baseline. */
  readonly baseline: boolean;
  /** Values per metric, in replicate order. */
  readonly metrics: Readonly<Record<string, readonly MetricValue[]>>;
}

/**
 * The conditions of the given runs, baseline first within each run, runs
 * in the order given. With more than one run, labels carry the version as
 * the original's summary did: `baseline (v2)`, `boost (v3)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../storage/result_json.ts";
 * import { conditionSamples } from "./conditions.ts";
 *
 * const result = (total: number) => ({
 *   metrics: { baseline: { total: [1] }, treatments: { boost: { total: [total] } } },
 * }) as unknown as ResultJson;
 * const runs = [{ result: result(2), version: 1 }, { result: result(3), version: 2 }];
 * assert.deepEqual(conditionSamples(runs).map((c) => c.label), [
 *   "baseline (v1)", "boost (v1)", "baseline (v2)", "boost (v2)",
 * ]);
 * assert.deepEqual(conditionSamples(runs.slice(1)).map((c) => c.label), ["baseline", "boost"]);
 * ```
 */
export function conditionSamples(runs: readonly ReportRun[]): ConditionSample[] {
  const versioned = runs.length > 1;
  return runs.flatMap(({ result, version }) => {
    const all = [
      ["baseline", result.metrics.baseline] as const,
      ...Object.entries(result.metrics.treatments),
    ];
    return all.map(([condition, metrics]) => ({
      label: versioned ? `${condition} (v${version ?? "?"})` : condition,
      condition,
      version,
      baseline: condition === "baseline",
      metrics,
    }));
  });
}

/**
 * The metric names recorded by any of the samples, in first-seen order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { metricNames } from "./conditions.ts";
 *
 * assert.deepEqual(metricNames([{ metrics: { a: [1] } }, { metrics: { b: [2], a: [3] } }]), ["a", "b"]);
 * ```
 */
export function metricNames(
  samples: readonly Pick<ConditionSample, "metrics">[],
): string[] {
  return [...new Set(samples.flatMap((s) => Object.keys(s.metrics)))];
}
