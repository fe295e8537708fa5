/**
 * Normal-approximation confidence interval for a difference of means: the
 * large-sample limit of the bootstrap interval, in O(n) and without
 * resampling. Internal: the ready verifiers use it for large samples; not
 * re-exported from `mod.ts`.
 *
 * @module
 */

import { normalQuantile } from "./normal_distribution.ts";
import { meanDifference, pairMoments } from "./moments.ts";
import { validateConfidence, validateSamples } from "./sample.ts";

/** Options of {@linkcode normalMeanDiffCI}. */
export interface NormalCIOptions {
  /**
   * Two-sided confidence level, strictly between 0 and 1.
   * @default {0.95}
   */
  readonly confidence?: number;
}

/** Result of {@linkcode normalMeanDiffCI}. */
export interface NormalCIResult {
  /** Lower bound, estimate − z·standard error. */
  readonly low: number;
  /** Upper bound, estimate + z·standard error. */
  readonly high: number;
  /** mean(a) − mean(b) on the observed samples. */
  readonly estimate: number;
}

/**
 * Confidence interval of mean(a) − mean(b) from the normal approximation
 * `estimate ± z·√(σ²_a/n_a + σ²_b/n_b)`, z = Φ⁻¹((1 + confidence)/2), with
 * the plug-in variances σ² = Σ(x − x̄)²/n: the distribution that the
 * resampled differences of {@linkcode bootstrapMeanDiffCI} tend to as the
 * samples grow (by the central limit theorem), so for large samples the two
 * intervals agree, this one without Monte-Carlo noise and at the cost of one
 * pass over the data. For small or strongly skewed samples prefer the
 * bootstrap, which follows the skew. Deterministic; uses the same robust
 * moments as the t-tests (see `moments.ts`), so huge offsets and magnitudes
 * are handled alike.
 *
 * @param a First sample (at least 2 finite numbers).
 * @param b Second sample (at least 2 finite numbers).
 * @param options See {@linkcode NormalCIOptions}.
 * @returns `{ low, high, estimate }`.
 * @throws {StatisticsInputError} if a sample has fewer than 2 values or holds
 * a NaN, an infinity or a non-number, or `confidence` is out of range.
 *
 * @example
 * ```ts
 * import { normalMeanDiffCI } from "./normal_ci.ts";
 * const ci = normalMeanDiffCI([5.1, 4.9, 5.3, 5.0, 5.2], [4.1, 4.4, 3.9, 4.2, 4.0]);
 * console.log(ci.estimate.toFixed(2), ci.low > 0); // "0.98" true
 * ```
 */
export function normalMeanDiffCI(
  a: readonly number[],
  b: readonly number[],
  options: NormalCIOptions = {},
): NormalCIResult {
  const fn = "normalMeanDiffCI";
  const confidence = validateConfidence(fn, options.confidence ?? 0.95);
  validateSamples(fn, a, b, 2);
  const { a: ma, b: mb, exponent } = pairMoments(a, b);
  // In the moments' scaled unit, so that the squares cannot overflow; the
  // results are scaled back exactly (a power of two).
  const se = Math.sqrt(ma.m2 / ma.n / ma.n + mb.m2 / mb.n / mb.n);
  const half = normalQuantile((1 + confidence) / 2) * se;
  const estimate = meanDifference(ma, mb);
  const unit = 2 ** exponent;
  return {
    low: (estimate - half) * unit,
    high: (estimate + half) * unit,
    estimate: estimate * unit,
  };
}
