/**
 * Confidence intervals of a mean and of a difference of two means, from
 * Student's t. Internal: summaries, reports and `crystallize compare` use
 * them; verifiers have their own bootstrap and normal intervals.
 *
 * @module
 */

import { validateConfidence } from "./sample.ts";
import { studentTQuantile } from "./t_quantile.ts";
import { welchTTest } from "./t_test.ts";

/** Mean and confidence interval of a sample. */
export interface MeanCi {
  /** Numeric values used. */
  readonly n: number;
  /** Sample mean (`NaN` when empty). */
  readonly mean: number;
  /** Half-width of the t interval (`NaN` below two values). */
  readonly halfWidth: number;
}

/**
 * The mean of the finite numbers among `values` (others are left out) and
 * the half-width of its Student-t confidence interval,
 * `t((1 + confidence)/2, n − 1) · sd / √n`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanCi } from "./mean_ci.ts";
 *
 * const { n, mean, halfWidth } = meanCi([1, 2, 3, "x"]);
 * assert.deepEqual([n, mean, halfWidth.toFixed(3)], [3, 2, "2.484"]); // t(0.975, 2) × s/√n
 * ```
 */
export function meanCi(values: readonly unknown[], confidence = 0.95): MeanCi {
  validateConfidence("meanCi", confidence);
  const xs = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, halfWidth: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, halfWidth: NaN };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { n, mean, halfWidth: studentTQuantile((1 + confidence) / 2, n - 1) * sd / Math.sqrt(n) };
}

/** A difference of two means with its Welch interval and test. */
export interface MeanDifference {
  /** mean(b) − mean(a). */
  readonly estimate: number;
  /** Lower end of the confidence interval. */
  readonly low: number;
  /** Upper end of the confidence interval. */
  readonly high: number;
  /** Welch's t statistic of b against a. */
  readonly statistic: number;
  /** Two-sided p-value of Welch's test. */
  readonly pValue: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
}

/**
 * How far the mean of `b` lies from the mean of `a`: mean(b) − mean(a)
 * with its Welch confidence interval, `estimate ± t((1 + confidence)/2, df)
 * · √(s²_a/n_a + s²_b/n_b)`, and Welch's two-sided test of no difference
 * (scipy's `ttest_ind(b, a, equal_var=False)` and its
 * `confidence_interval`). Each sample needs two finite numbers at least.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanDifference } from "./mean_ci.ts";
 *
 * const d = meanDifference([1.2, 0.8, 1.5, 1.1, 0.9], [1.9, 2.4, 1.7, 2.2]);
 * assert.equal(d.estimate.toFixed(4), "0.9500");
 * assert.deepEqual([d.low.toFixed(4), d.high.toFixed(4)], ["0.4679", "1.4321"]); // scipy
 * ```
 */
export function meanDifference(
  a: readonly number[],
  b: readonly number[],
  confidence = 0.95,
): MeanDifference {
  validateConfidence("meanDifference", confidence);
  const t = welchTTest(b, a);
  const estimate = mean(b) - mean(a);
  const se = Math.sqrt(sampleVariance(a) / a.length + sampleVariance(b) / b.length);
  const half = studentTQuantile((1 + confidence) / 2, t.df) * se;
  return {
    estimate,
    low: estimate - half,
    high: estimate + half,
    statistic: t.statistic,
    pValue: t.pValue,
    df: t.df,
  };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function sampleVariance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}
