/**
 * Numerical robustness of the statistics: ill-conditioned samples (a mean
 * difference far below the magnitude of the values) and magnitudes from the
 * subnormal range to the edge of overflow. Naive sums failed every case
 * below: relative errors of ~3e-4 for the ill-conditioned samples, and
 * t = 0, NaN or ±Infinity at extreme scales.
 *
 * @module
 */
import { ok, strictEqual } from "node:assert/strict";
import {
  bootstrapMeanDiffCI,
  cohensD,
  hedgesG,
  studentTTest,
  welchTTest,
} from "../src/verify/stats/mod.ts";
import {
  meanDifference,
  moments,
  pooledVariance,
  scaleExponent,
  variance,
} from "../src/verify/stats/moments.ts";
import { assertClose } from "./assert_close.ts";

/** Exact values of every statistic for one pair of samples. */
interface Exact {
  readonly welchT: number;
  readonly welchP: number;
  readonly welchDf: number;
  readonly studentT: number;
  readonly studentP: number;
  readonly d: number;
  readonly g: number;
}

// Exact references: the input doubles as exact rationals (python 3.11 fractions.Fraction),
// square roots, the t tail and Γ in mpmath 1.3.0 with mp.dps = 50, printed to 20 digits:
//   def moments(x): x = [F(v) for v in x]; n = len(x); m = sum(x) / n
//                   return n, m, sum((v - m) ** 2 for v in x) / (n - 1)
//   na, ma, va = moments(a); nb, mb, vb = moments(b); diff = ma - mb
//   welch: se2 = va/na + vb/nb, df = se2**2 / ((va/na)**2/(na-1) + (vb/nb)**2/(nb-1))
//   student: pooled = ((na-1)*va + (nb-1)*vb) / (na+nb-2), se2 = pooled * (1/na + 1/nb)
//   t = sign(diff) * sqrt(diff**2 / se2); two-sided p = betainc(df/2, 1/2, 0, df/(df + t**2),
//   regularized=True); d = sign(diff) * sqrt(diff**2 / pooled);
//   g = d * gamma(nu/2) / (sqrt(nu/2) * gamma((nu-1)/2)), nu = na + nb - 2.
const TOLERANCE = 1e-9;

function assertAllClose(
  a: readonly number[],
  b: readonly number[],
  exact: Exact,
  label: string,
): void {
  const w = welchTTest(a, b);
  assertClose(w.statistic, exact.welchT, TOLERANCE, `${label} welch t`);
  assertClose(w.pValue, exact.welchP, TOLERANCE, `${label} welch p`);
  assertClose(w.df, exact.welchDf, TOLERANCE, `${label} welch df`);
  const s = studentTTest(a, b);
  assertClose(s.statistic, exact.studentT, TOLERANCE, `${label} student t`);
  assertClose(s.pValue, exact.studentP, TOLERANCE, `${label} student p`);
  strictEqual(s.df, a.length + b.length - 2, `${label} student df`);
  assertClose(cohensD(a, b), exact.d, TOLERANCE, `${label} cohensD`);
  assertClose(hedgesG(a, b), exact.g, TOLERANCE, `${label} hedgesG`);
}

// Values 1 ± 1e-12: the deviations are ~5000 units in the last place of 1.
const ILL_A = [1.0000000000019553, 0.9999999999999688, 1.0000000000014648];
const ILL_B = [1.000000000003468, 1.0000000000046592, 1.0000000000031215];
const ILL_EXACT: Exact = {
  welchT: -3.4585807590373469853,
  welchP: 0.028350971733772966005, // naive sums gave 0.0283425 (3e-4 off)
  welchDf: 3.7750179584296560419,
  studentT: -3.4585807590373469853,
  studentP: 0.025851203346916368155,
  d: -2.8239193646164133123,
  g: -2.2531616619796735301,
};

Deno.test("ill-conditioned samples 1 ± 1e-12 give the exact t, p, df, d and g", () => {
  assertAllClose(ILL_A, ILL_B, ILL_EXACT, "1 ± 1e-12");
});

// Multiples of 1/64 and 1/1024, spread ≤ 1: adding an integer offset up to 1e12 (< 2^40)
// is exact for them (the reference script asserts F(v + c) == F(v) + F(c)), and every
// statistic here is shift-invariant, so the exact values at every offset are those at 0.
const DYADIC_A = [13, 42, 27, 58, 5].map((k) => k / 64);
const DYADIC_B = [31, 63, 45, 40, 56, 17, 50].map((k) => k / 64);
const DYADIC_EXACT: Exact = {
  welchT: -1.2557460404497107317,
  welchP: 0.2500060068474843159,
  welchDf: 6.9091818742550189094,
  studentT: -1.3302414898632767281,
  studentP: 0.21297831037106853391,
  d: -0.77890966019804233126,
  g: -0.718735468017866029,
};
const DYADIC2_A = [331, 154, 404, 49, 74, 548, 96, 374, 596, 59, 519, 219].map((k) => k / 1024);
// deno-fmt-ignore
const DYADIC2_B = [438, 488, 844, 828, 471, 646, 492, 964, 834, 460, 979, 526, 628, 996, 463].map((k) => k / 1024);
const DYADIC2_EXACT: Exact = {
  welchT: -4.7870445042875647898,
  welchP: 0.000069970053551250110305,
  welchDf: 24.197373274571236941,
  studentT: -4.7591180742524449862,
  studentP: 0.000069559943753264841717,
  d: -1.8431985044214432278,
  g: -1.7872492821680121916,
};
const OFFSETS = [0, 1e9, 1e10, 1e11, 1e12];
const shift = (values: readonly number[], c: number) => values.map((v) => v + c);

Deno.test("offsets 1e9..1e12 with spread ≤ 1 do not change t, p, df, d or g", () => {
  for (const c of OFFSETS) {
    assertAllClose(shift(DYADIC_A, c), shift(DYADIC_B, c), DYADIC_EXACT, `dyadic +${c}`);
    assertAllClose(shift(DYADIC2_A, c), shift(DYADIC2_B, c), DYADIC2_EXACT, `dyadic2 +${c}`);
  }
});

// [1, 2, 3] vs [4, 5, 6] and SMALL (tests/stats_t_test_test.ts), exact values at scale 1
// from the script above. Every statistic is scale-invariant; multiplying by 10^k rounds
// each input by at most 2^-53 relative, and these statistics are well-conditioned in
// their inputs, so the exact values of the scaled doubles differ from these by ~1e-15.
const TRIPLE_EXACT: Exact = {
  welchT: -3.6742346141747671473,
  welchP: 0.021311641128756725847,
  welchDf: 4,
  studentT: -3.6742346141747671473,
  studentP: 0.021311641128756725847,
  d: -3,
  g: -2.3936536824085960676,
};
const SMALL_A = [2.1, 3.4, 1.9, 5.6, 4.2];
const SMALL_B = [3.3, 6.1, 5.8, 7.2, 4.9, 6.4];
const SMALL_EXACT: Exact = {
  welchT: -2.4653097094274841881,
  welchP: 0.03842823372427824835,
  welchDf: 8.1617900835169367096,
  studentT: -2.4950839082548635818,
  studentP: 0.034136070394817706356,
  d: -1.5108483356661582262,
  g: -1.3807263592718680342,
};
/** 10^k for every k from -307 to 307 (the inputs stay normal and finite). */
const SCALES = Array.from({ length: 615 }, (_, i) => Number(`1e${i - 307}`));
const scale = (values: readonly number[], s: number) => values.map((v) => v * s);

Deno.test("every statistic is scale-invariant from 1e-307 to 1e307", () => {
  for (const s of SCALES) {
    assertAllClose(scale([1, 2, 3], s), scale([4, 5, 6], s), TRIPLE_EXACT, `triple *${s}`);
    assertAllClose(scale(SMALL_A, s), scale(SMALL_B, s), SMALL_EXACT, `small *${s}`);
  }
});

Deno.test("subnormal and near-overflow samples give the exact statistics", () => {
  // Exact multiples of the smallest subnormal: the same exact values as [1, 2, 3] vs [4, 5, 6].
  const u = Number.MIN_VALUE;
  assertAllClose([u, 2 * u, 3 * u], [4 * u, 5 * u, 6 * u], TRIPLE_EXACT, "subnormal");
  // The mean difference 2.7e308 itself overflows; the statistics do not (script above).
  assertAllClose([1e308, 1.7e308], [-1.7e308, -1e308], {
    welchT: 5.4548237405819385062,
    welchP: 0.032003101834199142683,
    welchDf: 2,
    studentT: 5.4548237405819385062,
    studentP: 0.032003101834199142683,
    d: 5.4548237405819385062,
    g: 3.0775547345253380612,
  }, "near overflow");
});

Deno.test("bootstrap interval is shift-invariant for offsets 1e9..1e12", () => {
  // The resampled mean differences are exactly shift-invariant, so the exact interval at
  // an offset is the one at offset 0, where values ≤ 1 leave no room for cancellation.
  const base = bootstrapMeanDiffCI(DYADIC2_A, DYADIC2_B, { seed: 3 });
  // Exact mean difference, float(Fraction mean(a) - mean(b)) of the script above.
  assertClose(base.estimate, -0.37618815104166664, 1e-15, "estimate at 0");
  for (const c of OFFSETS) {
    const r = bootstrapMeanDiffCI(shift(DYADIC2_A, c), shift(DYADIC2_B, c), { seed: 3 });
    assertClose(r.low, base.low, TOLERANCE, `low +${c}`);
    assertClose(r.high, base.high, TOLERANCE, `high +${c}`);
    assertClose(r.estimate, base.estimate, TOLERANCE, `estimate +${c}`);
  }
});

Deno.test("bootstrap interval scales linearly from 1e-307 to 1e307", () => {
  // Scale-1 interval from tests/stats_bootstrap_test.ts (python re-implementation of the
  // resampling); exact mean difference from Fraction arithmetic, -2.1766666666666667.
  const options = { seed: -1, confidence: 0.99, resamples: 500 };
  for (const s of SCALES) {
    const r = bootstrapMeanDiffCI(scale(SMALL_A, s), scale(SMALL_B, s), options);
    assertClose(r.low, -4.0008333333333335 * s, TOLERANCE, `low *${s}`);
    assertClose(r.high, 0.15918333333333246 * s, TOLERANCE, `high *${s}`);
    assertClose(r.estimate, -2.1766666666666667 * s, TOLERANCE, `estimate *${s}`);
  }
});

Deno.test("moments: constant samples have exactly zero spread at any exponent", () => {
  for (const values of [[0.1, 0.1, 0.1], [1e300, 1e300], [-Number.MIN_VALUE, -Number.MIN_VALUE]]) {
    const m = moments(values, scaleExponent(values));
    strictEqual(m.offset, 0);
    strictEqual(m.m2, 0);
    strictEqual(m.pivot * 2 ** scaleExponent(values), values[0]);
  }
});

Deno.test("moments: the scale exponent keeps 2^e and 2^-e normal and the values near 1", () => {
  strictEqual(scaleExponent([0, -0]), 0);
  strictEqual(scaleExponent([3, -8], [5]), 3);
  strictEqual(scaleExponent([Number.MIN_VALUE]), -1022);
  strictEqual(scaleExponent([Number.MAX_VALUE]), 1022);
  for (const s of SCALES) {
    const e = scaleExponent([1, -7].map((v) => v * s));
    const top = 7 * s * 2 ** -e;
    ok(top >= 0.5 && top < 4, `7e${Math.log10(s)} scaled to ${top}`);
  }
});

Deno.test("moments: variance, pooled variance and mean difference in scaled units", () => {
  // Variances near 1e400 are not representable; they are checked in units of 1e200.
  const e = scaleExponent([1e200, 3e200], [2e200, 2e200, 5e200]);
  const a = moments([1e200, 3e200], e);
  const b = moments([2e200, 2e200, 5e200], e);
  const unit = 2 ** e / 1e200;
  assertClose(variance(a) * unit * unit, 2, 1e-15, "variance");
  assertClose(pooledVariance(a, b) * unit * unit, (2 + 6) / 3, 1e-15, "pooled variance");
  assertClose(meanDifference(a, b) * unit, -1, 1e-15, "mean difference");
});
