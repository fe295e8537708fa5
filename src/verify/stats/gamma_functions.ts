/**
 * Gamma-function pieces behind the t distribution and Hedges' correction:
 * ln Γ, the Stirling correction δ, ratios Γ(z + h)/Γ(z) and ln B(a, b),
 * formed so that large arguments do not cancel huge logarithms.
 *
 * Internal: not re-exported from `mod.ts`.
 *
 * @module
 */

/** ln(2π)/2. */
const HALF_LOG_2PI = 0.91893853320467274178;
/** √(2π). */
const SQRT_2PI = 2.50662827463100050242;
/** Below this, arguments are shifted up by the recurrence Γ(z + 1) = z·Γ(z). */
export const STIRLING_MIN = 8;
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stirlingCorrection } from "./gamma_functions.ts";
 *
 * assert.ok(Math.abs(stirlingCorrection(1e6) - 1 / 12e6) < 1e-20); // ≈ 1/(12z)
 * ```
 */
export function stirlingCorrection(z: number): number {
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
 * import { gammaRatio } from "./gamma_functions.ts";
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
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logBetaSmall } from "./gamma_functions.ts";
 *
 * assert.ok(Math.abs(logBetaSmall(1, 1e9) + Math.log(1e9)) < 1e-12); // B(1, b) = 1/b
 * ```
 */
export function logBetaSmall(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return logGamma(lo) - logGammaRatio(hi, lo);
}
