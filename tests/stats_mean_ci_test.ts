/**
 * The t quantile and the t intervals of a mean and of a difference of
 * means, against scipy 1.17 (`t.ppf`, `ttest_ind(b, a, equal_var=False)`
 * and its `confidence_interval()`), to 1e-9 relative.
 */
import assert from "node:assert/strict";
import { meanCi, meanDifference } from "../src/verify/stats/mean_ci.ts";
import { studentTQuantile } from "../src/verify/stats/t_quantile.ts";
import { assertClose } from "./assert_close.ts";

Deno.test("studentTQuantile matches scipy.stats.t.ppf, fractional df included", () => {
  const cases: [number, number, number][] = [
    [0.975, 1, 12.706204736174694],
    [0.975, 2, 4.302652729749462],
    [0.975, 11, 2.200985160091639],
    [0.975, 5.5, 2.501858617589239],
    [0.995, 30, 2.7499956535672254],
    [0.975, 1e6, 1.959966356814107],
    [0.6, 3.3, 0.274501974221057],
  ];
  for (const [p, df, expected] of cases) {
    assertClose(studentTQuantile(p, df), expected, 1e-9, `t.ppf(${p}, ${df})`);
    assertClose(studentTQuantile(1 - p, df), -expected, 1e-9, `t.ppf(${1 - p}, ${df})`);
  }
  assert.ok(Number.isNaN(studentTQuantile(1, 3)));
  assert.ok(Number.isNaN(studentTQuantile(0.5, 0)));
});

Deno.test("meanDifference: mean(b) − mean(a), Welch interval and test as scipy", () => {
  const d = meanDifference([1.2, 0.8, 1.5, 1.1, 0.9], [1.9, 2.4, 1.7, 2.2]);
  assertClose(d.estimate, 0.95, 1e-12, "estimate");
  assertClose(d.low, 0.4679125949691257, 1e-9, "low");
  assertClose(d.high, 1.4320874050308738, 1e-9, "high");
  assertClose(d.statistic, 4.800265950079156, 1e-9, "statistic");
  assertClose(d.pValue, 0.0028510368469944194, 1e-9, "pValue");
  assertClose(d.df, 6.113468634686346, 1e-9, "df");
  assert.throws(() => meanDifference([1], [2, 3]), /at least 2/);
});

Deno.test("meanCi: the t interval of the mean, non-numbers left out", () => {
  const { n, mean, halfWidth } = meanCi([1, 2, 3, 4, null, "x", NaN]);
  assert.equal(n, 4);
  assert.equal(mean, 2.5);
  // t.ppf(0.975, 3) · s/√n, s = √(5/3)
  assertClose(halfWidth, 3.1824463052837078 * Math.sqrt(5 / 3) / 2, 1e-9, "halfWidth");
  assert.ok(Number.isNaN(meanCi([5]).halfWidth));
  assert.throws(() => meanCi([1, 2], 1.5), /strictly between 0 and 1/);
});
