/**
 * Two-sample t-tests: Welch's (unequal variances) and Student's (pooled).
 *
 * @module
 */

import { type Alternative, resolveAlternative } from "./alternative.ts";
import { studentTCdf } from "./student_t.ts";
import { meanDifference, type Moments, pairMoments, pooledVariance, variance } from "./moments.ts";
import { validateSamples } from "./sample.ts";

/** Options of {@linkcode welchTTest} and {@linkcode studentTTest}. */
export interface TTestOptions {
  /**
   * The alternative hypothesis about mean(a) relative to mean(b).
   * @default {"two-sided"}
   */
  readonly alternative?: Alternative;
}

/** Result of {@linkcode welchTTest} and {@linkcode studentTTest}. */
export interface TTestResult {
  /** The t statistic, (mean(a) − mean(b)) / standard error. */
  readonly statistic: number;
  /** The p-value for the requested alternative. */
  readonly pValue: number;
  /** Degrees of freedom of the reference t distribution. */
  readonly df: number;
}

/** Smallest sample size the t-tests accept (a variance needs two values). */
const MIN_SIZE = 2;

/**
 * Welch's two-sample t-test, which does not assume equal variances; matches
 * `scipy.stats.ttest_ind(a, b, equal_var=False, alternative=...)`.
 *
 * The degrees of freedom are the Welch–Satterthwaite value. One-sided and
 * two-sided p-values are taken directly from the lower tail of the t
 * distribution (never as 1 − cdf), so tiny p-values keep their relative
 * accuracy.
 *
 * Edge cases (as scipy 1.17):
 * - both samples constant and equal: statistic, pValue are `NaN`, df is 1;
 * - both samples constant but different: statistic is ±`Infinity`, the
 *   two-sided pValue is 0 (one-sided 0 or 1), df is 1.
 *
 * @param a First sample (at least 2 finite numbers).
 * @param b Second sample (at least 2 finite numbers).
 * @param options See {@linkcode TTestOptions}.
 * @returns `{ statistic, pValue, df }`.
 * @throws {StatisticsInputError} if a sample has fewer than 2 values, holds a
 * NaN, an infinity or a non-number, or `alternative` is invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { welchTTest } from "./t_test.ts";
 *
 * const { statistic, pValue, df } = welchTTest([2.1, 3.4, 1.9, 5.6], [3.3, 6.1, 5.8, 7.2]);
 * assert.ok(statistic < 0 && pValue < 0.1 && df > 5);
 * ```
 */
export function welchTTest(
  a: readonly number[],
  b: readonly number[],
  options: TTestOptions = {},
): TTestResult {
  const { alternative, ma, mb, n1, n2 } = tTestInputs("welchTTest", a, b, options);
  const vn1 = variance(ma) / n1;
  const vn2 = variance(mb) / n2;
  // Welch–Satterthwaite, scaled by the larger term so that tiny variances
  // cannot underflow when squared. 0/0 (both variances zero) gives NaN, which
  // scipy replaces by 1: any df works since the statistic is ±inf or NaN.
  const scale = Math.max(vn1, vn2);
  const r1 = vn1 / scale;
  const r2 = vn2 / scale;
  let df = (r1 + r2) ** 2 / (r1 * r1 / (n1 - 1) + r2 * r2 / (n2 - 1));
  if (Number.isNaN(df)) df = 1;
  const statistic = meanDifference(ma, mb) / Math.sqrt(vn1 + vn2);
  return { statistic, pValue: tPValue(statistic, df, alternative), df };
}

/**
 * Student's two-sample t-test with pooled variance (assumes equal
 * variances); matches `scipy.stats.ttest_ind(a, b, equal_var=True,
 * alternative=...)`. df = n_a + n_b − 2.
 *
 * Edge cases (as scipy 1.17):
 * - both samples constant and equal: statistic and pValue are `NaN`;
 * - both samples constant but different: statistic is ±`Infinity`, the
 *   two-sided pValue is 0 (one-sided 0 or 1).
 *
 * @param a First sample (at least 2 finite numbers).
 * @param b Second sample (at least 2 finite numbers).
 * @param options See {@linkcode TTestOptions}.
 * @returns `{ statistic, pValue, df }`.
 * @throws {StatisticsInputError} if a sample has fewer than 2 values, holds a
 * NaN, an infinity or a non-number, or `alternative` is invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentTTest } from "./t_test.ts";
 *
 * const r = studentTTest([1, 2, 3, 4], [3, 4, 5, 6], { alternative: "less" });
 * assert.equal(r.df, 6);
 * assert.ok(r.pValue < 0.05);
 * ```
 */
export function studentTTest(
  a: readonly number[],
  b: readonly number[],
  options: TTestOptions = {},
): TTestResult {
  const { alternative, ma, mb, n1, n2 } = tTestInputs("studentTTest", a, b, options);
  const df = n1 + n2 - 2;
  const se = Math.sqrt(pooledVariance(ma, mb) * (1 / n1 + 1 / n2));
  const statistic = meanDifference(ma, mb) / se;
  return { statistic, pValue: tPValue(statistic, df, alternative), df };
}

/**
 * The checked inputs of a t-test `fn`: the alternative, and the samples'
 * moments and sizes. t and df do not depend on the unit, so they are
 * computed in the scaled one of the moments (see moments.ts) and never
 * scaled back.
 */
function tTestInputs(
  fn: string,
  a: readonly number[],
  b: readonly number[],
  options: TTestOptions,
): { alternative: Alternative; ma: Moments; mb: Moments; n1: number; n2: number } {
  const alternative = resolveAlternative(fn, options.alternative);
  validateSamples(fn, a, b, MIN_SIZE);
  const { a: ma, b: mb } = pairMoments(a, b);
  return { alternative, ma, mb, n1: a.length, n2: b.length };
}

/**
 * p-value of a t statistic with `df` degrees of freedom, always evaluated in
 * the lower tail (cdf of a non-positive argument where it matters) for full
 * relative accuracy of small p-values. NaN in, NaN out.
 */
function tPValue(t: number, df: number, alternative: Alternative): number {
  switch (alternative) {
    case "less":
      return studentTCdf(t, df);
    case "greater":
      return studentTCdf(-t, df);
    case "two-sided":
      return Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  }
}
