import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import {
  StatisticsInputError,
  studentTTest,
  type TTestResult,
  welchTTest,
} from "../src/verify/stats/mod.ts";
import type { Alternative } from "../src/verify/stats/mod.ts";
import { assertClose } from "./assert_close.ts";

interface TCase {
  name: string;
  a: readonly number[];
  b: readonly number[];
  alternative: Alternative;
  statistic: number;
  pValue: number;
  df: number;
}

// Inputs. MED/UNEQ/BIG/TAIL were drawn once in python and pasted:
//   rng = numpy.random.default_rng(20240601)
//   MED_A = rng.normal(10, 2, 30).round(3); MED_B = rng.normal(11, 3, 28).round(3)
//   UNEQ_A = rng.normal(5, 0.5, 7).round(3); UNEQ_B = rng.normal(4.2, 2.5, 19).round(3)
//   BIG_A = rng.normal(10, 1, 40).round(3); BIG_B = rng.normal(12.1, 1, 40).round(3)   (p ~ 1e-12)
//   TAIL_A = rng.normal(0, 1, 25).round(3); TAIL_B = rng.normal(6, 1, 25).round(3)     (p ~ 1e-27)
const SMALL_A = [2.1, 3.4, 1.9, 5.6, 4.2];
const SMALL_B = [3.3, 6.1, 5.8, 7.2, 4.9, 6.4];
const PAIR_A = [1.5, 2.5];
const PAIR_B = [3.0, 4.5];
const MED_A = [
  11.296,
  10.939,
  8.714,
  7.643,
  9.711,
  12.407,
  12.667,
  11.817,
  10.693,
  13.2,
  12.466,
  9.559,
  7.876,
  9.271,
  9.16,
  11.375,
  6.202,
  9.617,
  13.342,
  8.159,
  8.483,
  9.831,
  7.164,
  9.741,
  9.969,
  9.991,
  8.023,
  9.268,
  11.308,
  8.571,
];
const MED_B = [
  12.642,
  12.967,
  6.719,
  9.064,
  12.966,
  12.48,
  11.538,
  9.954,
  11.326,
  16.624,
  10.336,
  12.739,
  9.75,
  10.405,
  12.944,
  8.213,
  10.273,
  9.169,
  8.424,
  11.527,
  14.719,
  11.664,
  9.855,
  6.647,
  13.457,
  11.631,
  9.106,
  13.584,
];
const UNEQ_A = [5.787, 4.184, 5.295, 5.423, 5.29, 5.801, 5.313];
const UNEQ_B = [
  1.941,
  13.7,
  4.565,
  7.905,
  9.115,
  6.404,
  -0.295,
  -0.06,
  2.506,
  4.285,
  0.728,
  1.857,
  3.087,
  3.012,
  4.672,
  4.381,
  4.103,
  2.656,
  2.119,
];
const BIG_A = [
  8.089,
  11.267,
  10.195,
  10.37,
  8.283,
  10.751,
  9.912,
  10.968,
  9.314,
  10.998,
  11.439,
  9.83,
  9.695,
  9.6,
  10.136,
  12.74,
  9.952,
  10.651,
  8.518,
  7.672,
  10.161,
  9.901,
  11.219,
  7.667,
  10.416,
  8.247,
  11.758,
  10.761,
  9.023,
  10.73,
  10.891,
  10.118,
  11.544,
  10.974,
  9.921,
  9.565,
  10.735,
  9.39,
  7.377,
  9.63,
];
const BIG_B = [
  10.36,
  13.117,
  12.205,
  12.685,
  13.273,
  12.067,
  12.083,
  12.547,
  14.489,
  11.891,
  11.683,
  12.228,
  12.855,
  11.878,
  11.82,
  12.934,
  14.149,
  13.458,
  10.39,
  12.037,
  13.46,
  11.081,
  12.34,
  12.843,
  11.019,
  10.746,
  11.312,
  13.443,
  11.964,
  12.349,
  11.452,
  12.07,
  10.124,
  11.662,
  12.443,
  10.506,
  12.098,
  11.945,
  12.922,
  9.496,
];
const TAIL_A = [
  -0.141,
  0.328,
  -0.107,
  0.333,
  -1.233,
  1.831,
  1.019,
  0.372,
  1.229,
  -0.36,
  1.026,
  -1.059,
  1.601,
  1.006,
  -0.89,
  -0.866,
  0.63,
  0.021,
  1.135,
  -0.01,
  0.214,
  -0.032,
  0.056,
  -0.755,
  -1.165,
];
const TAIL_B = [
  6.581,
  6.305,
  4.435,
  5.554,
  7.062,
  6.006,
  4.896,
  6.299,
  5.1,
  5.631,
  7.26,
  4.309,
  6.31,
  7.445,
  6.305,
  6.826,
  4.088,
  5.449,
  5.21,
  4.879,
  5.804,
  5.781,
  6.653,
  5.199,
  6.007,
];

// scipy 1.17.1: r = scipy.stats.ttest_ind(a, b, equal_var=False, alternative=alternative)
// -> statistic = r.statistic, pValue = r.pvalue, df = r.df
const WELCH_CASES: TCase[] = [
  {
    name: "SMALL two-sided",
    a: SMALL_A,
    b: SMALL_B,
    alternative: "two-sided",
    statistic: -2.465309709427484,
    pValue: 0.03842823372427825,
    df: 8.161790083516937,
  },
  {
    name: "SMALL less",
    a: SMALL_A,
    b: SMALL_B,
    alternative: "less",
    statistic: -2.465309709427484,
    pValue: 0.019214116862139124,
    df: 8.161790083516937,
  },
  {
    name: "SMALL greater",
    a: SMALL_A,
    b: SMALL_B,
    alternative: "greater",
    statistic: -2.465309709427484,
    pValue: 0.9807858831378609,
    df: 8.161790083516937,
  },
  {
    name: "PAIR two-sided",
    a: PAIR_A,
    b: PAIR_B,
    alternative: "two-sided",
    statistic: -1.9414506867883021,
    pValue: 0.21016491175223442,
    df: 1.7422680412371134,
  },
  {
    name: "PAIR less",
    a: PAIR_A,
    b: PAIR_B,
    alternative: "less",
    statistic: -1.9414506867883021,
    pValue: 0.10508245587611721,
    df: 1.7422680412371134,
  },
  {
    name: "PAIR greater",
    a: PAIR_A,
    b: PAIR_B,
    alternative: "greater",
    statistic: -1.9414506867883021,
    pValue: 0.8949175441238828,
    df: 1.7422680412371134,
  },
  {
    name: "MED two-sided",
    a: MED_A,
    b: MED_B,
    alternative: "two-sided",
    statistic: -2.073211317960445,
    pValue: 0.043182014491103024,
    df: 51.407799570142124,
  },
  {
    name: "MED less",
    a: MED_A,
    b: MED_B,
    alternative: "less",
    statistic: -2.073211317960445,
    pValue: 0.021591007245551512,
    df: 51.407799570142124,
  },
  {
    name: "MED greater",
    a: MED_A,
    b: MED_B,
    alternative: "greater",
    statistic: -2.073211317960445,
    pValue: 0.9784089927544485,
    df: 51.407799570142124,
  },
  {
    name: "UNEQ two-sided",
    a: UNEQ_A,
    b: UNEQ_B,
    alternative: "two-sided",
    statistic: 1.5736295170561019,
    pValue: 0.13104297707870682,
    df: 20.28290794261019,
  },
  {
    name: "UNEQ less",
    a: UNEQ_A,
    b: UNEQ_B,
    alternative: "less",
    statistic: 1.5736295170561019,
    pValue: 0.9344785114606466,
    df: 20.28290794261019,
  },
  {
    name: "UNEQ greater",
    a: UNEQ_A,
    b: UNEQ_B,
    alternative: "greater",
    statistic: 1.5736295170561019,
    pValue: 0.06552148853935341,
    df: 20.28290794261019,
  },
  {
    name: "UNEQ swapped",
    a: UNEQ_B,
    b: UNEQ_A,
    alternative: "two-sided",
    statistic: -1.5736295170561019,
    pValue: 0.13104297707870682,
    df: 20.28290794261019,
  },
  {
    name: "BIG two-sided",
    a: BIG_A,
    b: BIG_B,
    alternative: "two-sided",
    statistic: -8.082601098168388,
    pValue: 6.9808693836596165e-12,
    df: 77.12504413093332,
  },
  {
    name: "BIG less",
    a: BIG_A,
    b: BIG_B,
    alternative: "less",
    statistic: -8.082601098168388,
    pValue: 3.4904346918298082e-12,
    df: 77.12504413093332,
  },
  {
    name: "BIG greater",
    a: BIG_A,
    b: BIG_B,
    alternative: "greater",
    statistic: -8.082601098168388,
    pValue: 0.9999999999965096,
    df: 77.12504413093332,
  },
  {
    name: "TAIL two-sided",
    a: TAIL_A,
    b: TAIL_B,
    alternative: "two-sided",
    statistic: -22.38366328113371,
    pValue: 5.1764187018580246e-27,
    df: 47.891384907542665,
  },
  {
    name: "TAIL less",
    a: TAIL_A,
    b: TAIL_B,
    alternative: "less",
    statistic: -22.38366328113371,
    pValue: 2.5882093509290123e-27,
    df: 47.891384907542665,
  },
  {
    name: "TAIL greater",
    a: TAIL_A,
    b: TAIL_B,
    alternative: "greater",
    statistic: -22.38366328113371,
    pValue: 1.0,
    df: 47.891384907542665,
  },
];

// scipy 1.17.1: r = scipy.stats.ttest_ind(a, b, equal_var=True, alternative=alternative)
// -> statistic = r.statistic, pValue = r.pvalue, df = r.df
const STUDENT_CASES: TCase[] = [
  {
    name: "SMALL two-sided",
    a: SMALL_A,
    b: SMALL_B,
    alternative: "two-sided",
    statistic: -2.495083908254863,
    pValue: 0.0341360703948177,
    df: 9.0,
  },
  {
    name: "SMALL less",
    a: SMALL_A,
    b: SMALL_B,
    alternative: "less",
    statistic: -2.495083908254863,
    pValue: 0.01706803519740885,
    df: 9.0,
  },
  {
    name: "SMALL greater",
    a: SMALL_A,
    b: SMALL_B,
    alternative: "greater",
    statistic: -2.495083908254863,
    pValue: 0.9829319648025912,
    df: 9.0,
  },
  {
    name: "PAIR two-sided",
    a: PAIR_A,
    b: PAIR_B,
    alternative: "two-sided",
    statistic: -1.9414506867883021,
    pValue: 0.19170962313452392,
    df: 2.0,
  },
  {
    name: "PAIR less",
    a: PAIR_A,
    b: PAIR_B,
    alternative: "less",
    statistic: -1.9414506867883021,
    pValue: 0.09585481156726196,
    df: 2.0,
  },
  {
    name: "PAIR greater",
    a: PAIR_A,
    b: PAIR_B,
    alternative: "greater",
    statistic: -1.9414506867883021,
    pValue: 0.9041451884327381,
    df: 2.0,
  },
  {
    name: "MED two-sided",
    a: MED_A,
    b: MED_B,
    alternative: "two-sided",
    statistic: -2.0900608912874175,
    pValue: 0.041165358158996856,
    df: 56.0,
  },
  {
    name: "MED less",
    a: MED_A,
    b: MED_B,
    alternative: "less",
    statistic: -2.0900608912874175,
    pValue: 0.020582679079498428,
    df: 56.0,
  },
  {
    name: "MED greater",
    a: MED_A,
    b: MED_B,
    alternative: "greater",
    statistic: -2.0900608912874175,
    pValue: 0.9794173209205016,
    df: 56.0,
  },
  {
    name: "UNEQ two-sided",
    a: UNEQ_A,
    b: UNEQ_B,
    alternative: "two-sided",
    statistic: 0.9707510525214958,
    pValue: 0.3413547220764393,
    df: 24.0,
  },
  {
    name: "UNEQ less",
    a: UNEQ_A,
    b: UNEQ_B,
    alternative: "less",
    statistic: 0.9707510525214958,
    pValue: 0.8293226389617804,
    df: 24.0,
  },
  {
    name: "UNEQ greater",
    a: UNEQ_A,
    b: UNEQ_B,
    alternative: "greater",
    statistic: 0.9707510525214958,
    pValue: 0.17067736103821965,
    df: 24.0,
  },
  {
    name: "UNEQ swapped",
    a: UNEQ_B,
    b: UNEQ_A,
    alternative: "two-sided",
    statistic: -0.9707510525214958,
    pValue: 0.3413547220764393,
    df: 24.0,
  },
  {
    name: "BIG two-sided",
    a: BIG_A,
    b: BIG_B,
    alternative: "two-sided",
    statistic: -8.08260109816839,
    pValue: 6.50999855398693e-12,
    df: 78.0,
  },
  {
    name: "BIG less",
    a: BIG_A,
    b: BIG_B,
    alternative: "less",
    statistic: -8.08260109816839,
    pValue: 3.254999276993465e-12,
    df: 78.0,
  },
  {
    name: "BIG greater",
    a: BIG_A,
    b: BIG_B,
    alternative: "greater",
    statistic: -8.08260109816839,
    pValue: 0.999999999996745,
    df: 78.0,
  },
  {
    name: "TAIL two-sided",
    a: TAIL_A,
    b: TAIL_B,
    alternative: "two-sided",
    statistic: -22.38366328113371,
    pValue: 4.760034755330031e-27,
    df: 48.0,
  },
  {
    name: "TAIL less",
    a: TAIL_A,
    b: TAIL_B,
    alternative: "less",
    statistic: -22.38366328113371,
    pValue: 2.3800173776650154e-27,
    df: 48.0,
  },
  {
    name: "TAIL greater",
    a: TAIL_A,
    b: TAIL_B,
    alternative: "greater",
    statistic: -22.38366328113371,
    pValue: 1.0,
    df: 48.0,
  },
];

function checkCases(
  test: (
    a: readonly number[],
    b: readonly number[],
    o: { alternative: Alternative },
  ) => TTestResult,
  cases: readonly TCase[],
): void {
  for (const c of cases) {
    const r = test(c.a, c.b, { alternative: c.alternative });
    assertClose(r.statistic, c.statistic, 1e-6, `${c.name} statistic`);
    assertClose(r.pValue, c.pValue, 1e-6, `${c.name} pValue`);
    assertClose(r.df, c.df, 1e-6, `${c.name} df`);
  }
}

Deno.test("welchTTest matches scipy ttest_ind(equal_var=False) for all alternatives", () => {
  checkCases(welchTTest, WELCH_CASES);
});

Deno.test("studentTTest matches scipy ttest_ind(equal_var=True) for all alternatives", () => {
  checkCases(studentTTest, STUDENT_CASES);
});

Deno.test("t-tests keep relative accuracy of tiny p-values (lower tail, never 1 - cdf)", () => {
  // Against the same scipy values, but at a tighter tolerance than the table.
  const w = welchTTest(TAIL_A, TAIL_B, { alternative: "less" });
  assertClose(w.pValue, 2.5882093509290123e-27, 1e-9, "welch tail");
  const s = studentTTest(BIG_A, BIG_B);
  assertClose(s.pValue, 6.50999855398693e-12, 1e-9, "student big");
  // Swapping the samples mirrors the one-sided tails exactly.
  strictEqual(welchTTest(TAIL_B, TAIL_A, { alternative: "greater" }).pValue, w.pValue);
});

Deno.test("t-tests default to a two-sided alternative", () => {
  deepStrictEqual(welchTTest(MED_A, MED_B), welchTTest(MED_A, MED_B, { alternative: "two-sided" }));
  deepStrictEqual(studentTTest(MED_A, MED_B), studentTTest(MED_A, MED_B, {}));
});

Deno.test("t-tests return plain objects with camelCase keys", () => {
  deepStrictEqual(Object.keys(welchTTest(SMALL_A, SMALL_B)).sort(), ["df", "pValue", "statistic"]);
  deepStrictEqual(Object.keys(studentTTest(SMALL_A, SMALL_B)).sort(), [
    "df",
    "pValue",
    "statistic",
  ]);
});

// Zero variance in both samples, scipy 1.17.1 (warnings suppressed):
//   scipy.stats.ttest_ind([1, 1, 1], [1, 1, 1], equal_var=ev)  -> statistic nan, pvalue nan,
//     df 1.0 (Welch: scipy replaces the 0/0 df by 1) / 4.0 (Student)
//   scipy.stats.ttest_ind([1, 1, 1], [2, 2, 2], equal_var=ev, alternative=alt) -> statistic -inf,
//     pvalue 0.0 two-sided, 0.0 less, 1.0 greater; df 1.0 / 4.0
//   scipy.stats.ttest_ind([2, 2, 2], [1, 1], equal_var=ev, alternative=alt) -> statistic inf,
//     pvalue 0.0 two-sided, 1.0 less, 0.0 greater; df 1.0 / 3.0
//   scipy.stats.ttest_ind([3, 3, 3], [1, 2, 3], equal_var=False) -> 1.7320508075688774,
//     pvalue 0.22540333075851665, df 2.0; equal_var=True -> pvalue 0.15830242337545788, df 4.0
Deno.test("zero variance: equal constants give NaN statistic and p (as scipy)", () => {
  for (const alternative of ["two-sided", "less", "greater"] as const) {
    const w = welchTTest([1, 1, 1], [1, 1, 1], { alternative });
    ok(Number.isNaN(w.statistic) && Number.isNaN(w.pValue));
    strictEqual(w.df, 1);
    const s = studentTTest([1, 1, 1], [1, 1, 1], { alternative });
    ok(Number.isNaN(s.statistic) && Number.isNaN(s.pValue));
    strictEqual(s.df, 4);
  }
});

Deno.test("zero variance: different constants give an infinite statistic, p = 0 (as scipy)", () => {
  const expected = { "two-sided": 0, less: 0, greater: 1 } as const;
  for (const alternative of ["two-sided", "less", "greater"] as const) {
    const w = welchTTest([1, 1, 1], [2, 2, 2], { alternative });
    deepStrictEqual(w, { statistic: -Infinity, pValue: expected[alternative], df: 1 });
    const s = studentTTest([1, 1, 1], [2, 2, 2], { alternative });
    deepStrictEqual(s, { statistic: -Infinity, pValue: expected[alternative], df: 4 });
  }
  deepStrictEqual(welchTTest([2, 2, 2], [1, 1], { alternative: "greater" }), {
    statistic: Infinity,
    pValue: 0,
    df: 1,
  });
  deepStrictEqual(studentTTest([2, 2, 2], [1, 1], { alternative: "less" }), {
    statistic: Infinity,
    pValue: 1,
    df: 3,
  });
});

Deno.test("zero variance in one sample only is an ordinary finite test", () => {
  const w = welchTTest([3, 3, 3], [1, 2, 3]);
  assertClose(w.statistic, 1.7320508075688774);
  assertClose(w.pValue, 0.22540333075851665);
  assertClose(w.df, 2);
  const s = studentTTest([3, 3, 3], [1, 2, 3]);
  assertClose(s.pValue, 0.15830242337545788);
  strictEqual(s.df, 4);
});

Deno.test("constant samples whose mean is not representable still have variance exactly 0", () => {
  // 0.1 * 3 / 3 is not exactly 0.1 in floating point; the variance must not be a residue.
  const r = welchTTest([0.1, 0.1, 0.1], [0.7, 0.7, 0.7]);
  strictEqual(r.statistic, -Infinity);
  strictEqual(r.pValue, 0);
});

Deno.test("t-tests refuse samples smaller than 2, naming the sample and the minimum", () => {
  for (const test of [welchTTest, studentTTest]) {
    throws(() => test([1], [1, 2, 3]), (e: unknown) => {
      ok(e instanceof StatisticsInputError);
      ok(/sample "a" has 1 value; it needs at least 2/.test(e.message), e.message);
      strictEqual(e.argument, "a");
      return true;
    });
    throws(() => test([1, 2, 3], []), (e: unknown) => {
      ok(e instanceof StatisticsInputError);
      ok(/sample "b" has 0 values; it needs at least 2/.test(e.message), e.message);
      return true;
    });
  }
});

Deno.test("t-tests refuse NaN, infinities and non-numbers, naming sample and index", () => {
  const bad: [unknown, RegExp][] = [
    [NaN, /non-finite value NaN at index 2/],
    [Infinity, /non-finite value Infinity at index 2/],
    [-Infinity, /non-finite value -Infinity at index 2/],
    ["3", /non-number entry "3" \(string\) at index 2/],
    [null, /non-number entry null at index 2/],
    [undefined, /non-number entry undefined \(undefined\) at index 2/],
    [10n, /non-number entry 10 \(bigint\) at index 2/],
  ];
  for (const test of [welchTTest, studentTTest]) {
    for (const [value, pattern] of bad) {
      const b = [1, 2, value, 4] as unknown as number[];
      throws(() => test([1, 2, 3], b), (e: unknown) => {
        ok(e instanceof StatisticsInputError);
        ok(pattern.test(e.message), e.message);
        ok(e.message.includes('sample "b"'), e.message);
        strictEqual(e.argument, "b");
        strictEqual(e.index, 2);
        return true;
      });
    }
  }
  throws(() => welchTTest("1,2,3" as unknown as number[], [1, 2]), StatisticsInputError);
});

Deno.test("t-tests refuse an unknown alternative", () => {
  throws(
    () => welchTTest([1, 2], [3, 4], { alternative: "two_sided" as Alternative }),
    /option "alternative" is "two_sided"; use one of "two-sided"/,
  );
});
