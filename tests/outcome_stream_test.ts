// The execution-loop contract: outcomes reported to `loop.report` in any
// order, returned as an array (the older contract), or both; broken
// contracts fail the run with a LoopContractError naming the plugin.
import assert from "node:assert/strict";
import {
  ArtifactPlugin,
  BasePlugin,
  dataSource,
  Experiment,
  LoggingPlugin,
  type LoopContext,
  LoopContractError,
  pipelineStep,
  type ReplicateFunction,
  type ReplicateOutcome,
  type Result,
  SeedPlugin,
  treatment,
} from "../mod.ts";
import { ValueColumn } from "../src/run/value_column.ts";
import { tempDir } from "./temp_dir.ts";

const numbers = dataSource((ctx) => [1, 2, 3].map((x) => x + ctx.rng.normal(0, 1)), {
  name: "numbers",
});
const shift = pipelineStep((d: number[], _ctx, { delta }) => d.map((x) => x + delta), {
  name: "shift",
  params: { delta: 0 },
});
const summarise = pipelineStep((d: number[], ctx) => {
  if (ctx.replicate === 3 && ctx.condition === "boost") throw new Error("replicate 3 fails");
  ctx.metrics.add("sum", d.reduce((a, b) => a + b, 0));
  ctx.metrics.add("parity", ctx.replicate % 2 === 0 ? "even" : "odd");
  return d;
}, { name: "summarise" });

function experiment(plugins: BasePlugin[], outputDir?: string): Experiment {
  return new Experiment({
    name: "stream",
    datasource: numbers(),
    pipeline: [shift(), summarise()],
    treatments: [treatment("boost", { delta: 1 })],
    plugins: [...plugins, new SeedPlugin({ seed: 9 }), new LoggingPlugin({ level: "silent" })],
    replicates: 8,
    outputDir,
  });
}

/** What must not depend on how the loop hands outcomes over. */
const essence = (r: Result) =>
  JSON.stringify({
    metrics: r.metrics,
    seeds: r.provenance.seeds,
    errors: r.errors.map((e) => [e.condition, e.replicate, e.step, e.message]),
    calls: r.provenance.timings.steps.map((s) => s.calls),
  });

/** Runs every replicate first, then reports them last to first. */
class ReportsBackwards extends BasePlugin {
  override async runExperimentLoop(_e: unknown, fn: ReplicateFunction, loop: LoopContext) {
    const outcomes: ReplicateOutcome[] = [];
    for (let i = 0; i < loop.replicates; i++) outcomes.push(await fn(i));
    for (const outcome of outcomes.reverse()) loop.report(outcome);
  }
}

/** The older contract: returns every outcome in replicate order. */
class ReturnsAll extends BasePlugin {
  override async runExperimentLoop(_e: unknown, fn: ReplicateFunction, loop: LoopContext) {
    const outcomes: ReplicateOutcome[] = [];
    for (let i = 0; i < loop.replicates; i++) outcomes.push(await fn(i));
    return outcomes;
  }
}

/** Reports the even replicates and returns the odd ones. */
class ReportsSomeReturnsRest extends BasePlugin {
  override async runExperimentLoop(_e: unknown, fn: ReplicateFunction, loop: LoopContext) {
    const rest: ReplicateOutcome[] = [];
    for (let i = 0; i < loop.replicates; i++) {
      const outcome = await fn(i);
      if (i % 2 === 0) loop.report(outcome);
      else rest.push(outcome);
    }
    return rest;
  }
}

Deno.test("outcomes reported out of order, returned, or both give the serial run's result", async () => {
  const serial = essence(await experiment([]).run());
  for (const loop of [new ReportsBackwards(), new ReturnsAll(), new ReportsSomeReturnsRest()]) {
    assert.equal(essence(await experiment([loop]).run()), serial, loop.pluginName);
  }
});

Deno.test("a stored run whose loop reports out of order indexes its artifacts and resumes", async () => {
  await using dir = await tempDir("stream-store");
  const writes = pipelineStep((d: number[], ctx) => {
    ctx.artifacts.add("row.json", JSON.stringify(d));
    ctx.metrics.add("first", d[0]);
    return d;
  }, { name: "writes" });
  const stored = (replicates: number) =>
    new Experiment({
      name: "stream_store",
      datasource: numbers(),
      pipeline: [writes()],
      treatments: [treatment("boost", {})],
      plugins: [
        new ReportsBackwards(),
        new ArtifactPlugin(),
        new SeedPlugin({ seed: 3 }),
        new LoggingPlugin({ level: "silent" }),
      ],
      replicates,
      outputDir: dir.path,
    });
  const first = await stored(3).run();
  assert.deepEqual(
    first.artifacts["row.json"].boost,
    [0, 1, 2].map((r) => `${first.provenance.stored!.dir}/${r}/boost/row.json`),
  );
  const resumed = await stored(5).run({ strategy: "resume" });
  assert.deepEqual(resumed.provenance.stored?.reused, { baseline: 3, boost: 3 });
  assert.equal(resumed.metrics.baseline.metrics.first.length, 5);
  assert.deepEqual(
    resumed.metrics.baseline.metrics.first.slice(0, 3),
    first.metrics.baseline.metrics.first,
  );
  for (const path of resumed.artifacts["row.json"].baseline) Deno.statSync(path!);
});

/** A loop with a scripted bug. */
function buggy(name: string, run: (fn: ReplicateFunction, loop: LoopContext) => unknown) {
  const plugin = new (class extends BasePlugin {
    override runExperimentLoop(_e: unknown, fn: ReplicateFunction, loop: LoopContext) {
      return run(fn, loop) as undefined;
    }
  })();
  Object.defineProperty(plugin, "pluginName", { value: name });
  return plugin;
}

Deno.test("a loop that breaks the contract fails the run, naming the plugin and the replicate", async () => {
  const cases: [BasePlugin, RegExp][] = [
    [
      buggy("Twice", async (fn, loop) => {
        const outcome = await fn(0);
        loop.report(outcome);
        loop.report(outcome);
      }),
      /^Twice\.runExperimentLoop: reported replicate 0 twice; report each replicate's outcome once$/,
    ],
    [
      buggy("OutOfRange", async (fn, loop) => {
        const outcome = await fn(0);
        loop.report({ ...outcome, replicate: 8 });
      }),
      /^OutOfRange\.runExperimentLoop: reported an outcome for replicate 8, but the run has replicates 0\.\.7/,
    ],
    [
      buggy("Swallows", async (fn, loop) => {
        const outcome = await fn(0);
        loop.report(outcome);
        try {
          loop.report(outcome);
        } catch {
          // A loop that hides the error still fails the run.
        }
      }),
      /^Swallows\.runExperimentLoop: reported replicate 0 twice/,
    ],
    [
      buggy("NotAnArray", () => Promise.resolve(42)),
      /^NotAnArray\.runExperimentLoop returned number; report each outcome to loop\.report/,
    ],
  ];
  for (const [plugin, message] of cases) {
    const error = await experiment([plugin]).run().catch((e) => e);
    assert.ok(error instanceof LoopContractError, `${plugin.pluginName}: ${error}`);
    assert.match(error.message, message);
  }
});

Deno.test("a report after the loop returned is refused", async () => {
  let late: Promise<unknown> | undefined;
  const plugin = buggy("Late", (fn, loop) => {
    const outcome = fn(0) as ReplicateOutcome;
    // Caught at once: the run may still be finishing when the timer fires.
    late = new Promise((resolve) => setTimeout(resolve, 0))
      .then(() => loop.report(outcome))
      .then(() => undefined, (error: unknown) => error);
    for (let i = 1; i < loop.replicates; i++) loop.report(fn(i) as ReplicateOutcome);
  });
  const result = await experiment([plugin]).run();
  const error = await late;
  assert.ok(error instanceof LoopContractError);
  assert.match(
    error.message,
    /^Late\.runExperimentLoop: reported replicate 0 after its runExperimentLoop had returned/,
  );
  // What was reported in time is the result: replicate 0 never arrived.
  assert.deepEqual(result.provenance.seeds.baseline.length, 7);
});

Deno.test("ValueColumn gives back exactly what was appended, across chunks and a switch to plain values", () => {
  const column = new ValueColumn<number | string | null>();
  const expected: (number | string | null)[] = [];
  for (let i = 0; i < 40_000; i++) {
    const value = i === 5 ? -0 : i === 6 ? NaN : i === 7 ? 2 ** 53 + 2 : i % 7 === 0 ? i : i / 3;
    column.push(value);
    expected.push(value);
  }
  assert.equal(column.length, 40_000);
  assert.deepEqual(column.toArray(), expected);
  assert.ok(Object.is(column.toArray()[5], -0));
  column.push(null);
  column.push("text");
  expected.push(null, "text");
  assert.deepEqual(column.toArray(), expected);
  assert.equal(column.length, 40_002);
  assert.deepEqual(new ValueColumn().toArray(), []);
});
