import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import {
  type Alternative,
  type MannWhitneyMethod,
  mannWhitneyU,
  StatisticsInputError,
} from "../src/verify/stats/mod.ts";
import { assertClose } from "./assert_close.ts";

interface MwuCase {
  name: string;
  a: readonly number[];
  b: readonly number[];
  alternative: Alternative;
  method: MannWhitneyMethod;
  useContinuity: boolean;
  statistic: number;
  pValue: number;
}

// Inputs. E8..TIE23B were drawn once in python and pasted:
//   rng = numpy.random.default_rng(7)
//   E8 = rng.normal(1, 1, 8).round(4); E20 = rng.normal(0, 1, 20).round(4)
//   SEP30 = rng.normal(0, 1, 30).round(4)            (SEP8 is typed by hand, all above SEP30)
//   N9A = rng.normal(0.5, 1, 9).round(4); N9B = rng.normal(0, 1, 9).round(4)
//   EX30A = rng.normal(0.6, 1, 30).round(4); EX30B = rng.normal(0, 1, 30).round(4)
//   TIE25A = rng.integers(1, 8, 25); TIE23B = rng.integers(2, 9, 23)   (heavy ties)
// MALES/FEMALES is the example of scipy's mannwhitneyu docstring.
// WIDE200 = numpy.arange(200) / 100.
const X5 = [1.83, 0.5, 1.62, 2.48, 1.68];
const Y6 = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29];
const MALES = [19, 22, 16, 29, 24];
const FEMALES = [20, 11, 17, 12];
const E8 = [1.0012, 1.2987, 0.7259, 0.1094, 0.5453, 0.0084, 1.0601, 2.3402];
const E20 = [
  -0.4922,
  -0.6205,
  0.4898,
  0.3569,
  0.1054,
  -0.9305,
  -0.0293,
  0.6953,
  -1.3442,
  -0.4576,
  -1.9012,
  -1.2895,
  -1.8417,
  -0.2351,
  -1.2674,
  0.2713,
  0.1568,
  -0.1869,
  -2.5168,
  -0.5387,
];
const SEP8 = [10.1, 10.5, 11.2, 10.9, 12, 10.3, 11.7, 10.8];
const SEP30 = [
  -0.0485,
  0.1133,
  -1.5301,
  -0.4778,
  -0.9785,
  -0.8088,
  1.0609,
  -0.8075,
  -0.0325,
  0.8844,
  -0.5836,
  -0.1117,
  0.1105,
  0.0638,
  -1.2251,
  0.0761,
  1.3588,
  -1.5471,
  0.8594,
  0.1194,
  -0.6415,
  2.0004,
  0.7623,
  -1.1993,
  0.0745,
  0.5767,
  -0.1888,
  0.6829,
  -0.0665,
  0.6672,
];
const N9A = [1.9385, -0.1757, 0.7031, 0.0367, 0.6273, -0.6872, -0.0793, 0.3038, 1.3988];
const N9B = [1.1452, -1.3235, -0.7946, 0.6469, -1.9924, -0.4632, -0.0973, 1.257, 0.6894];
const EX30A = [
  0.2728,
  0.2314,
  0.3498,
  2.1235,
  0.172,
  0.2963,
  0.9526,
  0.4792,
  0.4027,
  -0.5141,
  0.5885,
  0.1564,
  1.7661,
  1.2531,
  0.5759,
  1.2684,
  0.2601,
  1.6521,
  0.5946,
  1.1834,
  -0.6909,
  0.9467,
  -1.0882,
  -1.4353,
  0.2955,
  -0.2999,
  0.7641,
  2.8448,
  -0.2317,
  -0.0239,
];
const EX30B = [
  0.2054,
  0.493,
  -0.1764,
  -0.2059,
  0.7025,
  0.5199,
  -1.0337,
  -0.0792,
  0.0353,
  -1.0545,
  0.2598,
  -0.858,
  0.9721,
  0.1927,
  0.0893,
  -0.591,
  -0.1186,
  -1.9977,
  -1.1314,
  0.3628,
  -2.1286,
  0.8466,
  -1.7461,
  0.7567,
  -0.8455,
  0.779,
  0.131,
  -1.5368,
  1.2491,
  1.4417,
];
const TIE25A = [2, 4, 7, 4, 7, 7, 6, 6, 5, 5, 6, 3, 7, 7, 3, 3, 6, 7, 1, 1, 2, 4, 2, 4, 4];
const TIE23B = [8, 7, 3, 7, 7, 6, 6, 4, 7, 2, 6, 8, 8, 4, 4, 6, 4, 7, 3, 3, 2, 5, 3];
const TIESMALL_A = [1, 2, 2, 3];
const TIESMALL_B = [2, 4, 5];
const HALF_A = [1, 2, 3, 6, 8];
const HALF_B = [3, 4, 5, 7];
const ONE = [5.5];
const FIVE = [1, 2, 3, 4, 6];
const WIDE200 = Array.from({ length: 200 }, (_, i) => i / 100);

// scipy 1.17.1: r = scipy.stats.mannwhitneyu(a, b, use_continuity=useContinuity,
//   alternative=alternative, method=method) -> statistic = r.statistic, pValue = r.pvalue
const CASES: MwuCase[] = [
  {
    a: X5,
    b: Y6,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 21.0,
    pValue: 0.32900432900432897,
    name: "X5/Y6 two-sided auto cc=True",
  },
  {
    a: X5,
    b: Y6,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 21.0,
    pValue: 0.8766233766233766,
    name: "X5/Y6 less auto cc=True",
  },
  {
    a: X5,
    b: Y6,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 21.0,
    pValue: 0.16450216450216448,
    name: "X5/Y6 greater auto cc=True",
  },
  {
    a: MALES,
    b: FEMALES,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 17.0,
    pValue: 0.1111111111111111,
    name: "MALES/FEMALES two-sided auto cc=True",
  },
  {
    a: MALES,
    b: FEMALES,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 17.0,
    pValue: 0.9682539682539683,
    name: "MALES/FEMALES less auto cc=True",
  },
  {
    a: MALES,
    b: FEMALES,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 17.0,
    pValue: 0.05555555555555555,
    name: "MALES/FEMALES greater auto cc=True",
  },
  {
    a: E8,
    b: E20,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 148.0,
    pValue: 0.00016601755732190514,
    name: "E8/E20 two-sided auto cc=True",
  },
  {
    a: E8,
    b: E20,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 148.0,
    pValue: 0.9999395129829912,
    name: "E8/E20 less auto cc=True",
  },
  {
    a: E8,
    b: E20,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 148.0,
    pValue: 8.300877866095257e-05,
    name: "E8/E20 greater auto cc=True",
  },
  {
    a: SEP8,
    b: SEP30,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 240.0,
    pValue: 4.089687501252467e-08,
    name: "SEP8/SEP30 two-sided auto cc=True",
  },
  {
    a: SEP8,
    b: SEP30,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 240.0,
    pValue: 1.0,
    name: "SEP8/SEP30 less auto cc=True",
  },
  {
    a: SEP8,
    b: SEP30,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 240.0,
    pValue: 2.0448437506262334e-08,
    name: "SEP8/SEP30 greater auto cc=True",
  },
  {
    a: N9A,
    b: N9B,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 52.0,
    pValue: 0.331387096247615,
    name: "N9A/N9B two-sided auto cc=True",
  },
  {
    a: N9A,
    b: N9B,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 52.0,
    pValue: 0.8553425838090061,
    name: "N9A/N9B less auto cc=True",
  },
  {
    a: N9A,
    b: N9B,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 52.0,
    pValue: 0.1656935481238075,
    name: "N9A/N9B greater auto cc=True",
  },
  {
    a: N9A,
    b: E8,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 23.0,
    pValue: 0.2358700123406006,
    name: "N9A/E8 two-sided auto cc=True",
  },
  {
    a: N9A,
    b: E8,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 23.0,
    pValue: 0.1179350061703003,
    name: "N9A/E8 less auto cc=True",
  },
  {
    a: N9A,
    b: E8,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 23.0,
    pValue: 0.9002056766762649,
    name: "N9A/E8 greater auto cc=True",
  },
  {
    a: ONE,
    b: FIVE,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 4.0,
    pValue: 0.6666666666666666,
    name: "ONE/FIVE two-sided auto cc=True",
  },
  {
    a: ONE,
    b: FIVE,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 4.0,
    pValue: 0.8333333333333334,
    name: "ONE/FIVE less auto cc=True",
  },
  {
    a: ONE,
    b: FIVE,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 4.0,
    pValue: 0.3333333333333333,
    name: "ONE/FIVE greater auto cc=True",
  },
  {
    a: SEP8,
    b: WIDE200,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 1600.0,
    pValue: 2.6376801135834482e-14,
    name: "SEP8/WIDE200 two-sided auto cc=True",
  },
  {
    a: SEP8,
    b: WIDE200,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 1600.0,
    pValue: 1.0,
    name: "SEP8/WIDE200 less auto cc=True",
  },
  {
    a: SEP8,
    b: WIDE200,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 1600.0,
    pValue: 1.3188400567917241e-14,
    name: "SEP8/WIDE200 greater auto cc=True",
  },
  {
    a: WIDE200,
    b: SEP8,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 0.0,
    pValue: 2.6376801135834482e-14,
    name: "WIDE200/SEP8 two-sided auto cc=True",
  },
  {
    a: WIDE200,
    b: SEP8,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 0.0,
    pValue: 1.3188400567917241e-14,
    name: "WIDE200/SEP8 less auto cc=True",
  },
  {
    a: WIDE200,
    b: SEP8,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 0.0,
    pValue: 1.0,
    name: "WIDE200/SEP8 greater auto cc=True",
  },
  {
    a: EX30A,
    b: EX30B,
    alternative: "two-sided",
    method: "exact",
    useContinuity: true,
    statistic: 611.0,
    pValue: 0.016870533345421095,
    name: "EX30A/EX30B two-sided exact cc=True",
  },
  {
    a: EX30A,
    b: EX30B,
    alternative: "two-sided",
    method: "asymptotic",
    useContinuity: true,
    statistic: 611.0,
    pValue: 0.017649028129173842,
    name: "EX30A/EX30B two-sided asymptotic cc=True",
  },
  {
    a: TIE25A,
    b: TIE23B,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 233.0,
    pValue: 0.258413147676133,
    name: "TIE25A/TIE23B two-sided auto cc=True",
  },
  {
    a: TIE25A,
    b: TIE23B,
    alternative: "two-sided",
    method: "auto",
    useContinuity: false,
    statistic: 233.0,
    pValue: 0.2540305653722107,
    name: "TIE25A/TIE23B two-sided auto cc=False",
  },
  {
    a: TIESMALL_A,
    b: TIESMALL_B,
    alternative: "two-sided",
    method: "auto",
    useContinuity: true,
    statistic: 2.0,
    pValue: 0.19908985214820463,
    name: "TIESMALL_A/TIESMALL_B two-sided auto cc=True",
  },
  {
    a: TIESMALL_A,
    b: TIESMALL_B,
    alternative: "two-sided",
    method: "exact",
    useContinuity: true,
    statistic: 2.0,
    pValue: 0.22857142857142856,
    name: "TIESMALL_A/TIESMALL_B two-sided exact cc=True",
  },
  {
    a: HALF_A,
    b: HALF_B,
    alternative: "two-sided",
    method: "exact",
    useContinuity: true,
    statistic: 7.5,
    pValue: 0.7301587301587302,
    name: "HALF_A/HALF_B two-sided exact cc=True",
  },
  {
    a: HALF_A,
    b: HALF_B,
    alternative: "two-sided",
    method: "asymptotic",
    useContinuity: false,
    statistic: 7.5,
    pValue: 0.5385943148264352,
    name: "HALF_A/HALF_B two-sided asymptotic cc=False",
  },
  {
    a: X5,
    b: Y6,
    alternative: "two-sided",
    method: "asymptotic",
    useContinuity: true,
    statistic: 21.0,
    pValue: 0.31530245208174557,
    name: "X5/Y6 two-sided asymptotic cc=True",
  },
  {
    a: X5,
    b: Y6,
    alternative: "two-sided",
    method: "asymptotic",
    useContinuity: false,
    statistic: 21.0,
    pValue: 0.27332167829229814,
    name: "X5/Y6 two-sided asymptotic cc=False",
  },
  {
    a: EX30A,
    b: EX30B,
    alternative: "less",
    method: "exact",
    useContinuity: true,
    statistic: 611.0,
    pValue: 0.99191077679566,
    name: "EX30A/EX30B less exact cc=True",
  },
  {
    a: EX30A,
    b: EX30B,
    alternative: "less",
    method: "asymptotic",
    useContinuity: true,
    statistic: 611.0,
    pValue: 0.9915225597063534,
    name: "EX30A/EX30B less asymptotic cc=True",
  },
  {
    a: TIE25A,
    b: TIE23B,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 233.0,
    pValue: 0.1292065738380665,
    name: "TIE25A/TIE23B less auto cc=True",
  },
  {
    a: TIE25A,
    b: TIE23B,
    alternative: "less",
    method: "auto",
    useContinuity: false,
    statistic: 233.0,
    pValue: 0.12701528268610535,
    name: "TIE25A/TIE23B less auto cc=False",
  },
  {
    a: TIESMALL_A,
    b: TIESMALL_B,
    alternative: "less",
    method: "auto",
    useContinuity: true,
    statistic: 2.0,
    pValue: 0.09954492607410231,
    name: "TIESMALL_A/TIESMALL_B less auto cc=True",
  },
  {
    a: TIESMALL_A,
    b: TIESMALL_B,
    alternative: "less",
    method: "exact",
    useContinuity: true,
    statistic: 2.0,
    pValue: 0.11428571428571428,
    name: "TIESMALL_A/TIESMALL_B less exact cc=True",
  },
  {
    a: HALF_A,
    b: HALF_B,
    alternative: "less",
    method: "exact",
    useContinuity: true,
    statistic: 7.5,
    pValue: 0.3650793650793651,
    name: "HALF_A/HALF_B less exact cc=True",
  },
  {
    a: HALF_A,
    b: HALF_B,
    alternative: "less",
    method: "asymptotic",
    useContinuity: false,
    statistic: 7.5,
    pValue: 0.2692971574132176,
    name: "HALF_A/HALF_B less asymptotic cc=False",
  },
  {
    a: X5,
    b: Y6,
    alternative: "less",
    method: "asymptotic",
    useContinuity: true,
    statistic: 21.0,
    pValue: 0.8823333667452071,
    name: "X5/Y6 less asymptotic cc=True",
  },
  {
    a: X5,
    b: Y6,
    alternative: "less",
    method: "asymptotic",
    useContinuity: false,
    statistic: 21.0,
    pValue: 0.863339160853851,
    name: "X5/Y6 less asymptotic cc=False",
  },
  {
    a: EX30A,
    b: EX30B,
    alternative: "greater",
    method: "exact",
    useContinuity: true,
    statistic: 611.0,
    pValue: 0.008435266672710547,
    name: "EX30A/EX30B greater exact cc=True",
  },
  {
    a: EX30A,
    b: EX30B,
    alternative: "greater",
    method: "asymptotic",
    useContinuity: true,
    statistic: 611.0,
    pValue: 0.008824514064586921,
    name: "EX30A/EX30B greater asymptotic cc=True",
  },
  {
    a: TIE25A,
    b: TIE23B,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 233.0,
    pValue: 0.8751500093941651,
    name: "TIE25A/TIE23B greater auto cc=True",
  },
  {
    a: TIE25A,
    b: TIE23B,
    alternative: "greater",
    method: "auto",
    useContinuity: false,
    statistic: 233.0,
    pValue: 0.8729847173138947,
    name: "TIE25A/TIE23B greater auto cc=False",
  },
  {
    a: TIESMALL_A,
    b: TIESMALL_B,
    alternative: "greater",
    method: "auto",
    useContinuity: true,
    statistic: 2.0,
    pValue: 0.9506356760525876,
    name: "TIESMALL_A/TIESMALL_B greater auto cc=True",
  },
  {
    a: TIESMALL_A,
    b: TIESMALL_B,
    alternative: "greater",
    method: "exact",
    useContinuity: true,
    statistic: 2.0,
    pValue: 0.9428571428571428,
    name: "TIESMALL_A/TIESMALL_B greater exact cc=True",
  },
  {
    a: HALF_A,
    b: HALF_B,
    alternative: "greater",
    method: "exact",
    useContinuity: true,
    statistic: 7.5,
    pValue: 0.7936507936507936,
    name: "HALF_A/HALF_B greater exact cc=True",
  },
  {
    a: HALF_A,
    b: HALF_B,
    alternative: "greater",
    method: "asymptotic",
    useContinuity: false,
    statistic: 7.5,
    pValue: 0.7307028425867824,
    name: "HALF_A/HALF_B greater asymptotic cc=False",
  },
  {
    a: X5,
    b: Y6,
    alternative: "greater",
    method: "asymptotic",
    useContinuity: true,
    statistic: 21.0,
    pValue: 0.15765122604087278,
    name: "X5/Y6 greater asymptotic cc=True",
  },
  {
    a: X5,
    b: Y6,
    alternative: "greater",
    method: "asymptotic",
    useContinuity: false,
    statistic: 21.0,
    pValue: 0.13666083914614907,
    name: "X5/Y6 greater asymptotic cc=False",
  },
];

Deno.test("mannWhitneyU matches scipy mannwhitneyu (exact, asymptotic, ties, all alternatives)", () => {
  for (const c of CASES) {
    const r = mannWhitneyU(c.a, c.b, {
      alternative: c.alternative,
      method: c.method,
      useContinuity: c.useContinuity,
    });
    strictEqual(r.statistic, c.statistic, `${c.name} statistic`);
    assertClose(r.pValue, c.pValue, 1e-6, `${c.name} pValue`);
  }
});

Deno.test("exact tails keep full relative accuracy (p ~ 1e-14, computed with exact counts)", () => {
  // Complete separation, sizes 8 and 200: the one-sided p is exactly 1 / C(208, 8).
  const r = mannWhitneyU(SEP8, WIDE200, { alternative: "greater" });
  // python3: math.comb(208, 8) == 75824205888366
  assertClose(r.pValue, 1 / 75824205888366, 1e-12, "1 / C(208, 8)");
  assertClose(r.pValue, 1.3188400567917241e-14, 1e-9, "scipy");
});

Deno.test('"auto" picks exact iff min size <= 8 and no ties (scipy 1.17 rule)', () => {
  const same = (a: readonly number[], b: readonly number[], method: MannWhitneyMethod) =>
    deepStrictEqual(mannWhitneyU(a, b), mannWhitneyU(a, b, { method }));
  same(X5, Y6, "exact"); // 5 and 6, no ties
  same(N9A, E8, "exact"); // 9 and 8: one sample <= 8 is enough
  same(E8, E20, "exact");
  same(N9A, N9B, "asymptotic"); // both > 8
  same(TIESMALL_A, TIESMALL_B, "asymptotic"); // small but tied
  same(TIE25A, TIE23B, "asymptotic");
});

Deno.test("statistic is U of the first sample; U of the second is n1*n2 - U", () => {
  const ab = mannWhitneyU(X5, Y6);
  const ba = mannWhitneyU(Y6, X5);
  strictEqual(ab.statistic + ba.statistic, X5.length * Y6.length);
  strictEqual(ab.pValue, ba.pValue);
  strictEqual(
    mannWhitneyU(X5, Y6, { alternative: "less" }).pValue,
    mannWhitneyU(Y6, X5, { alternative: "greater" }).pValue,
  );
});

// scipy 1.17.1: scipy.stats.mannwhitneyu([4, 4, 4], [4, 4], use_continuity=True)
//   -> statistic 3.0, pvalue 1.0; with use_continuity=False -> statistic 3.0, pvalue nan
Deno.test("all values identical: p = 1 with continuity correction, NaN without (as scipy)", () => {
  deepStrictEqual(mannWhitneyU([4, 4, 4], [4, 4]), { statistic: 3, pValue: 1 });
  const r = mannWhitneyU([4, 4, 4], [4, 4], { useContinuity: false });
  strictEqual(r.statistic, 3);
  ok(Number.isNaN(r.pValue));
});

Deno.test("p-values are clipped to [0, 1] (two-sided exact at the centre)", () => {
  // U1 = U2 = 2 for n = 2, 2: scipy gives 2 * P(U >= 2) = 2 * 4/6 -> clipped to 1.
  strictEqual(mannWhitneyU([1, 4], [2, 3]).pValue, 1);
});

Deno.test("samples of size 1 are allowed; empty samples are refused", () => {
  strictEqual(mannWhitneyU([1], [2]).pValue, 1);
  throws(() => mannWhitneyU([], [1, 2]), (e: unknown) => {
    ok(e instanceof StatisticsInputError);
    ok(/sample "a" has 0 values; it needs at least 1/.test(e.message), e.message);
    return true;
  });
  throws(() => mannWhitneyU([1, 2], []), /sample "b" has 0 values; it needs at least 1/);
});

Deno.test("mannWhitneyU refuses NaN and non-numbers, naming sample and index", () => {
  throws(() => mannWhitneyU([1, 2, NaN], [1, 2]), (e: unknown) => {
    ok(e instanceof StatisticsInputError);
    ok(/sample "a" has the non-finite value NaN at index 2/.test(e.message), e.message);
    strictEqual(e.index, 2);
    return true;
  });
  throws(
    () => mannWhitneyU([1, 2], [Infinity, 2]),
    /sample "b" has the non-finite value Infinity at index 0/,
  );
  throws(
    () => mannWhitneyU([1, 2], [1, "2"] as unknown as number[]),
    /sample "b" has a non-number entry "2" \(string\) at index 1/,
  );
});

Deno.test("mannWhitneyU refuses invalid options", () => {
  throws(
    () => mannWhitneyU([1, 2], [3, 4], { method: "permutation" as MannWhitneyMethod }),
    /option "method" is "permutation" \(string\); use one of "auto"/,
  );
  throws(
    () => mannWhitneyU([1, 2], [3, 4], { alternative: "bigger" as Alternative }),
    StatisticsInputError,
  );
  throws(
    () => mannWhitneyU([1, 2], [3, 4], { useContinuity: "yes" as unknown as boolean }),
    /option "useContinuity" must be true or false/,
  );
});

Deno.test('explicit "exact" refuses sizes whose exact distribution is too costly', () => {
  const big = Array.from({ length: 600 }, (_, i) => i);
  const other = big.map((x) => x + 0.5);
  throws(
    () => mannWhitneyU(big, other, { method: "exact" }),
    /too costly; use method "asymptotic"/,
  );
  // "auto" never throws for that reason: both samples > 8 -> asymptotic anyway.
  ok(mannWhitneyU(big, other).pValue > 0.5);
});

Deno.test('"auto" falls back to asymptotic instead of throwing for 8 vs 1e6 values', () => {
  const huge = Array.from({ length: 1_000_000 }, (_, i) => i / 1e6);
  const small = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.5].map((x) => x + 1e-7);
  const r = mannWhitneyU(small, huge);
  deepStrictEqual(r, mannWhitneyU(small, huge, { method: "asymptotic" }));
});
