/**
 * Robust first and second moments, the one implementation behind the
 * t-tests, the effect sizes and the bootstrap. Internal: not re-exported from
 * `mod.ts`.
 *
 * Three measures, each against one way naive sums go wrong:
 *
 * - **Power-of-two rescaling.** Values are multiplied by 2^−e, with e taken
 *   from the largest magnitude of all samples involved, so that they are of
 *   order 1. Multiplying by a power of two is exact (only values that land
 *   in the subnormal range, negligible next to the largest, lose bits). t
 *   statistics, p-values and standardized effect sizes do not depend on the
 *   scale, so they are computed in scaled units and never scaled back:
 *   squares of values near 1e200 cannot overflow, nor those of values near
 *   1e-170 underflow.
 * - **A pivot.** Each sample is summed as deviations from its first value.
 *   For values 1 ± 1e-12 or 1e12 ± 1 those deviations are exact (Sterbenz),
 *   so the mean difference is not drowned in the rounding of the magnitude.
 * - **Compensated (Neumaier) sums** for the mean and the sums of squares.
 *
 * Limit of the one shared exponent: deviations below about 2^−537 of the
 * largest magnitude in both samples underflow to 0 when squared. A sample
 * that spreads that little is negligible next to the other one's variance
 * unless that sample is constant; then the true |t| exceeds 1e161 and is
 * reported as ±Infinity (p = 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanDifference, moments, scaleExponent, variance } from "./moments.ts";
 *
 * const a = [1e12 + 0.25, 1e12 + 0.5, 1e12 + 1];
 * const b = [1e12, 1e12 + 0.125, 1e12 + 0.5];
 * const e = scaleExponent(a, b);
 * const ma = moments(a, e);
 * const mb = moments(b, e);
 * assert.equal(meanDifference(ma, mb) * 2 ** e, 0.375);
 * assert.equal(variance(ma) * 4 ** e, 0.14583333333333334);
 * ```
 *
 * @module
 */

/**
 * Moments of one sample in units of 2^e for the exponent e it was computed
 * with (squared units for `m2`). Only moments with the same exponent may be
 * combined.
 */
export interface Moments {
  /** Sample size. */
  readonly n: number;
  /** The first value, scaled: the origin of the sums. */
  readonly pivot: number;
  /** mean − pivot, scaled: the compensated mean of the deviations. */
  readonly offset: number;
  /** Sum of squared deviations from the mean, scaled by 2^−2e. */
  readonly m2: number;
}

/** Exponents are kept where both 2^e and 2^−e are normal numbers. */
const MAX_EXPONENT = 1022;

/**
 * The power-of-two exponent e that brings the largest magnitude in
 * `samples` to [1, 2) (give or take a factor 2 from the rounding of log2,
 * which is harmless). All samples that are combined later must be scaled
 * with the same e.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scaleExponent } from "./moments.ts";
 *
 * assert.equal(scaleExponent([3, -8], [5]), 3);
 * assert.equal(scaleExponent([0, 0]), 0);
 * ```
 */
export function scaleExponent(...samples: readonly (readonly number[])[]): number {
  let max = 0;
  for (const values of samples) {
    for (const v of values) max = Math.max(max, Math.abs(v));
  }
  if (max === 0) return 0;
  const e = Math.floor(Math.log2(max));
  return Math.min(MAX_EXPONENT, Math.max(-MAX_EXPONENT, e));
}

/** A sample as its scaled first value and the scaled deviations from it. */
export interface Pivoted {
  /** `values[0] · 2^−e`. */
  readonly pivot: number;
  /** `values[i] · 2^−e − pivot`, exact when values[i] is within a factor 2 of values[0]. */
  readonly deviations: Float64Array;
}

/**
 * Splits non-empty `values`, scaled by 2^−`exponent`, into its first value
 * (the pivot) and the deviations from it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pivoted } from "./moments.ts";
 *
 * const { pivot, deviations } = pivoted([5, 6, 4], 1);
 * assert.equal(pivot, 2.5);
 * assert.deepEqual(Array.from(deviations), [0, 0.5, -0.5]);
 * ```
 */
export function pivoted(values: readonly number[], exponent: number): Pivoted {
  const scale = 2 ** -exponent;
  const pivot = values[0] * scale;
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = values[i] * scale - pivot;
  return { pivot, deviations };
}

/**
 * Mean and sum of squared deviations of a non-empty sample, scaled by
 * 2^−`exponent` (see {@linkcode scaleExponent}). The sum of squares uses the
 * corrected two-pass formula Σd² − (Σd)²/n, which cancels the rounding of
 * the mean. A constant sample has `offset` and `m2` exactly 0, never a
 * rounding residue that would make a t statistic finite but meaningless.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moments } from "./moments.ts";
 *
 * assert.deepEqual({ ...moments([1, 2, 3, 4], 0) }, { n: 4, pivot: 1, offset: 1.5, m2: 5 });
 * ```
 */
export function moments(values: readonly number[], exponent: number): Moments {
  const n = values.length;
  const { pivot, deviations: y } = pivoted(values, exponent);
  const offset = neumaierSum(y) / n;
  let s = 0;
  let c = 0;
  let s2 = 0;
  let c2 = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - offset;
    [s, c] = neumaierStep(s, c, d);
    [s2, c2] = neumaierStep(s2, c2, d * d);
  }
  const sum = s + c;
  const m2 = Math.max(0, (s2 + c2) - (sum * sum) / n);
  return { n, pivot, offset, m2 };
}

/** Moments of two samples in their common unit 2^`exponent`. */
export interface PairMoments {
  /** Moments of the first sample. */
  readonly a: Moments;
  /** Moments of the second sample. */
  readonly b: Moments;
  /** The shared exponent, {@linkcode scaleExponent} of both samples. */
  readonly exponent: number;
}

/**
 * Moments of two non-empty samples scaled with one exponent, ready to be
 * combined by {@linkcode meanDifference}, {@linkcode variance} and
 * {@linkcode pooledVariance}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanDifference, pairMoments } from "./moments.ts";
 *
 * const { a, b, exponent } = pairMoments([1e300, 3e300], [2e300, 6e300]);
 * assert.equal(meanDifference(a, b) * 2 ** exponent, -2e300); // no overflow
 * ```
 */
export function pairMoments(a: readonly number[], b: readonly number[]): PairMoments {
  const exponent = scaleExponent(a, b);
  return { a: moments(a, exponent), b: moments(b, exponent), exponent };
}

/**
 * mean(a) − mean(b), scaled like the moments. Exact pivots make this
 * accurate to a few rounding errors of the deviations, however large the
 * common offset of the samples.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanDifference, moments } from "./moments.ts";
 *
 * assert.equal(meanDifference(moments([1, 2], 0), moments([4, 6], 0)), -3.5);
 * ```
 */
export function meanDifference(a: Moments, b: Moments): number {
  return pivotedDifference(a.pivot, a.offset, b.pivot, b.offset);
}

/**
 * (pivotA + offsetA) − (pivotB + offsetB) without forming either mean: the
 * offsets are subtracted on their own, so their leading digits are not lost
 * to the magnitude of the pivots. pivotA − pivotB is exact when the pivots
 * are within a factor 2 of each other (Sterbenz); otherwise it errs by at
 * most half an ulp of |pivotA − pivotB| ≤ |result| + |offsetA| + |offsetB|,
 * no more than the offsets' own rounding, so a compensated (two-sum) step
 * would gain nothing. Shared with the bootstrap, which calls it once per
 * resample.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pivotedDifference } from "./moments.ts";
 *
 * assert.equal(pivotedDifference(1e16, 1, 1e16, 0.5), 0.5);
 * ```
 */
export function pivotedDifference(
  pivotA: number,
  offsetA: number,
  pivotB: number,
  offsetB: number,
): number {
  return (pivotA - pivotB) + (offsetA - offsetB);
}

/**
 * Unbiased sample variance, m2 / (n − 1), in the moments' squared units
 * (as `numpy.var(x, ddof=1)` up to the scale 2^2e).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moments, variance } from "./moments.ts";
 *
 * assert.equal(variance(moments([1, 2, 3, 4], 0)), 1.6666666666666667);
 * ```
 */
export function variance(m: Moments): number {
  return m.m2 / (m.n - 1);
}

/**
 * Pooled variance ((n_a − 1)·s²_a + (n_b − 1)·s²_b) / (n_a + n_b − 2) of
 * two samples, in their common squared units; formed from the sums of
 * squares directly, without the round trip through each variance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moments, pooledVariance } from "./moments.ts";
 *
 * assert.equal(pooledVariance(moments([1, 2, 3], 0), moments([2, 3, 4], 0)), 1);
 * ```
 */
export function pooledVariance(a: Moments, b: Moments): number {
  return (a.m2 + b.m2) / (a.n + b.n - 2);
}

/**
 * Sum with Neumaier compensation: accurate to about one rounding error even
 * when terms cancel or differ greatly in magnitude.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { neumaierSum } from "./moments.ts";
 *
 * assert.equal(neumaierSum([1e16, 1, -1e16]), 1); // a plain sum gives 0
 * ```
 */
export function neumaierSum(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) [s, c] = neumaierStep(s, c, values[i]);
  return s + c;
}

/** One step of Neumaier summation: the new running sum and compensation. */
function neumaierStep(s: number, c: number, v: number): [number, number] {
  const t = s + v;
  const error = Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
  return [t, c + error];
}
