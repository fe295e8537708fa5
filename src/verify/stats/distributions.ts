/**
 * The distribution functions behind the two-sample tests and effect sizes:
 * the standard normal CDF, Student's t CDF (through the regularized
 * incomplete beta function) and the gamma-function ratio of Hedges'
 * correction. Pure TypeScript without dependencies, accurate to a few units
 * in the last place in both tails, so that tiny p-values keep their relative
 * accuracy.
 *
 * Internal: not re-exported from `mod.ts`; exported for the tests.
 *
 * @module
 */

// ---------------------------------------------------------------------------
// Standard normal
// ---------------------------------------------------------------------------

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
 * import { normalCdf } from "./distributions.ts";
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

// ---------------------------------------------------------------------------
// Log-gamma pieces
// ---------------------------------------------------------------------------

/** ln(2π)/2. */
const HALF_LOG_2PI = 0.91893853320467274178;
/** √(2π). */
const SQRT_2PI = 2.50662827463100050242;
/** Below this, arguments are shifted up by the recurrence Γ(z + 1) = z·Γ(z). */
const STIRLING_MIN = 8;
/**
 * B₂ₖ / (2k(2k − 1)) for k = 1..10: the Stirling series
 * ln Γ(z) = (z − ½)·ln z − z + ½·ln 2π + Σ B₂ₖ / (2k(2k − 1)·z²ᵏ⁻¹).
 * At z ≥ 8 the first omitted term is below 2e−18.
 */
const STIRLING = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
  43867 / 244188,
  -174611 / 125400,
];

/**
 * δ(z) = ln Γ(z) − [(z − ½)·ln z − z + ½·ln 2π] for z ≥ 8, from the
 * Stirling series. Keeping this small correction separate lets ratios of
 * gamma functions of large arguments be formed without cancelling huge
 * logarithms.
 */
function stirlingCorrection(z: number): number {
  const w = 1 / (z * z);
  let s = STIRLING[STIRLING.length - 1];
  for (let k = STIRLING.length - 2; k >= 0; k--) s = s * w + STIRLING[k];
  return s / z;
}

/**
 * ln Γ(z) for z > 0 by the Stirling series. Below 8 the argument is shifted
 * to w = z + n ≥ 8 and ln(Γ(w) / (z(z + 1)…(w − 1))) is taken with
 * Γ(w) = √(2π)·w^(w−½)·e^(−w)·e^δ(w) formed by pow and exp: the log form
 * (w − ½)·ln w − w ≈ 10 would leave an absolute error of several 1e−15 after
 * subtracting the logarithm of the product (ln Γ(1) = 0).
 */
function logGamma(z: number): number {
  if (z >= STIRLING_MIN) {
    return (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + stirlingCorrection(z);
  }
  if (z < 1e-300) return -Math.log(z); // Γ(z) = 1/z − γ + O(z)
  let product = 1;
  let w = z;
  while (w < STIRLING_MIN) {
    product *= w;
    w += 1;
  }
  const gammaW = SQRT_2PI * Math.pow(w, w - 0.5) * Math.exp(-w) * Math.exp(stirlingCorrection(w));
  return Math.log(gammaW / product);
}

/**
 * ln(Γ(z + h) / Γ(z)) for z > 0, h ≥ 0, without forming either log-gamma
 * when z is large: for z ≥ 8,
 *
 *   ln Γ(z + h) − ln Γ(z) = h·ln z + (z + h − ½)·ln(1 + h/z) − h + δ(z + h) − δ(z),
 *
 * whose terms are of the size of the result (the differences of δ are tiny
 * and computed to full relative accuracy). Smaller z is first shifted up with
 * Γ(z + 1) = z·Γ(z), each step contributing −ln(1 + h/(z + k)).
 */
function logGammaRatio(z: number, h: number): number {
  const { base, logRest } = gammaRatioParts(z, h);
  return h * Math.log(base) + logRest;
}

/**
 * Γ(z + h)/Γ(z) = base^h · exp(logRest) with base ≥ 8 (z shifted up by the
 * recurrence) and logRest = (base + h − ½)·ln(1 + h/base) − h + δ(base + h) −
 * δ(base) − Σ ln(1 + h/(z + k)), a small number for small h.
 */
function gammaRatioParts(z: number, h: number): { base: number; logRest: number } {
  let logRest = 0;
  while (z < STIRLING_MIN) {
    logRest -= Math.log1p(h / z);
    z += 1;
  }
  logRest += (z + h - 0.5) * Math.log1p(h / z) - h +
    (stirlingCorrection(z + h) - stirlingCorrection(z));
  return { base: z, logRest };
}

/**
 * The ratio of gamma functions Γ(z + h) / Γ(z) for z > 0 and h ≥ 0, to a few
 * units in the last place also for very large z (where Γ itself overflows and
 * a difference of log-gammas would lose about log₁₀(z·ln z) digits).
 *
 * Method: the Stirling series with the large logarithms combined
 * analytically, Γ(z + h)/Γ(z) = z^h·exp((z + h − ½)·ln(1 + h/z) − h +
 * δ(z + h) − δ(z)) with δ the small Stirling correction, after raising z to
 * at least 8 with the recurrence Γ(z + 1) = z·Γ(z).
 *
 * Hedges' correction J(ν) = Γ(ν/2) / (√(ν/2)·Γ((ν − 1)/2)) is
 * `gammaRatio((ν − 1) / 2, 0.5) / Math.sqrt(ν / 2)`.
 *
 * Edge cases: `NaN` for z ≤ 0, h < 0 or non-finite arguments.
 *
 * @param z The smaller argument, > 0.
 * @param h The shift, ≥ 0.
 * @returns Γ(z + h) / Γ(z).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gammaRatio } from "./distributions.ts";
 *
 * assert.ok(Math.abs(gammaRatio(3, 2) - 12) < 1e-12); // Γ(5)/Γ(3) = 24/2
 * assert.ok(Math.abs(gammaRatio(0.5, 0.5) * Math.sqrt(Math.PI) - 1) < 1e-12); // Γ(1)/Γ(½) = 1/√π
 * ```
 */
export function gammaRatio(z: number, h: number): number {
  if (!(z > 0 && h >= 0 && Number.isFinite(z) && Number.isFinite(h))) return NaN;
  // base^h through Math.pow (within an ulp) rather than exp(h·ln base), whose
  // argument would carry an absolute rounding error of h·ln(base)·2⁻⁵³.
  const { base, logRest } = gammaRatioParts(z, h);
  return Math.pow(base, h) * Math.exp(logRest);
}

/**
 * ln B(a, b) for a, b > 0 with min(a, b) < 8, as
 * ln Γ(lo) − ln(Γ(hi + lo) / Γ(hi)), which stays accurate when hi is large.
 */
function logBetaSmall(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return logGamma(lo) - logGammaRatio(hi, lo);
}

/**
 * e − ln(v/v₀) where e = v/v₀ − 1 was computed from λ: for |e| ≤ 0.6 through
 * {@linkcode rlog1}; beyond, e itself may have lost its relative accuracy
 * (e close to −1 means v ≪ v₀), so the logarithm is taken of v/v₀ directly,
 * as in TOMS 708.
 */
function logRatioExcess(e: number, v: number, v0: number): number {
  return Math.abs(e) <= 0.6 ? rlog1(e) : e - Math.log(v / v0);
}

/** e − ln(1 + e) for e > −1, to full relative accuracy also for small e. */
function rlog1(e: number): number {
  if (e < -0.6 || e > 1) return e - Math.log1p(e);
  // With r = e/(2 + e), ln(1 + e) = 2·atanh(r) = 2(r + r³/3 + r⁵/5 + …) and
  // e = r(2 + e), so e − ln(1 + e) = r²·(2 + e − 2r(1/3 + r²/5 + r⁴/7 + …)),
  // free of cancellation (|r| ≤ 3/7 here).
  const r = e / (2 + e);
  const r2 = r * r;
  let sum = 0;
  let power = 1;
  for (let k = 0; k < 60; k++) {
    const term = power / (2 * k + 3);
    sum += term;
    if (term <= 1e-17 * sum) break;
    power *= r2;
  }
  return r2 * (2 + e - 2 * r * sum);
}

// ---------------------------------------------------------------------------
// Regularized incomplete beta
// ---------------------------------------------------------------------------

/**
 * Safety caps on the series and the continued fraction. Inside the
 * documented range they stop after at most a few thousand terms; the caps
 * are only reached for a and b both ≳ 1e12 near the mean.
 */
const MAX_SERIES_TERMS = 100_000;
const MAX_FRACTION_TERMS = 100_000;
const TINY = 1e-300;

/**
 * x^a·y^b / B(a, b) with y = 1 − x, accurate for large a and b.
 *
 * For a, b ≥ 8 this is the method of DiDonato & Morris, ACM TOMS 708 (1992),
 * routine BRCOMP: with λ = a − (a + b)·x, x₀ = a/(a + b), y₀ = b/(a + b),
 *
 *   x^a y^b / B(a, b) = √(ab / (2π(a + b))) ·
 *       exp(−a·rlog1(−λ/a) − b·rlog1(λ/b) − [δ(a) + δ(b) − δ(a + b)]),
 *
 * where rlog1(e) = e − ln(1 + e) ≥ 0: no large terms cancel (when |λ/a| or
 * |λ/b| exceeds 0.6 the logarithm of x/x₀ or y/y₀ is taken directly). Otherwise
 * exp(a·ln x + b·ln y − ln B(a, b)), with ln x or ln y taken through log1p of
 * the complement when it is the smaller one.
 */
function powerTerms(a: number, b: number, x: number, y: number): number {
  if (Math.min(a, b) >= STIRLING_MIN) {
    const s = a + b;
    const lambda = x <= 0.5 ? a - s * x : s * y - b;
    const exponent = a * logRatioExcess(-lambda / a, x, a / s) +
      b * logRatioExcess(lambda / b, y, b / s) +
      (stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(s));
    return Math.sqrt(a / s) * Math.sqrt(b) * Math.exp(-exponent) / Math.sqrt(2 * Math.PI);
  }
  const logBeta = logBetaSmall(a, b);
  // A power of the smaller base is taken by Math.pow (within an ulp): as
  // exp(a·ln x) it would carry an absolute error of |a·ln x|·2⁻⁵³ in the
  // exponent, 2e−14 relative for x^a ≈ 1e−70. The other power, of a base
  // above ½, goes through log1p of its complement (see logOf).
  let factor = 1;
  let exponent = -logBeta;
  if (x <= 0.5) factor *= Math.pow(x, a);
  else exponent += a * Math.log1p(-y);
  if (y <= 0.5) factor *= Math.pow(y, b);
  else exponent += b * Math.log1p(-x);
  if (factor > 1e-280 && exponent < 700) return factor * Math.exp(exponent);
  // factor underflows (or 1/B(a, b) overflows alone): combine in logarithms.
  return Math.exp(a * logOf(x, y) + b * logOf(y, x) - logBeta);
}

/**
 * ln v given v and its complement 1 − v: through log1p of the complement when
 * v > ½, because v itself may then carry a rounding error that a large
 * exponent would amplify (x = ν/(ν + t²) is 1 − 1e−12 for ν = 1e12, t = 1).
 */
function logOf(v: number, complement: number): number {
  return v <= 0.5 ? Math.log(v) : Math.log1p(-complement);
}

/**
 * I_x(a, b) by the power series (Cephes `pseries`, A&S 26.5.4 rearranged)
 *
 *   I_x(a, b) = x^a / B(a, b) · [1/a + Σₙ₌₁ (1 − b)ₙ xⁿ / (n!·(a + n))],
 *
 * used when b·x ≤ 1 and x ≤ 0.95: the terms then shrink geometrically and
 * cancel little.
 */
function powerSeries(a: number, b: number, x: number, y: number): number {
  let term = 1;
  let sum = 1 / a;
  for (let n = 1; n < MAX_SERIES_TERMS; n++) {
    term *= ((n - b) * x) / n;
    const v = term / (a + n);
    sum += v;
    if (Math.abs(v) <= 1e-17 * Math.abs(sum)) break;
  }
  // y^b lies in [0.04, 1] here; it is divided out of powerTerms through the
  // accurate ln y (Math.pow(y, b) would amplify the rounding of y by b).
  return sum * powerTerms(a, b, x, y) * Math.exp(-b * logOf(y, x));
}

/**
 * I_x(a, b) by the continued fraction in z = x/(1 − x) (Cephes `incbd`):
 *
 *   I_x(a, b) = x^a y^b / (a·B(a, b)·y) · 1/(1 + d₁/(1 + d₂/(1 + …))),
 *   d₂ₘ₊₁ = −(a + m)(b − 1 − m)·z / ((a + 2m)(a + 2m + 1)),
 *   d₂ₘ₊₂ = (m + 1)(a + b + m)·z / ((a + 2m + 1)(a + 2m + 2)),
 *
 * evaluated by the modified Lentz method. Used for x at most the mean
 * a/(a + b). This form is preferred to the other classical fraction (in x,
 * Numerical Recipes' `betacf`) because for large a and x close to 1 — the
 * t distribution with many degrees of freedom — the latter stalls and
 * satisfies its stopping test while still ~1e−10 off, whereas this one
 * converges in a few dozen terms (for b ≤ 1 all dᵢ are positive, so
 * successive approximants bracket the value and the stopping test is safe).
 */
function continuedFraction(a: number, b: number, x: number, y: number): number {
  const z = x / y;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let k = 1; k <= MAX_FRACTION_TERMS; k++) {
    const m = (k - 1) >> 1;
    const coefficient = k % 2 === 1
      ? -((a + m) / (a + 2 * m)) * ((b - 1 - m) / (a + 2 * m + 1)) * z
      : ((m + 1) / (a + 2 * m + 1)) * ((a + b + m) / (a + 2 * m + 2)) * z;
    d = 1 + coefficient * d;
    if (d === 0) d = TINY;
    c = 1 + coefficient / c;
    if (c === 0) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) <= Number.EPSILON) break;
  }
  return powerTerms(a, b, x, y) / (a * y * f);
}

/**
 * [I_x(a, b), 1 − I_x(a, b)] for a, b > 0 and x + y = 1 given separately (so
 * neither is formed by cancellation). The side below the mean is computed
 * directly, so whichever of the two is small keeps its relative accuracy.
 */
function incompleteBetaPair(a: number, b: number, x: number, y: number): [number, number] {
  if (x === 0) return [0, 1];
  if (y === 0) return [1, 0];
  // Compare the smaller of x and y with its mean: x itself may have rounded
  // to 1 (ν/(ν + t²) for ν = 1e16, t = 1e−3) while y = 1 − x has not.
  const aboveMean = x <= 0.5 ? x > 1 / (1 + b / a) : y < 1 / (1 + a / b);
  if (aboveMean) {
    const w = lowerSide(b, a, y, x);
    return [1 - w, w];
  }
  const w = lowerSide(a, b, x, y);
  return [w, 1 - w];
}

/** I_x(a, b) for 0 < x ≤ a/(a + b). */
function lowerSide(a: number, b: number, x: number, y: number): number {
  return b * x <= 1 && x <= 0.95 ? powerSeries(a, b, x, y) : continuedFraction(a, b, x, y);
}

/**
 * The regularized incomplete beta function
 * I_x(a, b) = (1/B(a, b))·∫₀ˣ s^(a−1) (1 − s)^(b−1) ds, the CDF of the
 * Beta(a, b) distribution; matches `scipy.special.betainc(a, b, x)`.
 *
 * Method (the structure of Cephes `incbet`, S. L. Moshier): for x above the
 * mean a/(a + b) use I_x(a, b) = 1 − I_{1−x}(b, a), so the directly computed
 * value is the lower tail; there use the power series when b·x ≤ 1 and
 * x ≤ 0.95, otherwise the continued fraction in x/(1 − x). The common factor
 * x^a (1 − x)^b / B(a, b) is formed as in DiDonato & Morris, ACM TOMS 708
 * (1992): from Stirling-series corrections rather than differences of large
 * log-gammas, so it stays accurate for large a and b.
 *
 * Accuracy against mpmath (relative error): a few 1e−15 for moderate
 * parameters; up to ~2e−13 for results below ~1e−250 or for a or b ≳ 1e3 in
 * the far tails, where exp() of an argument of several hundred carries the
 * rounding; the same order as scipy's. Not designed for a and b both large
 * near the mean, where the continued fraction needs O(√a) terms: the error
 * there grows from ~2e−14 at a = b = 1e5 to ~1e−12 at 1e9 (an asymptotic
 * expansion, as in TOMS 708's BASYM, would be needed; the t distribution
 * never gets there, its b is ½).
 *
 * Edge cases: `NaN` if x is outside [0, 1], a or b is not a positive finite
 * number, or any argument is `NaN`; I₀ = 0 and I₁ = 1.
 *
 * @param x Upper limit of integration, in [0, 1].
 * @param a First shape parameter, > 0.
 * @param b Second shape parameter, > 0.
 * @returns I_x(a, b).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regularizedIncompleteBeta } from "./distributions.ts";
 *
 * assert.ok(Math.abs(regularizedIncompleteBeta(0.25, 1, 1) - 0.25) < 1e-12); // uniform
 * assert.ok(Math.abs(regularizedIncompleteBeta(0.5, 2.5, 2.5) - 0.5) < 1e-12); // symmetric
 * ```
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1 && a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    return NaN;
  }
  return incompleteBetaPair(a, b, x, 1 - x)[0];
}

// ---------------------------------------------------------------------------
// Student's t
// ---------------------------------------------------------------------------

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
 * import { studentTCdf } from "./distributions.ts";
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
 * import { normalQuantile } from "./distributions.ts";
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
