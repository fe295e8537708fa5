import type { ResultJson } from "../storage/result_json.ts";
import { type MeanDifference, meanDifference } from "../verify/stats/mean_ci.ts";
import { conditionSamples } from "./conditions.ts";

/** One side of a comparison. */
export interface ComparedRun {
  /** How it is named (`smoothing v3`). */
  readonly label: string;
  /** Its result. */
  readonly result: ResultJson;
}

/** The change of one metric in one condition from run A to run B. */
export interface ComparisonRow {
  /** The metric. */
  readonly metric: string;
  /** The condition (`"baseline"` or a treatment), matched by name. */
  readonly condition: string;
  /** Numeric values in A. */
  readonly nA: number;
  /** Numeric values in B. */
  readonly nB: number;
  /** Mean in A (`NaN` without values). */
  readonly meanA: number;
  /** Mean in B. */
  readonly meanB: number;
  /**
   * mean(B) − mean(A), its 95% Welch interval and Welch's two-sided test;
   * absent when a side has fewer than two numbers (see `note`).
   */
  readonly difference?: MeanDifference;
  /** Why there is no difference, when there is none. */
  readonly note?: string;
}

/** How two runs differ, per metric and condition they share. */
export interface RunComparison {
  /** Run A (the reference). */
  readonly a: string;
  /** Run B. */
  readonly b: string;
  /** Confidence level of the intervals. */
  readonly confidence: number;
  /** Shared metrics and conditions, metrics in A's order. */
  readonly rows: readonly ComparisonRow[];
  /** Conditions or metrics only one of the runs has. */
  readonly unmatched: readonly string[];
}

/**
 * Compares two runs — two versions of one experiment, or two experiments
 * with shared metrics — per metric and per condition both have (matched by
 * name): the means, mean(B) − mean(A) with its 95% Welch confidence
 * interval, and Welch's two-sided t-test of no difference.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../storage/result_json.ts";
 * import { compareRuns } from "./compare.ts";
 *
 * const run = (mae: number[]) =>
 *   ({ metrics: { baseline: { mae }, treatments: {} } }) as unknown as ResultJson;
 * const c = compareRuns(
 *   { label: "v1", result: run([1.2, 0.8, 1.5, 1.1, 0.9]) },
 *   { label: "v2", result: run([1.9, 2.4, 1.7, 2.2]) },
 * );
 * assert.equal(c.rows[0].difference?.estimate.toFixed(2), "0.95");
 * assert.ok(c.rows[0].difference!.pValue < 0.01);
 * ```
 */
export function compareRuns(a: ComparedRun, b: ComparedRun): RunComparison {
  const inA = conditionSamples([{ result: a.result }]);
  const inB = new Map(conditionSamples([{ result: b.result }]).map((s) => [s.condition, s]));
  const rows: ComparisonRow[] = [];
  const unmatched: string[] = [];
  for (const sa of inA) {
    const sb = inB.get(sa.condition);
    if (sb === undefined) {
      unmatched.push(`condition '${sa.condition}' is only in ${a.label}`);
      continue;
    }
    for (const metric of Object.keys(sa.metrics)) {
      const valuesB = sb.metrics[metric];
      if (valuesB === undefined) {
        unmatched.push(`metric '${metric}' of '${sa.condition}' is only in ${a.label}`);
        continue;
      }
      rows.push(
        compareSamples(metric, sa.condition, numbers(sa.metrics[metric]), numbers(valuesB)),
      );
    }
    for (const metric of Object.keys(sb.metrics)) {
      if (!(metric in sa.metrics)) {
        unmatched.push(`metric '${metric}' of '${sa.condition}' is only in ${b.label}`);
      }
    }
  }
  for (const condition of inB.keys()) {
    if (!inA.some((s) => s.condition === condition)) {
      unmatched.push(`condition '${condition}' is only in ${b.label}`);
    }
  }
  return { a: a.label, b: b.label, confidence: 0.95, rows, unmatched };
}

function compareSamples(
  metric: string,
  condition: string,
  a: readonly number[],
  b: readonly number[],
): ComparisonRow {
  const base = { metric, condition, nA: a.length, nB: b.length, meanA: mean(a), meanB: mean(b) };
  if (a.length < 2 || b.length < 2) {
    return { ...base, note: "needs two numeric values on each side for an interval and a test" };
  }
  return { ...base, difference: meanDifference(a, b) };
}

function numbers(values: readonly unknown[]): number[] {
  return values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}
