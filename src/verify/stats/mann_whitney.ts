/**
 * The Mann–Whitney U rank test of two independent samples.
 *
 * @module
 */

import { type Alternative, resolveAlternative } from "./alternative.ts";
import { normalCdf } from "./normal_distribution.ts";
import { StatisticsInputError } from "./errors.ts";
import { describeValue, validateSamples } from "./sample.ts";

/** How {@linkcode mannWhitneyU} computes its p-value. */
export type MannWhitneyMethod = "auto" | "exact" | "asymptotic";

/** Options of {@linkcode mannWhitneyU}. */
export interface MannWhitneyOptions {
  /**
   * The alternative hypothesis: `"less"` means `a` is stochastically less
   * than `b`, `"greater"` stochastically greater.
   * @default {"two-sided"}
   */
  readonly alternative?: Alternative;
  /**
   * `"exact"`: the exact null distribution of U (no tie correction).
   * `"asymptotic"`: normal approximation with tie correction.
   * `"auto"`: `"exact"` when one sample has at most 8 values and there are no
   * ties, otherwise `"asymptotic"` (the rule of scipy 1.17).
   * @default {"auto"}
   */
  readonly method?: MannWhitneyMethod;
  /**
   * Apply the 1/2 continuity correction in the asymptotic method; ignored by
   * the exact method.
   * @default {true}
   */
  readonly useContinuity?: boolean;
}

/** Result of {@linkcode mannWhitneyU}. */
export interface MannWhitneyResult {
  /**
   * U of the FIRST sample: the number of pairs (x from `a`, y from `b`) with
   * x > y, counting ties as 1/2. U of `b` is `a.length * b.length - statistic`.
   */
  readonly statistic: number;
  /** The p-value for the requested alternative. */
  readonly pValue: number;
}

/**
 * Upper bound on the work (smaller size × needed coefficients) of the exact
 * distribution; beyond it "exact" throws and asks for "asymptotic".
 */
const EXACT_WORK_LIMIT = 2e7;

/**
 * Mann–Whitney U test; matches `scipy.stats.mannwhitneyu(a, b,
 * use_continuity, alternative, method)` of scipy 1.17.
 *
 * - `statistic` is U of `a` (ranks with ties averaged).
 * - `"exact"` uses the exact permutation distribution of U without ties,
 *   computed with exact integer arithmetic, so even very small p-values are
 *   accurate.
 * - `"asymptotic"` uses the normal approximation with the tie-corrected
 *   variance and, unless `useContinuity` is false, the 1/2 continuity
 *   correction; the p-value comes from the lower normal tail (never 1 − cdf).
 * - `"auto"` picks `"exact"` when `min(a.length, b.length) <= 8` and there are
 *   no ties, `"asymptotic"` otherwise (scipy's rule).
 *
 * Edge cases:
 * - `"exact"` requested explicitly while there are ties: like scipy, the
 *   no-ties distribution is used and a half-integer U is rounded down before
 *   the tail sum, which makes the p-value conservative (never too small).
 *   Prefer `"asymptotic"` (or `"auto"`) with ties.
 * - every value identical in both samples: with the continuity correction
 *   pValue is 1; without it the standardized statistic is 0/0 and pValue is
 *   `NaN` (as scipy).
 * - samples of size 1 are allowed (the test is defined for them), empty ones
 *   are not.
 * - `"exact"` requested for very large samples (smaller size × needed range
 *   of U above 2·10⁷, about 2 s of work) throws rather than running for
 *   minutes; use `"asymptotic"` there. `"auto"` in that case (one sample of
 *   at most 8 values, the other of several hundred thousand) falls back to
 *   `"asymptotic"` instead of throwing: the only departure from scipy.
 * - two-sided p-values are clipped to at most 1.
 *
 * @param a First sample (at least 1 finite number).
 * @param b Second sample (at least 1 finite number).
 * @param options See {@linkcode MannWhitneyOptions}.
 * @returns `{ statistic, pValue }`.
 * @throws {StatisticsInputError} if a sample is empty or holds a NaN, an
 * infinity or a non-number, or an option is invalid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mannWhitneyU } from "./mann_whitney.ts";
 *
 * const males = [19, 22, 16, 29, 24];
 * const females = [20, 11, 17, 12];
 * const { statistic, pValue } = mannWhitneyU(males, females);
 * assert.equal(statistic, 17);
 * assert.equal(pValue.toFixed(4), "0.1111"); // exact, as scipy
 * ```
 */
export function mannWhitneyU(
  a: readonly number[],
  b: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const fn = "mannWhitneyU";
  const alternative = resolveAlternative(fn, options.alternative);
  let method = resolveMethod(fn, options.method);
  const useContinuity = options.useContinuity ?? true;
  if (typeof useContinuity !== "boolean") {
    throw new StatisticsInputError(
      `${fn}: option "useContinuity" must be true or false, got ${describeValue(useContinuity)}.`,
      { argument: "useContinuity" },
    );
  }
  validateSamples(fn, a, b, 1);

  const n1 = a.length;
  const n2 = b.length;
  const { rankSumA, tieSizes } = rankSum(a, b);
  const u1 = rankSumA - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;

  // U whose upper tail is the p-value, and the factor for two sides.
  let u: number;
  let factor: number;
  if (alternative === "greater") [u, factor] = [u1, 1];
  else if (alternative === "less") [u, factor] = [u2, 1];
  else [u, factor] = [Math.max(u1, u2), 2];

  const auto = method === "auto";
  if (auto) method = (n1 > 8 && n2 > 8) || tieSizes.length > 0 ? "asymptotic" : "exact";
  let p = method === "exact" ? exactSurvival(Math.floor(u), n1, n2) : undefined;
  if (p === undefined) {
    if (method === "exact" && !auto) {
      throw new StatisticsInputError(
        `${fn}: the exact distribution for samples of sizes ${n1} and ${n2} is too costly; ` +
          `use method "asymptotic" (or "auto"), which is accurate at these sizes.`,
        { argument: "method" },
      );
    }
    p = asymptoticSurvival(u, n1, n2, tieSizes, useContinuity);
  }
  return { statistic: u1, pValue: Math.min(1, Math.max(0, p * factor)) };
}

function resolveMethod(fn: string, method: unknown): MannWhitneyMethod {
  if (method === undefined) return "auto";
  if (method === "auto" || method === "exact" || method === "asymptotic") return method;
  throw new StatisticsInputError(
    `${fn}: option "method" is ${
      describeValue(method)
    }; use one of "auto" (default), "exact" or "asymptotic".`,
    { argument: "method" },
  );
}

/**
 * Sum of the (tie-averaged, 1-based) ranks of `a` in the pooled sample, and
 * the sizes of the tie groups (only groups of 2 or more). Each sample is
 * sorted on its own as a typed array (a native numeric sort, several times
 * faster than sorting pooled indices with a comparator) and the two are
 * merged: each group of equal values, from either sample, gets its average
 * rank. Ranks are half-integers below 2⁵², so the sum is exact whatever the
 * order of the additions.
 */
function rankSum(
  a: readonly number[],
  b: readonly number[],
): { rankSumA: number; tieSizes: number[] } {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let rankSumA = 0;
  const tieSizes: number[] = [];
  let i = 0;
  let j = 0;
  let ranked = 0;
  while (i < sa.length || j < sb.length) {
    const v = j >= sb.length || (i < sa.length && sa[i] <= sb[j]) ? sa[i] : sb[j];
    const fromA = i;
    while (i < sa.length && sa[i] === v) i++; // === makes -0 and 0 one group
    const fromB = j;
    while (j < sb.length && sb[j] === v) j++;
    const size = i - fromA + (j - fromB);
    if (size > 1) tieSizes.push(size);
    rankSumA += (i - fromA) * (ranked + (size + 1) / 2);
    ranked += size;
  }
  return { rankSumA, tieSizes };
}

/** P(Z ≥ z) for the tie- and continuity-corrected normal approximation. */
function asymptoticSurvival(
  u: number,
  n1: number,
  n2: number,
  tieSizes: readonly number[],
  useContinuity: boolean,
): number {
  const n = n1 + n2;
  let tieTerm = 0;
  for (const t of tieSizes) tieTerm += t ** 3 - t;
  const sd = Math.sqrt((n1 * n2 / 12) * ((n + 1) - tieTerm / (n * (n - 1))));
  // Subtracting 1/2 is right for every alternative: u is always the
  // statistic whose upper tail is wanted.
  const numerator = u - (n1 * n2) / 2 - (useContinuity ? 0.5 : 0);
  const z = numerator / sd;
  return normalCdf(-z);
}

/**
 * P(U ≥ k) under the exact null distribution of U for sizes n1, n2 (no ties),
 * or `undefined` when that would cost more than {@linkcode EXACT_WORK_LIMIT}.
 * Uses exact BigInt counts from the Gaussian binomial coefficient
 * [n1 + n2 choose m]_q = Π_{i=1..m} (1 − q^{n+i}) / (1 − q^i), whose
 * coefficient of q^u counts the arrangements with U = u.
 */
function exactSurvival(k: number, n1: number, n2: number): number | undefined {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const mn = n1 * n2;
  if (k <= 0) return 1;
  if (k > mn) return 0;
  // By symmetry P(U ≥ k) = P(U ≤ mn − k); sum whichever side is shorter.
  const lowerTail = mn - k <= k - 1;
  const top = lowerTail ? mn - k : k - 1;
  if (m * (top + 1) > EXACT_WORK_LIMIT) return undefined;
  const counts = gaussianBinomialCoefficients(n, m, top);
  let acc = 0n;
  for (let u = 0; u <= top; u++) acc += counts[u];
  const total = binomial(n + m, m);
  return lowerTail ? ratio(acc, total) : ratio(total - acc, total);
}

/** Coefficients 0..top of the Gaussian binomial [n + m choose m]_q. */
function gaussianBinomialCoefficients(n: number, m: number, top: number): bigint[] {
  const c: bigint[] = new Array(top + 1).fill(0n);
  c[0] = 1n;
  for (let i = 1; i <= m; i++) {
    // Divide by (1 − q^i): running sums with stride i.
    for (let u = i; u <= top; u++) c[u] += c[u - i];
    // Multiply by (1 − q^{n+i}); descending so c[u − n − i] is still old.
    for (let u = top; u >= n + i; u--) c[u] -= c[u - n - i];
  }
  return c;
}

function binomial(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** num / den as a double, correct to a few ulps even when both overflow. */
function ratio(num: bigint, den: bigint): number {
  const excess = den.toString(2).length - 1000;
  if (excess > 0) {
    const shift = BigInt(excess);
    return Number(num >> shift) / Number(den >> shift);
  }
  return Number(num) / Number(den);
}
