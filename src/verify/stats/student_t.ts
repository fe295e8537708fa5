/**
 * Student's t distribution: its cumulative distribution function, for real
 * degrees of freedom (Welch–Satterthwaite), with tiny p-values kept to their
 * relative accuracy.
 *
 * Internal: not re-exported from `mod.ts`; exported for the tests.
 *
 * @module
 */
import { logBetaSmall } from "./gamma_functions.ts";
import { incompleteBetaPair } from "./incomplete_beta.ts";
import { normalCdf } from "./normal_distribution.ts";

/**
 * From this many degrees of freedom on, Student's t CDF is the normal CDF to
 * double precision: ln F_ν(t) − ln Φ(t) ≈ t⁴/(4ν) < 1e−24 wherever Φ(t) is a
 * normal number (|t| < 37.5), and both underflow beyond.
 */
const NORMAL_LIMIT_DF = 1e30;

/**
 * Student's t cumulative distribution function P(T ≤ t) for ν = `df` > 0
 * degrees of freedom, real ν allowed (Welch–Satterthwaite); matches
 * `scipy.special.stdtr(df, t)` and `scipy.stats.t.cdf(t, df)`.
 *
 * Method: P(T ≤ −|t|) = ½·I_x(ν/2, ½) with x = ν/(ν + t²), using
 * {@linkcode regularizedIncompleteBeta}'s algorithm with both x and
 * 1 − x = t²/(ν + t²) formed without cancellation. The lower tail is always
 * computed directly (never as 1 − something small), so even p-values near
 * 1e−300 keep ~13 significant digits; F(t) for t > 0 is 1 − F(−t).
 *
 * Edge cases: `NaN` if t or df is `NaN` or df ≤ 0; t = ±∞ gives 0 or 1;
 * t = 0 gives exactly 0.5; df = ∞ (and df ≥ 1e30, where the difference is
 * below double precision) gives the normal CDF; |t|/√ν beyond the range of
 * t² uses the leading term of the series, so e.g. df = 1, t = −1e200 gives
 * 1/(π·1e200) instead of 0.
 *
 * @param t The quantile.
 * @param df Degrees of freedom ν > 0, possibly fractional or `Infinity`.
 * @returns P(T ≤ t).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentTCdf } from "./student_t.ts";
 *
 * assert.equal(studentTCdf(0, 3), 0.5);
 * assert.ok(Math.abs(studentTCdf(-1, 1) - 0.25) < 1e-12); // Cauchy: ½ + atan(t)/π
 * assert.equal(studentTCdf(-2.228138851986274, 10).toFixed(6), "0.025000");
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df >= NORMAL_LIMIT_DF) return normalCdf(t);
  if (t === 0) return 0.5;
  if (!Number.isFinite(t)) return t < 0 ? 0 : 1;
  const tail = studentTLowerTail(Math.abs(t), df);
  return t < 0 ? tail : 1 - tail;
}

/** P(T ≤ −t) for finite t > 0 and 0 < ν < 1e30. */
function studentTLowerTail(t: number, df: number): number {
  const a = df / 2;
  const t2 = t * t;
  const sum = df + t2;
  let x: number;
  let y: number;
  if (Number.isFinite(sum)) {
    x = df / sum;
    y = t2 / sum;
  } else {
    const r = df / t / t;
    x = r / (1 + r);
    y = 1 / (1 + r);
  }
  if (x < 1e-300) {
    // x is at or near underflow (|t|/√ν > 1e150): keep only the leading term
    // of the power series, I_x(a, ½) = x^a / (a·B(a, ½))·(1 + O(x)), with
    // x^a = (√ν/t)^ν (1 + O(x)) by Math.pow, or from logarithms if √ν/t
    // underflows too (the result is then 0 unless ν is tiny).
    const q = Math.sqrt(df) / t;
    const power = Math.pow(q, df);
    if (power > 1e-300) return (0.5 * power * Math.exp(-logBetaSmall(a, 0.5))) / a;
    const lnx = Math.log(df) - 2 * Math.log(t);
    return (0.5 * Math.exp(a * lnx - logBetaSmall(a, 0.5))) / a;
  }
  return 0.5 * incompleteBetaPair(a, 0.5, x, y)[0];
}
