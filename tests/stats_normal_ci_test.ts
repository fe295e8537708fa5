import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { normalQuantile } from "../src/verify/stats/normal_distribution.ts";
import { normalMeanDiffCI } from "../src/verify/stats/normal_ci.ts";
import { bootstrapMeanDiffCI, StatisticsInputError } from "../src/verify/stats/mod.ts";
import {
  BOOTSTRAP_DRAW_BUDGET,
  mannWhitney,
  studentT,
  welch,
} from "../src/verify/ready_verifiers.ts";
import { Rng } from "../src/context/rng.ts";
import { assertClose } from "./assert_close.ts";

// scipy 1.17: [(p, float(scipy.stats.norm.ppf(p))) for p in ...]
const PPF: [number, number][] = [
  [1e-300, -37.0470962993612],
  [1e-100, -21.273453560965322],
  [1e-20, -9.262340089798409],
  [1e-10, -6.361340902404056],
  [1e-05, -4.264890793922825],
  [0.001, -3.090232306167813],
  [0.025, -1.9599639845400545],
  [0.07, -1.4757910281791706],
  [0.0751, -1.4388253927525403],
  [0.3, -0.5244005127080409],
  [0.5, 0],
  [0.75, 0.6744897501960817],
  [0.975, 1.959963984540054],
  [0.995, 2.5758293035489004],
  [1 - 1e-10, 6.361340889697422],
];

Deno.test("normalQuantile matches scipy.stats.norm.ppf, both tails and the centre", () => {
  for (const [p, z] of PPF) assertClose(normalQuantile(p), z, 1e-15, `ppf(${p})`);
  strictEqual(normalQuantile(0), -Infinity);
  strictEqual(normalQuantile(1), Infinity);
  for (const p of [-0.1, 1.1, NaN]) ok(Number.isNaN(normalQuantile(p)), `ppf(${p})`);
});

const SMALL_A = [2.1, 3.4, 1.9, 5.6, 4.2];
const SMALL_B = [3.3, 6.1, 5.8, 7.2, 4.9, 6.4];

Deno.test("normalMeanDiffCI is estimate ± z·√(σ²a/na + σ²b/nb) with plug-in variances (numpy)", () => {
  // numpy: e = a.mean() - b.mean(); h = norm.ppf((1 + c) / 2) * sqrt(a.var() / na + b.var() / nb)
  for (
    const [confidence, low, high] of [
      [0.95, -3.7371890849061122, -0.6161442484272202],
      [0.9, -3.486298363895325, -0.8670349694380077],
      [0.99, -4.227540767136144, -0.12579256619718793],
    ]
  ) {
    const ci = normalMeanDiffCI(SMALL_A, SMALL_B, { confidence });
    assertClose(ci.low, low, 1e-14, `low at ${confidence}`);
    assertClose(ci.high, high, 1e-14, `high at ${confidence}`);
    assertClose(ci.estimate, -2.1766666666666663, 1e-14, "estimate");
  }
});

Deno.test("normalMeanDiffCI keeps its accuracy on a huge common offset and huge magnitudes", () => {
  const shift = (xs: number[], by: number) => xs.map((x) => x + by);
  const base = normalMeanDiffCI(SMALL_A, SMALL_B);
  const offset = normalMeanDiffCI(shift(SMALL_A, 1e9), shift(SMALL_B, 1e9));
  assertClose(offset.low, base.low, 1e-6, "low");
  assertClose(offset.high, base.high, 1e-6, "high");
  const big = normalMeanDiffCI(SMALL_A.map((x) => x * 1e300), SMALL_B.map((x) => x * 1e300));
  assertClose(big.low, base.low * 1e300, 1e-13, "no overflow");
});

Deno.test("normalMeanDiffCI refuses what the bootstrap refuses", () => {
  throws(() => normalMeanDiffCI([1], [1, 2]), StatisticsInputError);
  throws(() => normalMeanDiffCI([1, 2], [1, NaN]), /non-finite value NaN at index 1/);
  throws(() => normalMeanDiffCI([1, 2], [3, 4], { confidence: 1 }), /option "confidence" is 1/);
});

function normals(n: number, mu: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.normal(mu, 1));
}

Deno.test("ready verifiers: the CI is the seeded bootstrap for small samples, the normal interval past the draw budget", () => {
  const small = { baseline: { x: normals(200, 0, 1) }, treated: { x: normals(200, 0.3, 2) } };
  for (const v of [welch(), studentT(), mannWhitney()]) {
    const out = v.verify(small.baseline, small.treated) as { ci: Record<string, unknown> };
    const boot = bootstrapMeanDiffCI(small.treated.x, small.baseline.x, { resamples: 2000 });
    deepStrictEqual(out.ci, { ...boot, method: "bootstrap" }, v.name);
  }
  // 2000 resamples × 2 × 2500 values is past the budget: the bootstrap would draw 10M values.
  const n = 2500;
  ok(2000 * 2 * n > BOOTSTRAP_DRAW_BUDGET);
  const large = { baseline: { x: normals(n, 0, 3) }, treated: { x: normals(n, 0.1, 4) } };
  const out = welch().verify(large.baseline, large.treated) as { ci: Record<string, number> };
  deepStrictEqual(out.ci, {
    ...normalMeanDiffCI(large.treated.x, large.baseline.x),
    method: "normal",
  });
  // The two agree at that size (the bootstrap's own Monte-Carlo error is ~3 % of the width).
  const boot = bootstrapMeanDiffCI(large.treated.x, large.baseline.x, { resamples: 2000 });
  assertClose(out.ci.high - out.ci.low, boot.high - boot.low, 0.05, "width");
  // Asked for explicitly, each method is used whatever the size.
  const forced = welch({ ciMethod: "bootstrap" }).verify(large.baseline, large.treated) as {
    ci: Record<string, unknown>;
  };
  deepStrictEqual(forced.ci, { ...boot, method: "bootstrap" });
  const normal = welch({ ciMethod: "normal" }).verify(small.baseline, small.treated) as {
    ci: Record<string, unknown>;
  };
  strictEqual(normal.ci.method, "normal");
  throws(
    () => welch({ ciMethod: "exact" as "normal" }).verify(small.baseline, small.treated),
    /welch: ciMethod must be "auto", "bootstrap" or "normal", got "exact"/,
  );
});
