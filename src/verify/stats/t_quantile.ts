/**
 * The quantile function of Student's t distribution. Internal: confidence
 * intervals of means (summaries, reports, run comparison) use it.
 *
 * @module
 */

import { studentTCdf } from "./student_t.ts";

/** Bisection steps: the bracket shrinks by 2⁻¹⁰⁰, below one ulp of any quantile. */
const BISECTIONS = 100;

/**
 * The `p` quantile of Student's t with `df` degrees of freedom
 * (`scipy.stats.t.ppf(p, df)`), by bisection on {@linkcode studentTCdf}, so
 * as accurate as the CDF (about 1e-12 relative). `df` may be fractional
 * (Welch–Satterthwaite). `NaN` for `p` outside (0, 1) or `df` ≤ 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studentTQuantile } from "./t_quantile.ts";
 *
 * assert.equal(studentTQuantile(0.975, 2).toFixed(9), "4.302652730"); // scipy: 4.302652729749462
 * assert.equal(studentTQuantile(0.5, 7), 0);
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < BISECTIONS; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
