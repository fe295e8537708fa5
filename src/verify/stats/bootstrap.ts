/**
 * Percentile-bootstrap confidence interval for a difference of means, seeded
 * so that the same seed always gives the same interval.
 *
 * @module
 */

import { Rng } from "../../context/rng.ts";
import { StatisticsInputError } from "./errors.ts";
import { meanDifference, pairMoments, pivoted, pivotedDifference } from "./moments.ts";
import { describeValue, validateConfidence, validateSamples } from "./sample.ts";

/** Options of {@linkcode bootstrapMeanDiffCI}. */
export interface BootstrapOptions {
  /**
   * Two-sided confidence level, strictly between 0 and 1.
   * @default {0.95}
   */
  readonly confidence?: number;
  /**
   * Number of bootstrap resamples (a positive integer).
   * @default {10000}
   */
  readonly resamples?: number;
  /**
   * Integer seed of the resampling PRNG, taken modulo 2³². The default is a
   * fixed 0, so a call without a seed is still deterministic.
   * @default {0}
   */
  readonly seed?: number;
}

/** Result of {@linkcode bootstrapMeanDiffCI}. */
export interface BootstrapResult {
  /** Lower bound: the (1 − confidence)/2 percentile of resampled differences. */
  readonly low: number;
  /** Upper bound: the (1 + confidence)/2 percentile of resampled differences. */
  readonly high: number;
  /** mean(a) − mean(b) on the observed samples. */
  readonly estimate: number;
}

/**
 * Percentile bootstrap confidence interval of mean(a) − mean(b).
 *
 * Each of `resamples` rounds draws `a.length` values from `a` and `b.length`
 * values from `b`, independently and with replacement, and records the
 * difference of the two resample means; `low` and `high` are percentiles of
 * those differences with numpy's default ("linear") interpolation.
 *
 * Determinism: draws come from a fresh {@linkcode Rng} (sfc32 seeded from the
 * 32-bit `seed` through splitmix32; indices drawn without modulo bias). The
 * same inputs and options always give bit-identical output; with no `seed`,
 * seed 0 is used. It does not consume any other random state (e.g. `ctx.rng`).
 *
 * Each sample needs at least 2 values: a single value has no sampling
 * variability to resample and would give a falsely narrow interval.
 *
 * @param a First sample (at least 2 finite numbers).
 * @param b Second sample (at least 2 finite numbers).
 * @param options See {@linkcode BootstrapOptions}.
 * @returns `{ low, high, estimate }`.
 * @throws {StatisticsInputError} if a sample has fewer than 2 values or holds
 * a NaN, an infinity or a non-number, or an option is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bootstrapMeanDiffCI } from "./bootstrap.ts";
 *
 * const ci = bootstrapMeanDiffCI([5.1, 4.9, 5.3, 5.0, 5.2], [4.1, 4.4, 3.9, 4.2, 4.0], {
 *   seed: 42,
 * });
 * assert.ok(ci.low > 0 && ci.low <= ci.estimate && ci.estimate <= ci.high);
 * assert.equal(ci.estimate.toFixed(2), "0.98");
 * ```
 */
export function bootstrapMeanDiffCI(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): BootstrapResult {
  const fn = "bootstrapMeanDiffCI";
  const { confidence = 0.95, resamples = 10_000, seed = 0 } = options;
  validateConfidence(fn, confidence);
  if (!Number.isSafeInteger(resamples) || resamples < 1) {
    throw new StatisticsInputError(
      `${fn}: option "resamples" is ${
        describeValue(resamples)
      }; use a positive integer (10000 is the default).`,
      { argument: "resamples" },
    );
  }
  if (!Number.isSafeInteger(seed)) {
    throw new StatisticsInputError(
      `${fn}: option "seed" is ${describeValue(seed)}; use an integer (it is taken modulo 2^32).`,
      { argument: "seed" },
    );
  }
  validateSamples(fn, a, b, 2);

  // Resample scaled deviations from each sample's first value (see
  // moments.ts): a large common offset then cannot swamp the resampled means,
  // and no sum can overflow. Differences and percentiles stay in the scaled
  // unit; only the three results are scaled back, exactly (a power of two).
  const moments = pairMoments(a, b);
  const e = moments.exponent;
  const pa = pivoted(a, e);
  const pb = pivoted(b, e);
  const random = new Rng(seed >>> 0);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    // Argument order fixes the draw order: all of a's indices, then b's.
    diffs[r] = pivotedDifference(
      pa.pivot,
      resampleMean(pa.deviations, random),
      pb.pivot,
      resampleMean(pb.deviations, random),
    );
  }
  diffs.sort();
  const tail = (1 - confidence) / 2;
  const unit = 2 ** e;
  return {
    low: percentile(diffs, 100 * tail) * unit,
    high: percentile(diffs, 100 * (1 - tail)) * unit,
    estimate: meanDifference(moments.a, moments.b) * unit,
  };
}

/**
 * The `q`-th percentile (0 ≤ q ≤ 100) of ascending-sorted, non-empty
 * `sorted`, with numpy's default "linear" method: position q/100·(n − 1),
 * interpolated between its neighbours exactly as `numpy.percentile` does.
 * Internal (exported for tests; not part of the public `stats` namespace).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentile } from "./bootstrap.ts";
 *
 * assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
 * ```
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const position = (q / 100) * (n - 1);
  const below = Math.min(Math.max(Math.floor(position), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  const t = position - below;
  const lo = sorted[below];
  const hi = sorted[above];
  const diff = hi - lo;
  // numpy's _lerp: interpolate from the nearer end for symmetry and accuracy.
  return t >= 0.5 ? hi - diff * (1 - t) : lo + diff * t;
}

/**
 * Mean of `values.length` draws with replacement from `values`. A plain sum:
 * the terms are deviations from a pivot, of the order of the spread, so
 * compensation would buy little in this, the only per-resample loop.
 */
function resampleMean(values: Float64Array, random: Rng): number {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[random.below(n)];
  return s / n;
}
