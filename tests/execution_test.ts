import assert from "node:assert/strict";
import {
  AsyncExecution,
  BasePlugin,
  dataSource,
  Experiment,
  LoggingPlugin,
  type LoopContext,
  ParallelExecution,
  pipelineStep,
  type ReplicateFunction,
  type ReplicateOutcome,
  RunCancelledError,
  SeedPlugin,
  SerialExecution,
  treatment,
} from "../mod.ts";

const quiet = () => new LoggingPlugin({ level: "silent" });

// A stochastic pipeline whose async step awaits a random delay between two
// random draws: replicates interleave differently under every strategy, so
// equal metrics prove the randomness is per replicate, not shared.
const noisyRows = dataSource(
  (ctx, { n }) => Array.from({ length: n }, () => ctx.rng.normal(0, 1)),
  {
    name: "noisy_rows",
    params: { n: 5 },
  },
);
const jitter = pipelineStep(async (rows: number[], ctx, { scale }) => {
  const first = ctx.rng.random();
  await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)));
  const second = ctx.rng.int(0, 100);
  return rows.map((x) => x * scale + first + second);
}, { name: "jitter", params: { scale: 1 } });
const summarise = pipelineStep((rows: number[], ctx) => {
  ctx.metrics.add("mean", rows.reduce((a, b) => a + b, 0) / rows.length);
  ctx.metrics.add("max", Math.max(...rows));
  return rows;
}, { name: "summarise" });

function stochastic(execution: BasePlugin, seed = 2024) {
  return new Experiment({
    name: "stochastic",
    datasource: noisyRows(),
    pipeline: [jitter(), summarise()],
    plugins: [execution, new SeedPlugin({ seed }), quiet()],
    treatments: [treatment("scaled", { scale: 3 }), treatment("wide", { n: 9 })],
    replicates: 12,
  });
}

Deno.test("reproducibility: serial, async and thread runs give bit-identical metrics", async () => {
  const strategies = [
    new SerialExecution(),
    new AsyncExecution(),
    new AsyncExecution({ concurrency: 3 }),
    new ParallelExecution({ executorType: "thread", maxWorkers: 4 }),
    new ParallelExecution({ maxWorkers: 1 }),
  ];
  const results = [];
  for (const s of strategies) results.push(await stochastic(s).run());
  const reference = JSON.stringify(results[0].toJSON().metrics);
  for (const r of results.slice(1)) {
    assert.equal(JSON.stringify(r.toJSON().metrics), reference, r.provenance.executionStrategy);
    assert.deepEqual(r.provenance.seeds, results[0].provenance.seeds);
  }
  // Two runs of the same seed agree, another seed does not.
  assert.equal(
    JSON.stringify((await stochastic(new SerialExecution()).run()).toJSON().metrics),
    reference,
  );
  assert.notEqual(
    JSON.stringify((await stochastic(new SerialExecution(), 7).run()).toJSON().metrics),
    reference,
  );
  assert.deepEqual(results.map((r) => r.provenance.executionStrategy), [
    "serial",
    "async(concurrency=Infinity)",
    "async(concurrency=3)",
    "thread(maxWorkers=4)",
    "thread(maxWorkers=1)",
  ]);
});

function concurrencyProbe(execution: BasePlugin, replicates: number) {
  let inFlight = 0, peak = 0;
  const wait = pipelineStep(async (d: unknown, ctx) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 5 + (ctx.replicate % 3)));
    inFlight--;
    ctx.metrics.add("replicate", ctx.replicate);
    return d;
  }, { name: "wait" });
  const experiment = new Experiment({
    datasource: dataSource(() => 0)(),
    pipeline: [wait()],
    plugins: [execution, quiet()],
    replicates,
  });
  return { experiment, peak: () => peak };
}

Deno.test("AsyncExecution: replicates overlap, bounded by concurrency, results in replicate order", async () => {
  const unbounded = concurrencyProbe(new AsyncExecution(), 20);
  const r = await unbounded.experiment.run();
  assert.equal(unbounded.peak(), 20);
  assert.deepEqual(r.metrics.baseline.metrics.replicate, Array.from({ length: 20 }, (_, i) => i));
  const bounded = concurrencyProbe(new AsyncExecution({ concurrency: 4 }), 20);
  const rb = await bounded.experiment.run();
  assert.equal(bounded.peak(), 4);
  assert.deepEqual(rb.metrics.baseline.metrics.replicate, Array.from({ length: 20 }, (_, i) => i));
});

Deno.test("ParallelExecution thread: maxWorkers caps concurrency; serial runs one at a time", async () => {
  const threads = concurrencyProbe(
    new ParallelExecution({ executorType: "thread", maxWorkers: 3 }),
    12,
  );
  await threads.experiment.run();
  assert.equal(threads.peak(), 3);
  const serial = concurrencyProbe(new SerialExecution(), 6);
  await serial.experiment.run();
  assert.equal(serial.peak(), 1);
});

Deno.test("ParallelExecution: bad options are refused", () => {
  assert.throws(
    () => new ParallelExecution({ executorType: "fork" as never }),
    /must be "thread" or "process"/,
  );
  assert.throws(
    () => new ParallelExecution({ maxWorkers: 0 }),
    /'maxWorkers' must be a positive integer/,
  );
  assert.throws(
    () => new AsyncExecution({ concurrency: 2.5 }),
    /'concurrency' must be a positive integer/,
  );
});

Deno.test("a custom runExperimentLoop replaces the loop; the last one wins; undefined falls back to serial", async () => {
  const order: number[] = [];
  class Reversed extends BasePlugin {
    override readonly executionStrategy = "reversed";
    override async runExperimentLoop(_e: Experiment, fn: ReplicateFunction, loop: LoopContext) {
      const out: ReplicateOutcome[] = [];
      for (let i = loop.replicates - 1; i >= 0; i--) {
        order.push(i);
        out[i] = await fn(i);
      }
      return out;
    }
  }
  class Declines extends BasePlugin {
    override runExperimentLoop() {
      return undefined;
    }
  }
  const record = pipelineStep((d: unknown, ctx) => {
    ctx.metrics.add("r", ctx.replicate);
    return d;
  }, { name: "record" });
  const make = (plugins: BasePlugin[]) =>
    new Experiment({
      datasource: dataSource(() => 0)(),
      pipeline: [record()],
      plugins: [...plugins, quiet()],
      replicates: 4,
    });
  const r = await make([new SerialExecution(), new Reversed()]).run();
  assert.deepEqual(order, [3, 2, 1, 0]);
  assert.deepEqual(r.metrics.baseline.metrics.r, [0, 1, 2, 3]);
  assert.equal(r.provenance.executionStrategy, "reversed");
  const fallback = await make([new Declines()]).run();
  assert.deepEqual(fallback.metrics.baseline.metrics.r, [0, 1, 2, 3]);
});

Deno.test("cancel: an aborted signal stops new replicates and reports what finished", async () => {
  for (const execution of [new SerialExecution(), new AsyncExecution({ concurrency: 2 })]) {
    const controller = new AbortController();
    const slow = pipelineStep(async (d: unknown, ctx) => {
      if (ctx.replicate === 2) controller.abort(new Error("user cancelled"));
      await new Promise((r) => setTimeout(r, 2));
      ctx.metrics.add("done", ctx.replicate);
      return d;
    }, { name: "slow" });
    let started = 0;
    const experiment = new Experiment({
      datasource: dataSource(() => {
        started++;
        return 0;
      })(),
      pipeline: [slow()],
      plugins: [execution, quiet()],
      replicates: 50,
    });
    const run = experiment.run({ signal: controller.signal });
    await assert.rejects(run, (e: Error) => {
      assert.ok(e instanceof RunCancelledError);
      assert.match(e.message, /was cancelled after \d+ of 50 replicates/);
      const done = e.result.metrics.baseline.metrics.done;
      assert.deepEqual(done, Array.from({ length: done.length }, (_, i) => i));
      assert.ok(done.length >= 2 && done.length < 50);
      return true;
    });
    assert.ok(started < 10, `${execution.executionStrategy} started ${started}`);
  }
  // An already-aborted signal starts nothing.
  let calls = 0;
  const never = new Experiment({
    datasource: dataSource(() => ++calls)(),
    pipeline: [pipelineStep((d: number) => d, { name: "id" })()],
    plugins: [quiet()],
    replicates: 5,
  });
  await assert.rejects(
    never.run({ signal: AbortSignal.abort() }),
    /cancelled after 0 of 5 replicates/,
  );
  assert.equal(calls, 0);
});

Deno.test("cancel: steps see ctx.signal and the serial loop yields so a timer can abort a sync run", async () => {
  const controller = new AbortController();
  const spin = pipelineStep((d: unknown, ctx) => {
    const until = performance.now() + 2;
    while (performance.now() < until && !ctx.signal.aborted) { /* busy */ }
    return d;
  }, { name: "spin" });
  const experiment = new Experiment({
    datasource: dataSource(() => 0)(),
    pipeline: [spin()],
    plugins: [quiet()],
    replicates: 100_000,
  });
  setTimeout(() => controller.abort(), 100);
  const started = performance.now();
  await assert.rejects(experiment.run({ signal: controller.signal }), RunCancelledError);
  assert.ok(
    performance.now() - started < 5_000,
    "the serial loop must yield to let the abort timer fire",
  );
});

Deno.test("experiment.run() refuses to start inside a worker, telling the user to guard it", async () => {
  const url = new URL("./fixtures/run_at_import.ts", import.meta.url).href;
  const worker = new Worker(new URL("./fixtures/import_in_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const message = await new Promise<string>((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage(url);
  });
  worker.terminate();
  assert.match(message, /experiment\.run\(\) was called while a worker imported/);
  assert.match(message, /guard the call with `if \(import\.meta\.main\)/);
});

Deno.test("timeoutMs in one isolate: ctx.signal aborts awaiting steps, step boundaries stop sync pipelines", async () => {
  // In one isolate the limit is cooperative; the error names the step that used up the time.
  const waits = pipelineStep(async (d: unknown, ctx) => {
    if (ctx.replicate === 1) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 5_000);
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        });
      });
    }
    ctx.metrics.add("r", ctx.replicate);
    return d;
  }, { name: "waits" });
  const started = performance.now();
  const asyncRun = await new Experiment({
    datasource: dataSource(() => 0)(),
    pipeline: [waits()],
    plugins: [new AsyncExecution(), quiet()],
    replicates: 3,
  }).run({ timeoutMs: 50 });
  assert.ok(performance.now() - started < 2_000);
  assert.deepEqual(asyncRun.metrics.baseline.metrics.r, [0, 2]);
  assert.deepEqual(asyncRun.errors.map((e) => [e.replicate, e.step, e.name, e.message]), [
    [1, "waits", "TimeoutError", "replicate 1 ran longer than timeoutMs=50"],
  ]);

  const busy = pipelineStep((d: unknown, ctx) => {
    if (ctx.replicate === 0) {
      const until = performance.now() + 80;
      while (performance.now() < until) { /* busy */ }
    }
    return d;
  }, { name: "busy" });
  const after = pipelineStep((d: unknown, ctx) => {
    ctx.metrics.add("after", ctx.replicate);
    return d;
  }, { name: "after" });
  const syncRun = await new Experiment({
    datasource: dataSource(() => 0)(),
    pipeline: [busy(), after()],
    plugins: [quiet()],
    replicates: 2,
  }).run({ timeoutMs: 40 });
  assert.deepEqual(syncRun.metrics.baseline.metrics.after, [1]);
  assert.deepEqual(syncRun.errors.map((e) => [e.replicate, e.step, e.name]), [[
    0,
    "busy",
    "TimeoutError",
  ]]);
});

Deno.test("context values are deep-frozen under every strategy: a step changing one fails the same way", async () => {
  const { fast, one, tweakLayers, tweakModel } = await import("./fixtures/workers/mutating.ts");
  const strategies: [string, () => BasePlugin][] = [
    ["serial", () => new SerialExecution()],
    ["async", () => new AsyncExecution()],
    ["thread", () => new ParallelExecution({ executorType: "thread", maxWorkers: 2 })],
    // One worker runs every replicate: a change that got through would carry into the next one.
    ["process", () => new ParallelExecution({ executorType: "process", maxWorkers: 1 })],
  ];
  for (const step of [tweakModel, tweakLayers]) {
    const seen: string[] = [];
    for (const [strategy, execution] of strategies) {
      const result = await new Experiment({
        name: "mutating",
        datasource: one(),
        pipeline: [step()],
        // An already-frozen object whose array is not: freezing must still reach the array.
        initialContext: { model: Object.freeze({ lr: 0.1, layers: [1, 2] }) },
        plugins: [execution(), quiet()],
        treatments: [fast],
        replicates: 3,
      }).run();
      assert.equal(
        result.errors.length,
        6,
        `${strategy}: every replicate of both conditions fails`,
      );
      for (const e of result.errors) {
        assert.equal(e.name, "TypeError", strategy);
        assert.equal(e.step, step().name, strategy);
      }
      assert.deepEqual(result.metrics.baseline.metrics.lr_after ?? [], [], strategy);
      seen.push(JSON.stringify(result.errors.map((e) => [e.condition, e.replicate, e.message])));
    }
    assert.equal(new Set(seen).size, 1, `same errors under every strategy:\n${seen.join("\n")}`);
  }
});
