import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { bootstrapMeanDiffCI, StatisticsInputError } from "../src/verify/stats/mod.ts";
import { percentile } from "../src/verify/stats/bootstrap.ts";
import { assertClose } from "./assert_close.ts";

const SMALL_A = [2.1, 3.4, 1.9, 5.6, 4.2];
const SMALL_B = [3.3, 6.1, 5.8, 7.2, 4.9, 6.4];

/** Deterministic pseudo-normal data (sum of 12 uniforms − 6) from a tiny LCG, test-local. */
function normalish(n: number, mu: number, sigma: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  return Array.from({ length: n }, () => {
    let z = -6;
    for (let i = 0; i < 12; i++) z += u();
    return mu + sigma * z;
  });
}

// numpy 2 / python 3.11: PCT = numpy.random.default_rng(99).normal(0, 1, 13).round(5)
//   expected = numpy.percentile(PCT, q)   (default method="linear")
// deno-fmt-ignore
const PCT = [0.08249, -0.46442, 0.05052, 0.68623, -1.75679, 1.68443, -0.45784, -0.59642, -1.04697, 0.93179, 0.67498, 1.24444, 0.89309];
const PCT_REFERENCE: [number, number][] = [
  [0, -1.75679],
  [2.5, -1.543844],
  [5, -1.330898],
  [25, -0.46442],
  [33.3, -0.45786632000000005],
  [50, 0.08249],
  [66.7, 0.6870574400000002],
  [75, 0.89309],
  [95, 1.4204359999999994],
  [97.5, 1.5524329999999997],
  [100, 1.68443],
];

Deno.test("internal percentile matches numpy.percentile (linear) on a known array", () => {
  const sorted = [...PCT].sort((x, y) => x - y);
  for (const [q, expected] of PCT_REFERENCE) {
    assertClose(percentile(sorted, q), expected, 1e-12, `q=${q}`);
  }
  strictEqual(percentile([7], 50), 7);
  strictEqual(percentile(new Float64Array([1, 2, 3, 4]), 50), 2.5);
});

// End-to-end reference: python 3.11 re-implementation of this module's PRNG (splitmix32
// seeding sfc32, unbiased index draws by rejection) and resampling loop, then
//   low, high = numpy.percentile(diffs, [100 * (1 - c) / 2, 100 * (1 + c) / 2])
// i.e. numpy.percentile applied to the very array of resampled mean differences.
const BOOT_REFERENCE = [
  { options: {}, low: -3.6900000000000004, high: -0.5565833333333345 },
  { options: { seed: 42 }, low: -3.67, high: -0.5766666666666662 },
  {
    options: { seed: 7, confidence: 0.9, resamples: 2000 },
    low: -3.503333333333333,
    high: -0.8433333333333346,
  },
  {
    options: { seed: -1, confidence: 0.99, resamples: 500 },
    low: -4.0008333333333335,
    high: 0.15918333333333246,
  },
];

Deno.test("bootstrap interval equals numpy.percentile of the same resampled differences", () => {
  for (const { options, low, high } of BOOT_REFERENCE) {
    const r = bootstrapMeanDiffCI(SMALL_A, SMALL_B, options);
    assertClose(r.low, low, 1e-12, `low ${JSON.stringify(options)}`);
    assertClose(r.high, high, 1e-12, `high ${JSON.stringify(options)}`);
  }
});

Deno.test("bootstrap is deterministic: same seed, same output; default seed is 0", () => {
  const a = normalish(40, 1, 2, 1);
  const b = normalish(35, 0, 1, 2);
  const first = bootstrapMeanDiffCI(a, b, { seed: 123 });
  deepStrictEqual(bootstrapMeanDiffCI(a, b, { seed: 123 }), first);
  deepStrictEqual(bootstrapMeanDiffCI(a, b), bootstrapMeanDiffCI(a, b, { seed: 0 }));
  notDeepStrictEqual(bootstrapMeanDiffCI(a, b, { seed: 124 }), first);
  // Seeds are taken modulo 2^32.
  deepStrictEqual(
    bootstrapMeanDiffCI(a, b, { seed: 2 ** 32 + 5 }),
    bootstrapMeanDiffCI(a, b, {
      seed: 5,
    }),
  );
  deepStrictEqual(
    bootstrapMeanDiffCI(a, b, { seed: -1 }),
    bootstrapMeanDiffCI(a, b, {
      seed: 2 ** 32 - 1,
    }),
  );
});

Deno.test("estimate is mean(a) - mean(b) and the interval contains it", () => {
  const a = normalish(30, 5, 1, 3);
  const b = normalish(25, 4, 2, 4);
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const r = bootstrapMeanDiffCI(a, b, { seed: 9 });
  assertClose(r.estimate, mean(a) - mean(b), 1e-12, "estimate");
  ok(r.low < r.estimate && r.estimate < r.high, JSON.stringify(r));
  deepStrictEqual(Object.keys(r).sort(), ["estimate", "high", "low"]);
});

Deno.test("interval width shrinks with more data and grows with confidence", () => {
  const width = (r: { low: number; high: number }) => r.high - r.low;
  const small = bootstrapMeanDiffCI(normalish(10, 0, 1, 5), normalish(10, 0, 1, 6));
  const large = bootstrapMeanDiffCI(normalish(1000, 0, 1, 5), normalish(1000, 0, 1, 6));
  // Expected ratio ~ sqrt(100) = 10; allow generous slack.
  ok(width(large) < width(small) / 4, `${width(small)} vs ${width(large)}`);
  const a = normalish(50, 0, 1, 7);
  const b = normalish(50, 0, 1, 8);
  const w90 = width(bootstrapMeanDiffCI(a, b, { confidence: 0.9 }));
  const w99 = width(bootstrapMeanDiffCI(a, b, { confidence: 0.99 }));
  ok(w90 < w99);
});

Deno.test("for large samples the interval is close to the normal approximation", () => {
  const a = normalish(2000, 10, 3, 11);
  const b = normalish(1500, 9, 2, 12);
  const r = bootstrapMeanDiffCI(a, b, { seed: 1 });
  const v = (x: number[]) => {
    const m = x.reduce((s, y) => s + y, 0) / x.length;
    return x.reduce((s, y) => s + (y - m) ** 2, 0) / x.length; // plug-in variance (ddof=0)
  };
  const halfWidth = 1.959963984540054 * Math.sqrt(v(a) / a.length + v(b) / b.length);
  assertClose(r.high - r.low, 2 * halfWidth, 0.05, "width");
  assertClose((r.high + r.low) / 2, r.estimate, 0.05, "centre");
});

Deno.test("bootstrap refuses samples smaller than 2 and bad entries", () => {
  throws(() => bootstrapMeanDiffCI([1], [1, 2]), (e: unknown) => {
    ok(e instanceof StatisticsInputError);
    ok(/sample "a" has 1 value; it needs at least 2/.test(e.message), e.message);
    return true;
  });
  throws(() => bootstrapMeanDiffCI([1, 2], []), /sample "b" has 0 values; it needs at least 2/);
  throws(
    () => bootstrapMeanDiffCI([1, 2], [3, -Infinity]),
    /sample "b" has the non-finite value -Infinity at index 1/,
  );
});

Deno.test("bootstrap refuses out-of-range options with actionable messages", () => {
  for (const confidence of [0, 1, 1.5, -0.2, NaN]) {
    throws(
      () => bootstrapMeanDiffCI([1, 2], [3, 4], { confidence }),
      /option "confidence" is .*; use a number strictly between 0 and 1/,
    );
  }
  for (const resamples of [0, -5, 1.5, NaN, Infinity]) {
    throws(
      () => bootstrapMeanDiffCI([1, 2], [3, 4], { resamples }),
      /option "resamples" is .*; use a positive integer/,
    );
  }
  for (const seed of [0.5, NaN, Infinity]) {
    throws(
      () => bootstrapMeanDiffCI([1, 2], [3, 4], { seed }),
      (e: unknown) => e instanceof StatisticsInputError && e.argument === "seed",
    );
  }
});
