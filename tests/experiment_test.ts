import assert from "node:assert/strict";
import {
  BasePlugin,
  type DataSource,
  dataSource,
  Experiment,
  ExperimentInput,
  type FrozenContext,
  hypothesis,
  LoggingPlugin,
  type LogRecord,
  Pipeline,
  type PipelineStep,
  pipelineStep,
  type ProgressEvent,
  type Result,
  SeedPlugin,
  treatment,
  ValidationError,
} from "../mod.ts";
import { addDelta, boostTotal, fetchNumbers, trackSum, welchTTest } from "./fixtures/tutorial.ts";

const quiet = () => new LoggingPlugin({ level: "silent" });

function tutorial(replicates = 4) {
  return Experiment.builder("tutorial")
    .datasource(fetchNumbers())
    .addStep(addDelta())
    .addStep(trackSum())
    .plugins([quiet()])
    .treatments([boostTotal])
    .replicates(replicates)
    .build();
}

Deno.test("run: baseline and treatment metrics, one value per replicate", async () => {
  const result = await tutorial(5).run();
  assert.deepEqual(result.metrics.baseline.metrics.total, [0, 0, 0, 0, 0]);
  assert.deepEqual(result.metrics.treatments.boost_total.metrics.total, [30, 30, 30, 30, 30]);
  assert.deepEqual(result.errors, []);
  assert.equal(result.provenance.replicates, 5);
});

Deno.test("run({replicates}) overrides for that run only", async () => {
  const experiment = tutorial(16);
  const result = await experiment.run({ replicates: 32 });
  assert.equal(result.metrics.baseline.metrics.total.length, 32);
  assert.equal(result.provenance.replicates, 32);
  assert.equal(experiment.replicates, 16);
  assert.equal((await experiment.run()).metrics.baseline.metrics.total.length, 16);
});

Deno.test("run({treatments}) selects treatments by instance or name; [] runs the baseline only", async () => {
  const other = treatment("other", { delta: 1 });
  const experiment = Experiment.builder("sel").datasource(fetchNumbers()).addStep(addDelta())
    .addStep(trackSum())
    .plugins([quiet()]).treatments([boostTotal, other]).replicates(2).build();
  assert.deepEqual(Object.keys((await experiment.run()).metrics.treatments), [
    "boost_total",
    "other",
  ]);
  assert.deepEqual(
    Object.keys((await experiment.run({ treatments: ["other"] })).metrics.treatments),
    ["other"],
  );
  assert.deepEqual(Object.keys((await experiment.run({ treatments: [] })).metrics.treatments), []);
  const adHoc = await experiment.run({ treatments: [treatment("adhoc", { delta: 2 })] });
  assert.deepEqual(adHoc.metrics.treatments.adhoc.metrics.total, [6, 6]);
  await assert.rejects(
    experiment.run({ treatments: ["nope"] }),
    /unknown treatment 'nope'; the experiment has 'boost_total', 'other'/,
  );
});

Deno.test("treatments: function treatments, nested merges and a 'baseline' treatment", async () => {
  const read = pipelineStep((_d: unknown, ctx) => {
    ctx.metrics.add("lr", ctx.get<{ lr: number }>("model").lr);
    ctx.metrics.add("depth", ctx.get<{ depth: number }>("model").depth);
    ctx.metrics.add("delta", ctx.get("delta", 0));
    return null;
  }, { name: "read" });
  const experiment = new Experiment({
    name: "merge",
    datasource: fetchNumbers(),
    pipeline: [read()],
    initialContext: { model: { lr: 0.01, depth: 2 } },
    plugins: [quiet()],
    treatments: [
      treatment("fast", { model: { lr: 0.1 } }),
      treatment("dynamic", (ctx) => ctx.add("delta", ctx.get("delta", 0) + 1)),
      treatment("baseline", { delta: 5 }),
    ],
  });
  const r = await experiment.run();
  assert.deepEqual(r.metrics.baseline.metrics, { lr: [0.01], depth: [2], delta: [5] });
  assert.deepEqual(r.metrics.treatments.fast.metrics, { lr: [0.1], depth: [2], delta: [0] });
  assert.deepEqual(r.metrics.treatments.dynamic.metrics, { lr: [0.01], depth: [2], delta: [1] });
  assert.deepEqual(Object.keys(r.metrics.treatments), ["fast", "dynamic"]);
});

Deno.test("treatment(): callable returns itself; bad values are refused", () => {
  assert.equal(boostTotal(), boostTotal);
  assert.equal(boostTotal.name, "boost_total");
  assert.deepEqual(boostTotal.values, { delta: 10 });
  assert.throws(
    () => treatment("t", { replicate: 1 }),
    /sets 'replicate', which the framework sets itself/,
  );
  assert.throws(() => treatment("", {}), /non-empty name/);
});

Deno.test("a replicate that throws is recorded with condition, replicate, step and stack; others finish", async () => {
  const flaky = pipelineStep((data: number[], ctx) => {
    if (ctx.replicate === 1 && ctx.condition === "boost_total") {
      throw new RangeError("bad replicate");
    }
    return data;
  }, { name: "flaky" });
  const experiment = Experiment.builder("flaky").datasource(fetchNumbers()).addStep(addDelta())
    .addStep(flaky())
    .addStep(trackSum()).plugins([quiet()]).treatments([boostTotal]).replicates(3).build();
  const r = await experiment.run();
  assert.deepEqual(r.metrics.baseline.metrics.total, [0, 0, 0]);
  assert.deepEqual(r.metrics.treatments.boost_total.metrics.total, [30, 30]);
  assert.equal(r.errors.length, 1);
  const [e] = r.errors;
  assert.deepEqual([e.condition, e.replicate, e.step, e.name, e.message], [
    "boost_total",
    1,
    "flaky",
    "RangeError",
    "bad replicate",
  ]);
  assert.match(e.stack ?? "", /experiment_test\.ts/);
  assert.equal(r.provenance.timings.conditions.boost_total.failed, 1);
});

Deno.test("failures in datasource, treatment and hooks name where they happened", async () => {
  const failingSource = dataSource((ctx) => {
    if (ctx.replicate === 0) throw new Error("no data for 0");
    return [1];
  }, { name: "failing_source" });
  class Grumpy extends BasePlugin {
    override beforeStep(_e: Experiment, _s: PipelineStep, ctx: FrozenContext) {
      if (ctx.replicate === 1) throw new Error("grumpy hook");
    }
  }
  const experiment = new Experiment({
    name: "where",
    datasource: failingSource(),
    pipeline: [trackSum()],
    plugins: [quiet(), new Grumpy()],
    treatments: [treatment("broken", () => {
      throw new Error("cannot apply");
    })],
    replicates: 2,
  });
  const r = await experiment.run();
  assert.deepEqual(
    r.errors.map((e) => [e.condition, e.replicate, e.step, e.message]),
    [
      ["baseline", 0, "datasource", "no data for 0"],
      ["broken", 0, "treatment", "cannot apply"],
      ["baseline", 1, "plugin Grumpy.beforeStep", "grumpy hook"],
      ["broken", 1, "treatment", "cannot apply"],
    ],
  );
});

Deno.test("validate(): lists every problem with its fix", () => {
  assert.throws(() => Experiment.builder("empty").replicates(0).build(), (e: Error) => {
    assert.ok(e instanceof ValidationError);
    assert.equal(e.problems.length, 3);
    assert.match(e.message, /Experiment 'empty' is not valid/);
    assert.match(e.message, /no datasource: set one with \.datasource/);
    assert.match(e.message, /no pipeline steps: add at least one with \.addStep/);
    assert.match(e.message, /replicates must be a whole number from 1 to 1000000, got 0/);
    return true;
  });
  assert.throws(
    () =>
      Experiment.builder("dups").datasource(fetchNumbers()).addStep(trackSum())
        .treatments([treatment("a", {}), treatment("a", { x: 1 })])
        .hypotheses([
          hypothesis({ name: "h", verifier: welchTTest() }),
          hypothesis({ name: "h", verifier: welchTTest() }),
        ])
        .build(),
    /two treatments are named 'a'[\s\S]*two hypotheses are named 'h'/,
  );
  assert.throws(
    () => hypothesis({ name: "h", verifier: welchTTest as never }),
    /needs a verifier instance.*call the factory/,
  );
});

Deno.test("validate(): warns when a treatment sets a key no step reads (fixed explicitly, or undeclared)", async () => {
  const records: LogRecord[] = [];
  const fixed = () =>
    Experiment.builder("fixed").datasource(fetchNumbers())
      .addStep(addDelta({ delta: 0 })).addStep(trackSum())
      .plugins([new LoggingPlugin({ sink: (r) => records.push(r) })])
      .treatments([treatment("boost", { delta: 1 }), treatment("typo", { delat: 1 })])
      .build();
  // run({ treatments }) warns about the treatments it runs, not the ones it leaves out.
  await fixed().run({ treatments: [] });
  assert.deepEqual(records.filter((r) => r.level === "warn"), []);
  const experiment = fixed();
  const warnings = experiment.validate();
  assert.deepEqual(warnings.map((w) => [w.treatment, w.key]), [["boost", "delta"], [
    "typo",
    "delat",
  ]]);
  assert.equal(
    warnings[0].message,
    "treatment 'boost' sets 'delta', but step 'add_delta' fixes it explicitly, so the treatment changes nothing; " +
      "call the factory of step 'add_delta' without delta (it is given { delta: 0 }) so the treatment can set it",
  );
  assert.equal(
    warnings[1].message,
    "treatment 'typo' sets 'delat', but no step or datasource declares it as a parameter or reads it in its code, " +
      "so the treatment changes nothing; rename it to 'delta' if that was meant, declare it in a step's params, " +
      "or remove it from treatment 'typo'",
  );
  // Logged at warn through the experiment's logger, once however often it is validated or run.
  await experiment.run();
  await experiment.run();
  assert.deepEqual(
    records.filter((r) => r.level === "warn").map((r) => r.message),
    warnings.map((w) => `Experiment 'fixed': ${w.message}`),
  );

  // Read keys give no warning: an open parameter, a key read with ctx.get, a function treatment.
  const readsModel = pipelineStep((data: number[], ctx) => {
    ctx.metrics.add("lr", ctx.get<{ lr: number }>("model").lr);
    return data;
  }, { name: "reads_model" });
  const fine = Experiment.builder("fine").datasource(fetchNumbers()).addStep(addDelta())
    .addStep(readsModel()).addStep(addDelta({ delta: 0 })).plugins([quiet()])
    .initialContext({ model: { lr: 0 } })
    .treatments([
      treatment("boost", { delta: 1, model: { lr: 1 } }),
      treatment("dynamic", (ctx) => ctx.add("anything", 1)),
    ])
    .build();
  assert.deepEqual(fine.validate(), []);
  // Results that depend on the condition itself change with every treatment.
  const byCondition = pipelineStep((data: number[], ctx) => {
    ctx.metrics.add("treated", ctx.condition === "baseline" ? 0 : 1);
    return data;
  }, { name: "by_condition" });
  const either = (datasource: DataSource, step: PipelineStep) =>
    Experiment.builder("either").datasource(datasource).addStep(step).plugins([quiet()])
      .treatments([treatment("up", { unused: 1 })]).build().validate();
  assert.deepEqual(either(fetchNumbers(), byCondition()), []);
  assert.deepEqual(either(new ExperimentInput({ m: "producer#m.json" }), trackSum()), []);
  assert.equal(either(fetchNumbers(), trackSum()).length, 1);
});

Deno.test("run(): bad run options and hypotheses without treatments are refused before anything runs", async () => {
  let ran = false;
  const watch = pipelineStep((d: unknown) => {
    ran = true;
    return d;
  }, { name: "watch" });
  const experiment = Experiment.builder("opts").datasource(fetchNumbers()).addStep(watch())
    .plugins([quiet()]).hypotheses([hypothesis({ name: "h", verifier: welchTTest() })]).build();
  await assert.rejects(
    experiment.run(),
    /no treatment is run: add treatments or run with \{ hypotheses: \[\] \}/,
  );
  await assert.rejects(
    experiment.run({ hypotheses: [], replicates: 1.5 }),
    /replicates must be a whole number from 1 to 1000000, got 1.5/,
  );
  await assert.rejects(
    experiment.run({ hypotheses: [], seed: -1 }),
    /seed must be an integer in \[0, 2\^32\)/,
  );
  assert.equal(ran, false);
});

Deno.test("plugins: hooks fire in the documented order", async () => {
  const calls: string[] = [];
  class Recorder extends BasePlugin {
    override initHook() {
      calls.push("init");
    }
    override beforeRun() {
      calls.push("beforeRun");
    }
    override beforeReplicate(_e: Experiment, ctx: FrozenContext) {
      calls.push(`beforeReplicate(${ctx.replicate},${ctx.condition})`);
    }
    override beforeStep(_e: Experiment, step: PipelineStep) {
      calls.push(`beforeStep(${step.name})`);
    }
    override async afterStep(_e: Experiment, step: PipelineStep) {
      await Promise.resolve();
      calls.push(`afterStep(${step.name})`);
    }
    override afterRun(_e: Experiment, result: Result) {
      calls.push(`afterRun(${result.provenance.replicates})`);
    }
  }
  const experiment = Experiment.builder("hooks").datasource(fetchNumbers()).addStep(addDelta())
    .addStep(trackSum())
    .plugins([new Recorder(), quiet()]).treatments([boostTotal]).replicates(2).build();
  assert.deepEqual(calls, ["init"]);
  await experiment.run();
  const perCondition = (r: number, c: string) => [
    `beforeReplicate(${r},${c})`,
    "beforeStep(add_delta)",
    "afterStep(add_delta)",
    "beforeStep(track_sum)",
    "afterStep(track_sum)",
  ];
  assert.deepEqual(calls, [
    "init",
    "beforeRun",
    ...perCondition(0, "baseline"),
    ...perCondition(0, "boost_total"),
    ...perCondition(1, "baseline"),
    ...perCondition(1, "boost_total"),
    "afterRun(2)",
  ]);
});

Deno.test("plugins: defaults are appended, user plugins come first", () => {
  const experiment = Experiment.builder("defaults").datasource(fetchNumbers()).addStep(trackSum())
    .build();
  assert.deepEqual(experiment.plugins.map((p) => p.pluginName), ["SeedPlugin", "LoggingPlugin"]);
  const mine = new SeedPlugin({ seed: 5 });
  const custom = new Experiment({
    datasource: fetchNumbers(),
    pipeline: [trackSum()],
    plugins: [mine],
  });
  assert.equal(custom.getPlugin(SeedPlugin), mine);
  assert.equal(custom.name, "experiment");
});

Deno.test("seeds: replicate r gets (seed + r*31337) mod 2^32, the same for every condition", async () => {
  const seen = pipelineStep((_d: unknown, ctx) => {
    ctx.metrics.add("seed", ctx.seed ?? -1);
    ctx.metrics.add("draw", ctx.rng.random());
    return null;
  }, { name: "seen" });
  const experiment = Experiment.builder("seeds").datasource(fetchNumbers()).addStep(seen())
    .plugins([new SeedPlugin({ seed: 123 }), quiet()]).treatments([boostTotal]).replicates(3)
    .build();
  const r = await experiment.run();
  assert.deepEqual(r.metrics.baseline.metrics.seed, [123, 31460, 62797]);
  assert.deepEqual(r.metrics.treatments.boost_total.metrics.seed, [123, 31460, 62797]);
  assert.deepEqual(r.metrics.treatments.boost_total.metrics.draw, r.metrics.baseline.metrics.draw);
  assert.deepEqual(r.provenance.seeds, {
    baseline: [123, 31460, 62797],
    boost_total: [123, 31460, 62797],
  });
  assert.equal(r.provenance.seed, 123);
  assert.equal(r.provenance.seedDrawn, false);
  const high = new SeedPlugin({ seed: 2 ** 32 - 1 });
  assert.equal(high.seedFor(1), (2 ** 32 - 1 + 31337) % 2 ** 32);
  assert.deepEqual([0, 1, 2].map((i) => new SeedPlugin({ seed: 7, autoSeed: false }).seedFor(i)), [
    7,
    7,
    7,
  ]);
  const again = await experiment.run({ seed: 1 });
  assert.deepEqual(again.metrics.baseline.metrics.seed, [1, 31338, 62675]);
});

Deno.test("seeds: drawn at random when not given, recorded, and repeatable with run({seed})", async () => {
  const draw = pipelineStep((_d: unknown, ctx) => {
    ctx.metrics.add("x", ctx.rng.random());
    return null;
  }, { name: "draw" });
  const experiment = Experiment.builder("drawn").datasource(fetchNumbers()).addStep(draw()).plugins(
    [quiet()],
  )
    .replicates(3).build();
  const first = await experiment.run();
  assert.equal(first.provenance.seedDrawn, true);
  assert.equal(typeof first.provenance.seed, "number");
  const replay = await new Experiment({
    datasource: fetchNumbers(),
    pipeline: [draw()],
    plugins: [quiet()],
    replicates: 3,
  }).run({ seed: first.provenance.seed });
  assert.deepEqual(replay.metrics.baseline.metrics.x, first.metrics.baseline.metrics.x);
});

Deno.test("seedFn is called with each replicate's seed before the datasource", async () => {
  const seen: number[] = [];
  const experiment = Experiment.builder("seedfn").datasource(fetchNumbers()).addStep(trackSum())
    .plugins([new SeedPlugin({ seed: 10, seedFn: (s) => seen.push(s) }), quiet()]).replicates(2)
    .build();
  await experiment.run();
  assert.deepEqual(seen, [10, 10 + 31337]);
});

Deno.test("provenance: pipeline signature, strategy, timings, environment and git", async () => {
  const r = await tutorial(3).run();
  const p = r.provenance;
  assert.equal(p.experiment, "tutorial");
  assert.match(p.runId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(p.pipeline.steps.map((s) => s.name), ["add_delta", "track_sum"]);
  assert.match(p.pipeline.steps[0].codeHash, /^[0-9a-f]{64}$/);
  assert.equal(p.executionStrategy, "serial");
  assert.deepEqual(p.datasource, { name: "fetch_numbers", params: {} });
  assert.deepEqual(p.treatments, [{ name: "boost_total", values: { delta: 10 }, function: false }]);
  assert.deepEqual(p.timings.steps.map((s) => [s.step, s.calls]), [["add_delta", 6], [
    "track_sum",
    6,
  ]]);
  assert.ok(p.timings.steps.every((s) => s.meanMs >= 0 && s.maxMs >= s.meanMs));
  assert.deepEqual(p.timings.conditions.baseline.replicates, 3);
  assert.deepEqual(p.cache, { hits: 0, misses: 0, off: 0, steps: {} });
  assert.equal(p.environment.deno, Deno.version.deno);
  assert.equal(p.environment.os, Deno.build.os);
  const head = new Deno.Command("git", {
    args: ["rev-parse", "HEAD"],
    cwd: new URL(".", import.meta.url),
  }).outputSync();
  if (head.success) assert.equal(p.git?.commit, new TextDecoder().decode(head.stdout).trim());
  else assert.equal(p.git, undefined);
  assert.ok(!Number.isNaN(Date.parse(p.startedAt)));
});

Deno.test("result: toJSON round-trips through JSON and toString summarises", async () => {
  const experiment = Experiment.builder("summary").datasource(fetchNumbers()).addStep(addDelta())
    .addStep(trackSum())
    .plugins([quiet()]).treatments([boostTotal]).hypotheses([
      hypothesis({ name: "by_p", verifier: welchTTest(), metrics: "total" }),
    ]).replicates(3).build();
  const r = await experiment.run();
  const json = JSON.parse(JSON.stringify(r));
  assert.deepEqual(json.metrics, {
    baseline: { total: [0, 0, 0] },
    treatments: { boost_total: { total: [30, 30, 30] } },
  });
  assert.equal(json.hypotheses[0].name, "by_p");
  assert.equal(json.provenance.replicates, 3);
  const text = r.toString();
  assert.match(text, /Experiment 'summary': 3 replicates/);
  assert.match(text, /baseline\s+total\s+3\s+0 ± 0/);
  assert.match(text, /boost_total\s+total\s+3\s+30 ± 0/);
  assert.match(text, /Hypothesis 'by_p' on total: best \([^)]*\): boost_total/);
});

Deno.test("debug(): one serial replicate, verbose, no hypotheses, experiment unchanged", async () => {
  const experiment = Experiment.builder("dbg").datasource(fetchNumbers()).addStep(addDelta())
    .addStep(trackSum())
    .plugins([quiet()]).treatments([boostTotal]).hypotheses([
      hypothesis({ name: "h", verifier: welchTTest(), metrics: "total" }),
    ]).replicates(5).build();
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => lines.push(line);
  let r: Result;
  try {
    r = await experiment.debug("boost_total");
  } finally {
    console.error = original;
  }
  assert.deepEqual(r.metrics.baseline.metrics.total, [0]);
  assert.deepEqual(r.metrics.treatments.boost_total.metrics.total, [30]);
  assert.deepEqual(r.hypotheses, []);
  assert.ok(
    lines.some((l) => /DEBUG Replicate 0 of 'boost_total' finished step add_delta/.test(l)),
    lines.join("\n"),
  );
  assert.equal(experiment.plugins.length, 2);
  assert.equal(experiment.replicates, 5);
  assert.deepEqual(
    (await experiment.run({ hypotheses: [] })).metrics.baseline.metrics.total.length,
    5,
  );
});

Deno.test("apply(): one pass, with data or the datasource, with a treatment and async steps", async () => {
  const halve = pipelineStep(async (d: number[]) => {
    await Promise.resolve();
    return d.map((x) => x / 2);
  }, { name: "halve" });
  const experiment = new Experiment({
    datasource: fetchNumbers(),
    pipeline: new Pipeline([addDelta(), halve()]),
    plugins: [quiet()],
    treatments: [boostTotal],
  });
  assert.deepEqual(await experiment.apply(), [0, 0, 0]);
  assert.deepEqual(await experiment.apply([2, 4]), [1, 2]);
  assert.deepEqual(await experiment.apply(undefined, { treatment: "boost_total" }), [5, 5, 5]);
  assert.deepEqual(await experiment.apply([0], { treatment: treatment("t", { delta: -2 }) }), [-1]);
  const failing = new Experiment({
    datasource: fetchNumbers(),
    pipeline: [
      pipelineStep(() => {
        throw new Error("boom");
      }, { name: "boom" })(),
    ],
    plugins: [quiet()],
  });
  await assert.rejects(failing.apply(), /boom/);
});

Deno.test("events: typed stream of run, replicate and step events, with durations", async () => {
  const events: ProgressEvent[] = [];
  const r = await tutorial(2).run({ onEvent: (e) => events.push(e) });
  const types = events.map((e) => e.type);
  assert.equal(types[0], "run-started");
  assert.equal(types.at(-1), "run-finished");
  const started = events.filter((e) => e.type === "replicate-started");
  const finished = events.filter((e) => e.type === "replicate-finished");
  assert.equal(started.length, 4);
  assert.equal(finished.length, 4);
  const steps = events.filter((e) => e.type === "step-finished");
  assert.equal(steps.length, 8);
  for (const e of steps) {
    assert.ok(e.type === "step-finished" && e.durationMs >= 0 && e.cache === "off");
    assert.equal(e.runId, r.provenance.runId);
  }
  const first = events[0];
  assert.ok(first.type === "run-started");
  assert.deepEqual([first.replicates, first.conditions, first.strategy], [2, [
    "baseline",
    "boost_total",
  ], "serial"]);
  const end = events.at(-1);
  assert.ok(end?.type === "run-finished" && end.errors === 0 && end.replicates === 2);
});

Deno.test("events: failures emit an error event; plugins can subscribe to some types only", async () => {
  const seen: string[] = [];
  class OnlyErrors extends BasePlugin {
    override readonly eventTypes = ["error"] as const;
    override onEvent(e: ProgressEvent) {
      seen.push(
        e.type === "error" ? `${e.condition}:${e.replicate}:${e.step}:${e.message}` : e.type,
      );
    }
  }
  const boom = pipelineStep((d: unknown, ctx) => {
    if (ctx.replicate === 1) throw new Error("nope");
    return d;
  }, { name: "boom" });
  const experiment = Experiment.builder("ev").datasource(fetchNumbers()).addStep(boom())
    .plugins([new OnlyErrors(), quiet()]).replicates(3).build();
  await experiment.run();
  assert.deepEqual(seen, ["baseline:1:boom:nope"]);
});

Deno.test("events: a listener that throws does not break the run", async () => {
  const r = await tutorial(2).run({
    onEvent: () => {
      throw new Error("listener bug");
    },
  });
  assert.deepEqual(r.metrics.baseline.metrics.total, [0, 0]);
});

Deno.test("LoggingPlugin: failed replicates are logged at warn, summaries at info", async () => {
  const records: { level: string; message: string }[] = [];
  const boom = pipelineStep(() => {
    throw new Error("kaput");
  }, { name: "boom" });
  const experiment = Experiment.builder("logged").datasource(fetchNumbers()).addStep(boom())
    .plugins([new LoggingPlugin({ level: "info", sink: (r) => records.push(r) })]).build();
  await experiment.run();
  assert.deepEqual(records.map((r) => r.level), ["info", "warn", "info"]);
  assert.match(records[0].message, /Experiment 'logged' starting/);
  assert.match(records[1].message, /Replicate 0 of 'baseline' failed in boom: kaput/);
  assert.match(records[2].message, /finished in/);
});

Deno.test("ctx.logger writes through the experiment's LoggingPlugin, tagged", async () => {
  const records: { message: string; fields: Record<string, unknown> }[] = [];
  const talk = pipelineStep((d: unknown, ctx) => {
    ctx.logger.info("hello from step");
    return d;
  }, { name: "talk" });
  await Experiment.builder("talk").datasource(fetchNumbers()).addStep(talk())
    .plugins([new LoggingPlugin({ level: "info", sink: (r) => records.push(r) })]).replicates(1)
    .build().run();
  const mine = records.find((r) => r.message === "hello from step");
  assert.deepEqual(mine?.fields, { replicate: 0, condition: "baseline" });
});

Deno.test("run(): a misspelt treatment with hypotheses reports the name once, not also 'no treatment is run'", async () => {
  const experiment = new Experiment({
    name: "typo",
    datasource: fetchNumbers(),
    pipeline: [addDelta(), trackSum()],
    treatments: [boostTotal()],
    hypotheses: [hypothesis({ name: "h", verifier: welchTTest(), metrics: "total" })],
  });
  await assert.rejects(
    experiment.run({ treatments: ["boost_totl"] }),
    (e: unknown) =>
      e instanceof ValidationError && e.problems.length === 1 &&
      /unknown treatment 'boost_totl'/.test(e.problems[0]),
  );
});
