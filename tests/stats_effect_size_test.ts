import { ok, strictEqual, throws } from "node:assert/strict";
import { cohensD, hedgesG, StatisticsInputError } from "../src/verify/stats/mod.ts";
import { hedgesCorrection } from "../src/verify/stats/effect_size.ts";
import { assertClose } from "./assert_close.ts";

// Same inputs as tests/stats_t_test_test.ts (MED/UNEQ from numpy default_rng(20240601)).
const SMALL_A = [2.1, 3.4, 1.9, 5.6, 4.2];
const SMALL_B = [3.3, 6.1, 5.8, 7.2, 4.9, 6.4];
const PAIR_A = [1.5, 2.5];
const PAIR_B = [3.0, 4.5];
// deno-fmt-ignore
const MED_A = [11.296, 10.939, 8.714, 7.643, 9.711, 12.407, 12.667, 11.817, 10.693, 13.2, 12.466, 9.559, 7.876, 9.271, 9.16, 11.375, 6.202, 9.617, 13.342, 8.159, 8.483, 9.831, 7.164, 9.741, 9.969, 9.991, 8.023, 9.268, 11.308, 8.571];
// deno-fmt-ignore
const MED_B = [12.642, 12.967, 6.719, 9.064, 12.966, 12.48, 11.538, 9.954, 11.326, 16.624, 10.336, 12.739, 9.75, 10.405, 12.944, 8.213, 10.273, 9.169, 8.424, 11.527, 14.719, 11.664, 9.855, 6.647, 13.457, 11.631, 9.106, 13.584];
const UNEQ_A = [5.787, 4.184, 5.295, 5.423, 5.29, 5.801, 5.313];
// deno-fmt-ignore
const UNEQ_B = [1.941, 13.7, 4.565, 7.905, 9.115, 6.404, -0.295, -0.06, 2.506, 4.285, 0.728, 1.857, 3.087, 3.012, 4.672, 4.381, 4.103, 2.656, 2.119];

// Reference values, python 3.11 / numpy / scipy 1.17.1, same formulas as the module:
//   def cohen(a, b):
//       a, b = np.asarray(a, float), np.asarray(b, float); na, nb = len(a), len(b)
//       s = np.sqrt(((na-1)*a.var(ddof=1) + (nb-1)*b.var(ddof=1)) / (na+nb-2))
//       return (a.mean() - b.mean()) / s
//   def J(df): return np.exp(scipy.special.gammaln(df/2) - scipy.special.gammaln((df-1)/2)) / np.sqrt(df/2)
//   d = cohen(a, b); g = d * J(len(a) + len(b) - 2)
const CASES = [
  { name: "SMALL", a: SMALL_A, b: SMALL_B, d: -1.510848335666158, g: -1.380726359271868 },
  { name: "PAIR", a: PAIR_A, b: PAIR_B, d: -1.9414506867883021, g: -1.0953462544575978 },
  { name: "MED", a: MED_A, b: MED_B, d: -0.5492034954398038, g: -0.5418095638662125 },
  { name: "UNEQ", a: UNEQ_A, b: UNEQ_B, d: 0.42920890470043344, g: 0.41563098119807296 },
];

Deno.test("cohensD matches the pooled-SD formula computed with numpy", () => {
  for (const c of CASES) assertClose(cohensD(c.a, c.b), c.d, 1e-6, c.name);
  assertClose(cohensD(SMALL_B, SMALL_A), 1.510848335666158, 1e-6, "antisymmetric");
});

Deno.test("hedgesG = J(n_a + n_b - 2) * d with the exact gamma-ratio J", () => {
  for (const c of CASES) assertClose(hedgesG(c.a, c.b), c.g, 1e-6, c.name);
});

// J(df) = Γ(df/2) / (sqrt(df/2) Γ((df-1)/2)), python mpmath 1.3.0 with mp.dps = 40:
//   mp.gamma(mpf(df)/2) / (mp.sqrt(mpf(df)/2) * mp.gamma(mpf(df-1)/2))
const J_REFERENCE: [number, number][] = [
  [2, 0.5641895835477562869],
  [3, 0.7236012545582676594],
  [4, 0.7978845608028653559],
  [10, 0.922745608053087103],
  [57, 0.9867744000089332526],
  [1000, 0.9992497811797163675],
  [1e6, 0.9999992499997812499],
];

Deno.test("hedgesCorrection matches the exact J(df) to 1e-12, also for large df", () => {
  for (const [df, j] of J_REFERENCE) assertClose(hedgesCorrection(df), j, 1e-12, `J(${df})`);
  // The common approximation 1 - 3/(4 df - 1) is close but is not what is used.
  ok(Math.abs(hedgesCorrection(10) - (1 - 3 / 39)) > 1e-4);
});

Deno.test("effect sizes on constant samples: NaN if equal, ±Infinity if different", () => {
  ok(Number.isNaN(cohensD([2, 2], [2, 2, 2])));
  ok(Number.isNaN(hedgesG([2, 2], [2, 2, 2])));
  strictEqual(cohensD([1, 1], [2, 2, 2]), -Infinity);
  strictEqual(hedgesG([3, 3], [2, 2, 2]), Infinity);
});

Deno.test("effect sizes refuse samples smaller than 2 and bad entries", () => {
  for (const fn of [cohensD, hedgesG]) {
    throws(() => fn([1, 2], [3]), (e: unknown) => {
      ok(e instanceof StatisticsInputError);
      ok(/sample "b" has 1 value; it needs at least 2/.test(e.message), e.message);
      return true;
    });
    throws(() => fn([], [3, 4]), /sample "a" has 0 values; it needs at least 2/);
    throws(() => fn([1, NaN], [3, 4]), /sample "a" has the non-finite value NaN at index 1/);
  }
});
