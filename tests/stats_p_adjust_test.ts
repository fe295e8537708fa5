import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { benjaminiHochberg, holm, StatisticsInputError } from "../src/verify/stats/mod.ts";
import { assertClose } from "./assert_close.ts";

function assertAllClose(actual: readonly number[], expected: readonly number[], label: string) {
  strictEqual(actual.length, expected.length, label);
  actual.forEach((v, i) => assertClose(v, expected[i], 1e-12, `${label}[${i}]`));
}

// References, python 3.11 with numpy and scipy 1.17.1:
//   bh = scipy.stats.false_discovery_control(p, method="bh")
//   Holm by hand (scipy has no Holm; this is statsmodels' multipletests "holm" definition):
//     p = np.asarray(p, float); m = len(p); o = np.argsort(p, kind="stable")
//     adj = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[o]))
//     out = np.empty(m); out[o] = adj
const CASES = [
  {
    p: [0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.04],
    holm: [0.06, 0.16, 0.15, 0.035, 0.5, 0.4, 0.16],
    bh: [
      0.035,
      0.055999999999999994,
      0.055999999999999994,
      0.035,
      0.5,
      0.23333333333333336,
      0.055999999999999994,
    ],
  },
  { p: [0.9, 0.95, 0.99, 0.6], holm: [1.0, 1.0, 1.0, 1.0], bh: [0.99, 0.99, 0.99, 0.99] },
  {
    p: [0.0, 1.0, 0.5, 0.001],
    holm: [0.0, 1.0, 1.0, 0.003],
    bh: [0.0, 1.0, 0.6666666666666666, 0.002],
  },
  { p: [0.3], holm: [0.3], bh: [0.3] },
  { p: [0.02, 0.02, 0.02, 0.02], holm: [0.08, 0.08, 0.08, 0.08], bh: [0.02, 0.02, 0.02, 0.02] },
  {
    // deno-fmt-ignore
    p: [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986],
    // deno-fmt-ignore
    holm: [0.025, 0.192, 0.897, 0.902, 0.902, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    // deno-fmt-ignore
    bh: [0.025, 0.1, 0.21000000000000002, 0.21000000000000002, 0.21000000000000002, 0.25, 0.2642857142857143, 0.49107142857142866, 0.49107142857142866, 0.49107142857142866, 0.49107142857142866, 0.49107142857142866, 0.49107142857142866, 0.49107142857142866, 0.5328125, 0.5328125, 0.5647058823529413, 0.781578947368421, 0.781578947368421, 0.8699999999999999, 0.9071428571428571, 0.986, 0.986, 0.986, 0.986],
  },
];

Deno.test("holm matches the statsmodels definition (reference computed by hand in numpy)", () => {
  for (const [i, c] of CASES.entries()) assertAllClose(holm(c.p), c.holm, `holm case ${i}`);
});

Deno.test("benjaminiHochberg matches scipy.stats.false_discovery_control(method='bh')", () => {
  for (const [i, c] of CASES.entries()) {
    assertAllClose(benjaminiHochberg(c.p), c.bh, `bh case ${i}`);
  }
});

Deno.test("adjusted p-values are in input order, <= 1, >= raw, and monotone in raw p", () => {
  const p = CASES[5].p.toReversed();
  for (const adjust of [holm, benjaminiHochberg]) {
    const adj = adjust(p);
    for (let i = 0; i < p.length; i++) {
      ok(adj[i] <= 1 && adj[i] >= p[i]);
      for (let j = 0; j < p.length; j++) if (p[i] <= p[j]) ok(adj[i] <= adj[j]);
    }
  }
});

Deno.test("empty input gives [] and the input array is not mutated", () => {
  deepStrictEqual(holm([]), []);
  deepStrictEqual(benjaminiHochberg([]), []);
  const p = Object.freeze([0.04, 0.01]);
  deepStrictEqual(holm(p), [0.04, 0.02]);
  deepStrictEqual(p, [0.04, 0.01]);
});

Deno.test("p-values outside [0, 1], NaN or non-numbers are refused with their index", () => {
  const bad: [unknown, RegExp][] = [
    [1.2, /"pValues" has 1\.2 at index 1; every p-value must be a number in \[0, 1\]/],
    [-0.1, /has -0\.1 at index 1/],
    [NaN, /has NaN at index 1/],
    ["0.5", /has "0\.5" \(string\) at index 1/],
  ];
  for (const adjust of [holm, benjaminiHochberg]) {
    for (const [value, pattern] of bad) {
      throws(() => adjust([0.5, value] as unknown as number[]), (e: unknown) => {
        ok(e instanceof StatisticsInputError);
        ok(pattern.test(e.message), e.message);
        strictEqual(e.index, 1);
        strictEqual(e.argument, "pValues");
        return true;
      });
    }
    throws(() => adjust(undefined as unknown as number[]), /"pValues" must be an array/);
  }
});
