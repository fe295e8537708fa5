import assert from "node:assert/strict";
import {
  dataSource,
  Experiment,
  Hypothesis,
  hypothesis,
  HypothesisError,
  LoggingPlugin,
  MissingMetricError,
  pipelineStep,
  stats,
  treatment,
  verifier,
} from "../mod.ts";
import { assertClose } from "./assert_close.ts";

const quiet = () => new LoggingPlugin({ level: "silent" });

// Fixed samples per condition: replicate r of condition c records SAMPLES[c][r].
const SAMPLES: Record<string, number[]> = {
  baseline: [1.1, 2.3, 1.9, 2.8, 2.2],
  strong: [2.9, 3.4, 2.7, 3.9, 3.1],
  weak: [2.0, 2.6, 2.1, 3.0, 2.4],
};
const fixed = dataSource((ctx) => SAMPLES[ctx.condition][ctx.replicate], { name: "fixed" });
const record = pipelineStep((x: number, ctx) => {
  ctx.metrics.add("score", x);
  ctx.metrics.add("label", `r${ctx.replicate}`);
  ctx.metrics.add("double", 2 * x);
  return x;
}, { name: "record" });

function experimentWith(hypotheses: Hypothesis[]) {
  return new Experiment({
    name: "hyp",
    datasource: fixed(),
    pipeline: [record()],
    plugins: [quiet()],
    treatments: [treatment("weak", {}), treatment("strong", {})],
    hypotheses,
    replicates: 5,
  });
}

Deno.test("hypothesis: stats.welch matches scipy, ranks treatments and Holm-adjusts p-values", async () => {
  const r = await experimentWith([
    hypothesis({ name: "better", verifier: stats.welch(), metrics: "score" }),
  ]).run();
  const h = r.getHypothesis("better");
  assert.ok(h);
  assert.deepEqual(h.metrics, ["score"]);
  assert.deepEqual(h.results.map((x) => x.treatment), ["weak", "strong"]);
  const [weak, strong] = h.results;
  // scipy.stats.ttest_ind(t, b, equal_var=False) with b = [1.1, 2.3, 1.9, 2.8, 2.2]:
  //   t = [2.9, 3.4, 2.7, 3.9, 3.1] -> statistic 3.255814224471978, pvalue 0.012884900248373268
  //   t = [2.0, 2.6, 2.1, 3.0, 2.4] -> statistic 1.0805404053377954, pvalue 0.3166304688942351
  assertClose(strong.pValue, 0.012884900248373268);
  assertClose(strong.statistic as number, 3.255814224471978);
  assertClose(weak.pValue, 0.3166304688942351);
  assert.equal(strong.significant, true);
  assert.equal(weak.significant, false);
  // Holm over the two p-values: 2 * 0.012884900248373268 and max(that, 0.3166304688942351).
  assertClose(strong.pValueAdjusted, 2 * 0.012884900248373268);
  assertClose(weak.pValueAdjusted, 0.3166304688942351);
  assert.equal(h.ranking.best, "strong");
  assert.deepEqual(h.ranking.ranked.map((x) => x.treatment), ["strong", "weak"]);
  assertClose(h.ranking.ranked[0].score, 0.012884900248373268);
  const ci = strong.ci as { low: number; high: number; estimate: number };
  assertClose(ci.estimate, 3.2 - 2.06);
  assert.ok(ci.low < ci.estimate && ci.estimate < ci.high);
  assert.ok((strong.effectSize as number) > 1);
});

Deno.test("hypothesis: other ready verifiers, corrections and custom rankBy", async () => {
  const r = await experimentWith([
    hypothesis({
      name: "student",
      verifier: stats.studentT(),
      metrics: "score",
      correction: "none",
    }),
    hypothesis({
      name: "mwu",
      verifier: stats.mannWhitney(),
      metrics: "score",
      correction: "benjamini-hochberg",
    }),
    hypothesis({
      name: "largest_effect",
      verifier: stats.welch(),
      metrics: ["score"],
      rankBy: (v) => -(v.effectSize as number),
    }),
  ]).run();
  const student = r.getHypothesis("student")!;
  // scipy.stats.ttest_ind(strong, baseline, equal_var=True).pvalue = 0.01159970088659476
  assertClose(student.results[1].pValue, 0.01159970088659476);
  assert.equal(student.results[1].pValueAdjusted, undefined);
  const mwu = r.getHypothesis("mwu")!;
  // scipy.stats.mannwhitneyu(strong, baseline) -> statistic 24.0, pvalue 0.015873015873015872 (exact)
  assert.equal(mwu.results[1].statistic, 24);
  assertClose(mwu.results[1].pValue, 0.015873015873015872);
  assert.ok(mwu.results.every((v) => typeof v.pValueAdjusted === "number"));
  assert.equal(r.getHypothesis("largest_effect")!.ranking.best, "strong");
  assert.equal(r.getHypothesis("nope"), undefined);
});

Deno.test("hypothesis: a custom verifier sees {metric: number[]} samples of both conditions", async () => {
  const seen: unknown[] = [];
  const spy = verifier((baseline, treated, { tag }) => {
    seen.push({ tag, baseline, treated });
    return { pValue: treated.score[0] > baseline.score[0] ? 0.01 : 0.9, custom: tag };
  }, { name: "spy", params: { tag: "x" } });
  const r = await experimentWith([
    hypothesis({ name: "spy", verifier: spy({ tag: "y" }), metrics: "score" }),
  ])
    .run({ treatments: ["strong"] });
  assert.deepEqual(seen, [{
    tag: "y",
    baseline: { score: SAMPLES.baseline },
    treated: { score: SAMPLES.strong },
  }]);
  assert.deepEqual(r.getHypothesis("spy")!.results, [{
    pValue: 0.01,
    custom: "y",
    treatment: "strong",
  }]);
  assert.throws(
    () => spy({ tga: 1 } as never),
    /verifier 'spy' has no parameter 'tga'; it declares 'tag'/,
  );
});

Deno.test("hypothesis: a missing metric throws MissingMetricError naming it, with the result attached", async () => {
  const experiment = experimentWith([
    hypothesis({ name: "typo", verifier: stats.welch(), metrics: "scroe" }),
  ]);
  await assert.rejects(experiment.run(), (e: Error) => {
    assert.ok(e instanceof MissingMetricError);
    assert.equal(e.metric, "scroe");
    assert.match(
      e.message,
      /Hypothesis 'typo' needs metric 'scroe', but no replicate of 'baseline' recorded it; recorded metrics: 'score', 'label'/,
    );
    const result = e.result as { metrics: { baseline: { metrics: { score: number[] } } } };
    assert.deepEqual(result.metrics.baseline.metrics.score, SAMPLES.baseline);
    return true;
  });
});

Deno.test("hypothesis: non-numeric metrics and verifier failures are reported, results kept", async () => {
  await assert.rejects(
    experimentWith([hypothesis({ name: "labels", verifier: stats.welch(), metrics: "label" })])
      .run(),
    (e: Error) =>
      e instanceof HypothesisError &&
      /^Hypothesis 'labels': metric 'label' of 'baseline' must hold numbers, but value #0 is "r0"$/
        .test(e.message),
  );
  const broken = verifier(() => {
    throw new Error("verifier bug");
  }, { name: "broken" });
  await assert.rejects(
    experimentWith([hypothesis({ name: "b", verifier: broken(), metrics: "score" })]).run(),
    (e: Error) =>
      e instanceof HypothesisError && e.hypothesis === "b" &&
      /Hypothesis 'b' failed: verifier bug/.test(e.message) &&
      e.result !== undefined,
  );
  // A ready verifier needs one metric or an explicit choice.
  await assert.rejects(
    experimentWith([
      hypothesis({ name: "two", verifier: stats.welch(), metrics: ["score", "double"] }),
    ]).run(),
    /Hypothesis 'two' failed: welch tests one metric, but the hypothesis compares 2 \(score, double\); pass \{ metric: "\.\.\." \}/,
  );
  const chosen = await experimentWith([
    hypothesis({
      name: "two",
      verifier: stats.welch({ metric: "double" }),
      metrics: ["score", "double"],
    }),
  ]).run({ treatments: ["strong"] });
  // Doubling both samples leaves Welch's t unchanged.
  assertClose(chosen.getHypothesis("two")!.results[0].pValue, 0.012884900248373268);
});

Deno.test("hypothesis: treatments whose replicates all failed are left out of the verdicts", async () => {
  const sometimesFails = pipelineStep((x: number, ctx) => {
    if (ctx.condition === "weak") throw new Error("weak always fails");
    ctx.metrics.add("score", x);
    return x;
  }, { name: "sometimes_fails" });
  const r = await new Experiment({
    datasource: fixed(),
    pipeline: [sometimesFails()],
    plugins: [quiet()],
    treatments: [treatment("weak", {}), treatment("strong", {})],
    hypotheses: [hypothesis({ name: "h", verifier: stats.welch(), metrics: "score" })],
    replicates: 5,
  }).run();
  assert.deepEqual(r.getHypothesis("h")!.results.map((v) => v.treatment), ["strong"]);
  assert.equal(
    r.getHypothesis("h")!.results[0].pValueAdjusted,
    undefined,
    "one treatment: no correction",
  );
  assert.equal(r.errors.length, 5);
});

Deno.test("hypothesis: ranking puts NaN scores last and keeps order on ties", async () => {
  const constant = verifier((_b, t) => ({ pValue: t.score[0] > 2.5 ? NaN : 0.5 }), {
    name: "constant",
  });
  const r = await experimentWith([
    hypothesis({ name: "h", verifier: constant(), metrics: "score", correction: "none" }),
  ])
    .run({ treatments: ["strong", "weak", treatment("again", {})], replicates: 1 });
  // "again" has no samples in SAMPLES: its datasource fails, so it is not ranked.
  assert.deepEqual(r.getHypothesis("h")!.ranking.ranked.map((x) => x.treatment), [
    "weak",
    "strong",
  ]);
  assert.deepEqual(r.errors.map((e) => [e.condition, e.step]), [["again", "datasource"]]);
});
