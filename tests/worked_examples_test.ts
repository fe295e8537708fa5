/**
 * Worked examples 1 and 3-8 of the original's tutorials (spec/core-behaviour.md
 * §20), with the port's fixes of §21: treatments are callable, ranking is
 * `{best, ranked: [{treatment, score}]}`, keys are camelCase. Files on disk
 * belong to the persistence issue and are not checked here.
 */
import assert from "node:assert/strict";
import {
  AsyncExecution,
  dataSource,
  Experiment,
  GridSearchOptimizer,
  hypothesis,
  LoggingPlugin,
  ParallelExecution,
  pipelineStep,
  SeedPlugin,
  SerialExecution,
  stats,
  treatment,
} from "../mod.ts";
import { addDelta, boostTotal, fetchNumbers, trackSum, welchTTest } from "./fixtures/tutorial.ts";

const quiet = () => new LoggingPlugin({ level: "silent" });
const orderedByPValue = () =>
  hypothesis({
    name: "ordered_by_p_value",
    verifier: welchTTest(),
    metrics: "total",
    rankBy: (r) => r.pValue ?? 1,
  });

Deno.test("§20.1 Getting Started: thread-parallel demo with a hypothesis", async () => {
  const experiment = Experiment.builder("demo")
    .datasource(fetchNumbers())
    .addStep(addDelta())
    .addStep(trackSum())
    .plugins([new ParallelExecution({ maxWorkers: 4 }), quiet()])
    .treatments([boostTotal()])
    .hypotheses([orderedByPValue()])
    .replicates(10)
    .build();
  const result = await experiment.run();
  assert.deepEqual(result.metrics.baseline.metrics, { total: Array(10).fill(0) });
  assert.deepEqual(result.metrics.treatments.boost_total.metrics.total, Array(10).fill(30));
  const h = result.getHypothesis("ordered_by_p_value")!;
  assert.deepEqual(Object.keys(h.results[0]).sort(), ["pValue", "significant", "treatment"]);
  assert.equal(h.ranking.best, "boost_total");
  assert.deepEqual(h.ranking.ranked.map((r) => r.treatment), ["boost_total"]);
  assert.deepEqual(experiment.plugins.map((p) => p.pluginName), [
    "ParallelExecution",
    "LoggingPlugin",
    "SeedPlugin",
  ]);
});

Deno.test("§20.3 Adding Treatments: a value treatment and a function treatment", async () => {
  const dynamicDelta = treatment(
    "dynamic_delta",
    (ctx) => ctx.add("delta", ctx.get("delta", 0) + 1.0),
  );
  const result = await Experiment.builder("treatments")
    .datasource(fetchNumbers()).addStep(addDelta()).addStep(trackSum())
    .plugins([quiet()]).treatments([boostTotal(), dynamicDelta()]).replicates(12).build().run();
  assert.deepEqual(result.metrics.baseline.metrics.total, Array(12).fill(0));
  assert.deepEqual(result.metrics.treatments.boost_total.metrics.total, Array(12).fill(30));
  assert.deepEqual(result.metrics.treatments.dynamic_delta.metrics.total, Array(12).fill(3));
  assert.deepEqual(Object.keys(result.metrics.treatments), ["boost_total", "dynamic_delta"]);
});

Deno.test("§20.4 Verifying Hypotheses: zero-variance samples give p = 0 (scipy 1.17)", async () => {
  const result = await Experiment.builder("hypotheses")
    .datasource(fetchNumbers()).addStep(addDelta()).addStep(trackSum())
    .plugins([quiet()]).treatments([boostTotal]).hypotheses([orderedByPValue()]).replicates(16)
    .build().run();
  const h = result.getHypothesis("ordered_by_p_value")!;
  // scipy.stats.ttest_ind([30.0]*16, [0.0]*16, equal_var=False) -> statistic inf, pvalue 0.0
  assert.deepEqual(h.results, [{ pValue: 0, significant: true, treatment: "boost_total" }]);
  assert.deepEqual(h.ranking, {
    by: "lowest rankBy score",
    best: "boost_total",
    ranked: [{ treatment: "boost_total", score: 0 }],
  });
});

Deno.test("§20.5 Scaling: replicates override and the same metrics under every strategy", async () => {
  const build = (plugins: ConstructorParameters<typeof Experiment>[0]["plugins"]) =>
    new Experiment({
      name: "scaling_demo",
      datasource: fetchNumbers(),
      pipeline: [addDelta(), trackSum()],
      plugins: [...plugins!, quiet()],
      treatments: [boostTotal()],
      replicates: 16,
    });
  const serial = await build([new SerialExecution()]).run({ replicates: 32 });
  assert.equal(serial.metrics.baseline.metrics.total.length, 32);
  assert.equal(serial.provenance.replicates, 32);
  for (
    const plugin of [
      new ParallelExecution({ executorType: "thread", maxWorkers: 8 }),
      new AsyncExecution(),
    ]
  ) {
    const other = await build([plugin]).run({ replicates: 32 });
    assert.deepEqual(other.toJSON().metrics, serial.toJSON().metrics);
  }
  // The async tutorial: an async step awaited per replicate, 5 replicates.
  const urls = dataSource((ctx) => ({ url: `memory://item/${ctx.replicate}` }), {
    name: "fetch_urls",
  });
  const fetchRemote = pipelineStep(async (data: { url: string }, ctx) => {
    await new Promise((r) => setTimeout(r, 5));
    ctx.metrics.add("length", data.url.length);
    return { body: data.url };
  }, { name: "fetch_remote" });
  const asyncDemo = await Experiment.builder("async_demo").datasource(urls()).addStep(fetchRemote())
    .plugins([new AsyncExecution(), quiet()]).replicates(5).build().run();
  assert.deepEqual(asyncDemo.metrics.baseline.metrics.length, [15, 15, 15, 15, 15]);
});

const recordSum = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("sum", data.reduce((a, b) => a + b, 0));
  return data;
}, { name: "record_sum" });

Deno.test("§20.6 Parameter Optimization: grid search over delta", async () => {
  const experiment = Experiment.builder("optimization")
    .datasource(dataSource(() => [1, 2, 3], { name: "numbers" })())
    .addStep(addDelta()).addStep(recordSum()).plugins([quiet()]).build();
  const optimizer = new GridSearchOptimizer({ delta: [0.0, 1.0, 2.0] }, {
    metric: "sum",
    direction: "minimize",
  });
  const best = await experiment.optimize(optimizer, { numTrials: 3, replicatesPerTrial: 1 });
  assert.deepEqual(optimizer.results, [6, 9, 12]);
  assert.equal(optimizer.trialIndex, 3);
  assert.equal(best.name, "grid_best");
  assert.deepEqual(best.values, { delta: 0 });
  const maximize = new GridSearchOptimizer({ delta: [0, 1, 2] }, {
    metric: "sum",
    direction: "maximize",
  });
  assert.deepEqual((await experiment.optimize(maximize, { numTrials: 3 })).values, { delta: 2 });
  await assert.rejects(
    experiment.optimize(new GridSearchOptimizer({ delta: [0] }, { metric: "sum" }), {
      numTrials: 2,
    }),
    /all 1 combinations were tried; use numTrials <= 1/,
  );
  await assert.rejects(
    experiment.optimize(new GridSearchOptimizer({ delta: [0] }, { metric: "summ" }), {
      numTrials: 1,
    }),
    /trial 0 produced no numeric 'summ' values for treatment 'grid_0'/,
  );
});

Deno.test("GridSearchOptimizer: the last parameter varies fastest", () => {
  const grid = new GridSearchOptimizer({ a: [1, 2], b: ["x", "y"] }, { metric: "m" });
  assert.deepEqual(grid.combinations, [{ a: 1, b: "x" }, { a: 1, b: "y" }, { a: 2, b: "x" }, {
    a: 2,
    b: "y",
  }]);
  assert.throws(() => new GridSearchOptimizer({}, { metric: "m" }), /at least one parameter/);
  assert.throws(() => grid.getBestTreatment(), /no results yet/);
});

Deno.test("§20.7 The Full Workflow: optimise, validate with a hypothesis, apply", async () => {
  const experiment = Experiment.builder("full_workflow")
    .datasource(fetchNumbers()).addStep(addDelta()).addStep(trackSum()).plugins([quiet()]).build();
  const optimizer = new GridSearchOptimizer({ delta: [-1.0, 0.0, 1.0] }, { metric: "total" });
  const candidate = await experiment.optimize(optimizer, { numTrials: 3, replicatesPerTrial: 4 });
  assert.deepEqual(optimizer.results, [-3, 0, 3]);
  assert.deepEqual(candidate.values, { delta: -1 });
  const validation = await experiment.run({
    treatments: [candidate],
    hypotheses: [orderedByPValue()],
    replicates: 40,
  });
  assert.deepEqual(validation.metrics.treatments.grid_best.metrics.total, Array(40).fill(-3));
  const h = validation.getHypothesis("ordered_by_p_value")!;
  assert.equal(h.results[0].significant, true);
  assert.equal(h.ranking.best, "grid_best");
  assert.deepEqual(await experiment.apply(undefined, { treatment: candidate }), [-1, -1, -1]);
});

Deno.test("§20.8 Index quickstart: seeded randomness, thread-parallel, a significant treatment", async () => {
  const readDelta = pipelineStep(
    (data: number[], ctx) => data.map((x) => x + ctx.get("delta", 0.0)),
    { name: "add_delta" },
  );
  const addRandom = pipelineStep((data: number[], ctx) => data.map((x) => x + ctx.rng.random()), {
    name: "add_random",
  });
  const computeMetrics = pipelineStep((data: number[], ctx) => {
    ctx.metrics.add("result", data.reduce((a, b) => a + b, 0));
    return data;
  }, { name: "compute_metrics" });
  const addTen = treatment("add_ten_treatment", { delta: 10.0 });
  const run = () =>
    Experiment.builder("quickstart")
      .datasource(dataSource(() => [1, 2, 3], { name: "initial_data" })())
      .addStep(readDelta()).addStep(addRandom()).addStep(computeMetrics())
      .plugins([new SeedPlugin({ seed: 42 }), new ParallelExecution(), quiet()])
      .treatments([addTen()])
      .hypotheses([hypothesis({ name: "quickstart", verifier: stats.welch(), metrics: "result" })])
      .replicates(20).build().run();
  const result = await run();
  const [verdict] = result.getHypothesis("quickstart")!.results;
  assert.equal(verdict.treatment, "add_ten_treatment");
  assert.ok(verdict.pValue! < 1e-10, `p = ${verdict.pValue}`);
  assert.equal(verdict.significant, true);
  // Seeded: a second run reproduces every value.
  assert.deepEqual((await run()).toJSON().metrics, result.toJSON().metrics);
});

Deno.test("test-derived cases: datasource by replicate, and failing replicates recorded", async () => {
  const dummy = dataSource((ctx) => ctx.replicate + ctx.get("increment", 0), { name: "dummy" });
  const pass = pipelineStep((x: number, ctx) => {
    ctx.metrics.add("metric", x);
    return x;
  }, { name: "pass" });
  const r = await new Experiment({
    datasource: dummy(),
    pipeline: [pass()],
    plugins: [quiet()],
    treatments: [treatment("treat", { increment: 1 })],
    hypotheses: [hypothesis({ name: "h", verifier: stats.welch(), metrics: "metric" })],
    replicates: 2,
  }).run();
  assert.deepEqual(r.metrics.baseline.metrics.metric, [0, 1]);
  assert.deepEqual(r.metrics.treatments.treat.metrics.metric, [1, 2]);
  assert.equal(r.getHypothesis("h")?.ranking.best, "treat");
  const failingAfterTwo = dataSource((ctx) => {
    if (ctx.replicate > 2) throw new Error("fail");
    return ctx.replicate;
  }, { name: "failing_after_two" });
  const f = await new Experiment({
    datasource: failingAfterTwo(),
    pipeline: [pass()],
    plugins: [quiet()],
    replicates: 5,
  })
    .run();
  assert.deepEqual(f.metrics.baseline.metrics.metric, [0, 1, 2]);
  assert.deepEqual(f.errors.map((e) => [e.condition, e.replicate]), [["baseline", 3], [
    "baseline",
    4,
  ]]);
});
