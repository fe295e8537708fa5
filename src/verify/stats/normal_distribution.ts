/**
 * The standard normal distribution: its cumulative distribution function Φ
 * (accurate to a few units in the last place in both tails, so that tiny
 * p-values keep their relative accuracy) and its quantile Φ⁻¹. Pure
 * TypeScript without dependencies.
 *
 * Internal: not re-exported from `mod.ts`; exported for the tests.
 *
 * @module
 */

/**
 * Coefficients of W. J. Cody, "Rational Chebyshev approximations for the
 * error function", Math. Comp. 23 (1969) 631–637, as in his SPECFUN routine
 * CALERF: erf(u) = u·A(u²)/B(u²) for |u| ≤ 0.46875 (A holds the numerator
 * coefficients, the last one being the leading one).
 */
const ERF_A = [
  3.16112374387056560e00,
  1.13864154151050156e02,
  3.77485237685302021e02,
  3.20937758913846947e03,
  1.85777706184603153e-1,
];
const ERF_B = [
  2.36012909523441209e01,
  2.44024637934444173e02,
  1.28261652607737228e03,
  2.84423683343917062e03,
];
/** Cody: exp(u²)·erfc(u) = C(u)/D(u) for 0.46875 ≤ u ≤ 4. */
const ERFC_C = [
  5.64188496988670089e-1,
  8.88314979438837594e00,
  6.61191906371416295e01,
  2.98635138197400131e02,
  8.81952221241769090e02,
  1.71204761263407058e03,
  2.05107837782607147e03,
  1.23033935479799725e03,
  2.15311535474403846e-8,
];
const ERFC_D = [
  1.57449261107098347e01,
  1.17693950891312499e02,
  5.37181101862009858e02,
  1.62138957456669019e03,
  3.29079923573345963e03,
  4.36261909014324716e03,
  3.43936767414372164e03,
  1.23033935480374942e03,
];
/** Cody: exp(u²)·erfc(u) = (1/√π − P(1/u²)/(u²·Q(1/u²)))/u for u > 4. */
const ERFC_P = [
  3.05326634961232344e-1,
  3.60344899949804439e-1,
  1.25781726111229246e-1,
  1.60837851487422766e-2,
  6.58749161529837803e-4,
  1.63153871373020978e-2,
];
const ERFC_Q = [
  2.56852019228982242e00,
  1.87295284992346047e00,
  5.27905102951428412e-1,
  6.05183413124413191e-2,
  2.33520497626869185e-3,
];
const INV_SQRT_PI = 5.6418958354775628695e-1;
/** Cody's break point between the erf and the erfc approximations. */
const ERF_BREAK = 0.46875;
/**
 * Beyond |x| = 38.6 (u = |x|/√2 > 27.3) Φ(−|x|) is below half the smallest
 * subnormal, so Φ(x) rounds to exactly 0 or 1.
 */
const NORMAL_SATURATION_U = 27.3;

/**
 * The standard normal cumulative distribution function Φ(x), accurate to a
 * few units in the last place over the whole double range, in particular in
 * the lower tail (Φ(−37) ≈ 5.7e−300 keeps ~15 significant digits).
 *
 * Method: W. J. Cody's rational Chebyshev approximations of erf and of the
 * scaled complementary error function exp(u²)·erfc(u) (Math. Comp. 23, 1969;
 * the coefficients of his SPECFUN routine CALERF), with u = |x|/√2. The tail
 * Φ(−|x|) = ½·exp(−x²/2)·[exp(u²)·erfc(u)] is formed directly, never as
 * 1 − something small. exp(−x²/2) is evaluated as exp(−h²/2)·exp(−(x−h)(x+h)/2)
 * with h = x rounded down to a multiple of 1/16, so that h²/2 is exact: a
 * plain exp(−x*x/2) would lose up to |x|²·2⁻⁵³ relative accuracy (~1e−13 at
 * |x| = 37) to the rounding of x*x.
 *
 * Edge cases: `NaN` → `NaN`; −∞ → 0; +∞ → 1; Φ(x) is exactly 0 below
 * −38.6 (true value under the smallest subnormal) and rounds to 1 above 8.3.
 *
 * @param x Any number.
 * @returns Φ(x) = P(Z ≤ x) for a standard normal Z.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalCdf } from "./normal_distribution.ts";
 *
 * assert.equal(normalCdf(0), 0.5);
 * assert.equal(normalCdf(-1.959963984540054).toFixed(6), "0.025000");
 * assert.ok(Math.abs(normalCdf(-20) / 2.7536241186062337e-89 - 1) < 1e-12);
 * ```
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  const u = ax * Math.SQRT1_2;
  if (u < ERF_BREAK) return 0.5 + 0.5 * erfSmall(x * Math.SQRT1_2);
  if (u > NORMAL_SATURATION_U) return x < 0 ? 0 : 1;
  const tail = 0.5 * expMinusHalfSquare(ax) * erfcScaled(u);
  return x < 0 ? tail : 1 - tail;
}

/** erf(u) for |u| < 0.46875 (Cody's first approximation). */
function erfSmall(u: number): number {
  const z = u * u;
  let num = ERF_A[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + ERF_A[i]) * z;
    den = (den + ERF_B[i]) * z;
  }
  return (u * (num + ERF_A[3])) / (den + ERF_B[3]);
}

/** exp(u²)·erfc(u) for u ≥ 0.46875 (Cody's second and third approximations). */
function erfcScaled(u: number): number {
  if (u <= 4) {
    let num = ERFC_C[8] * u;
    let den = u;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]) * u;
      den = (den + ERFC_D[i]) * u;
    }
    return (num + ERFC_C[7]) / (den + ERFC_D[7]);
  }
  const z = 1 / (u * u);
  let num = ERFC_P[5] * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + ERFC_P[i]) * z;
    den = (den + ERFC_Q[i]) * z;
  }
  const r = (z * (num + ERFC_P[4])) / (den + ERFC_Q[4]);
  return (INV_SQRT_PI - r) / u;
}

/**
 * exp(−x²/2) for 0 ≤ x ≤ 40 without the rounding error of x*x: with h = x
 * rounded down to a multiple of 1/16, h² is exact (few significant bits) and
 * (x − h)(x + h) is small, so its rounding error is negligible.
 */
function expMinusHalfSquare(x: number): number {
  const h = Math.trunc(x * 16) / 16;
  return Math.exp(-0.5 * h * h) * Math.exp(-0.5 * (x - h) * (x + h));
}

// Wichura's AS 241 (PPND16), rational approximations good to about 1e-16.
// deno-fmt-ignore
const PPND_CENTRAL_NUM = [3.3871328727963666080e0, 1.3314166789178437745e2, 1.9715909503065514427e3, 1.3731693765509461125e4, 4.5921953931549871457e4, 6.7265770927008700853e4, 3.3430575583588128105e4, 2.5090809287301226727e3];
// deno-fmt-ignore
const PPND_CENTRAL_DEN = [1, 4.2313330701600911252e1, 6.8718700749205790830e2, 5.3941960214247511077e3, 2.1213794301586595867e4, 3.9307895800092710610e4, 2.8729085735721942674e4, 5.2264952788528545610e3];
// deno-fmt-ignore
const PPND_NEAR_NUM = [1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0, 1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4];
// deno-fmt-ignore
const PPND_NEAR_DEN = [1, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1, 1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9];
// deno-fmt-ignore
const PPND_FAR_NUM = [6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1, 2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
// deno-fmt-ignore
const PPND_FAR_DEN = [1, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2, 7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15];

/** num(r) / den(r) for coefficient lists in ascending powers (Horner). */
function rational(num: readonly number[], den: readonly number[], r: number): number {
  let n = 0;
  let d = 0;
  for (let i = num.length - 1; i >= 0; i--) {
    n = n * r + num[i];
    d = d * r + den[i];
  }
  return n / d;
}

/**
 * The standard normal quantile Φ⁻¹(p) (`scipy.stats.norm.ppf`), by
 * Wichura's algorithm AS 241, accurate to about 1e−16 relative.
 *
 * Edge cases: 0 → −∞, 1 → +∞; `NaN` or p outside [0, 1] → `NaN`.
 *
 * @param p A probability.
 * @returns z with Φ(z) = p.
 *
 * @example
 * ```ts
 * import { normalQuantile } from "./normal_distribution.ts";
 * console.log(normalQuantile(0.975)); // 1.959963984540054
 * console.log(normalQuantile(0.5)); // 0
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    return q * rational(PPND_CENTRAL_NUM, PPND_CENTRAL_DEN, 0.180625 - q * q);
  }
  const tail = q < 0 ? p : 1 - p;
  if (tail === 0) return q < 0 ? -Infinity : Infinity;
  const r = Math.sqrt(-Math.log(tail));
  const z = r <= 5
    ? rational(PPND_NEAR_NUM, PPND_NEAR_DEN, r - 1.6)
    : rational(PPND_FAR_NUM, PPND_FAR_DEN, r - 5);
  return q < 0 ? -z : z;
}
