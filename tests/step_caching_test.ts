/**
 * `run({ stepCaching })` and a graph's per-experiment `stepCachingOf` and
 * `strategies`: a step's caching chosen for one run, in this process and in
 * worker processes (which rebuild steps from their factories).
 */
import assert from "node:assert/strict";
import { Experiment, ExperimentGraph, ParallelExecution, SeedPlugin, treatment } from "../mod.ts";
import { calls, fixedNumbers, scale, summarize } from "./fixtures/cache/steps.ts";
import { tempDir } from "./temp_dir.ts";

function experiment(outputDir: string, name = "per_step", plugins: ParallelExecution[] = []) {
  return new Experiment({
    name,
    datasource: fixedNumbers(),
    pipeline: [scale(), summarize()],
    treatments: [treatment("double", { factor: 2 })],
    replicates: 3,
    outputDir,
    plugins: [...plugins, new SeedPlugin({ seed: 3 })],
  });
}

const reset = () => Object.keys(calls).forEach((k) => delete calls[k]);

Deno.test("stepCaching: false computes a cacheable step every time, true caches a step that is not", async () => {
  await using dir = await tempDir("step-caching");
  reset();
  const off = await experiment(dir.path).run({ stepCaching: { scale: false } });
  assert.equal(calls.scale, 6, "computed for every replicate of both conditions");
  assert.deepEqual(off.provenance.cache.steps, {}, "no step was cached");

  reset();
  const cold = await experiment(dir.path).run();
  // fixed input: one entry per condition (factor differs), the other replicates hit it
  assert.deepEqual(cold.provenance.cache.steps.scale, { hits: 4, misses: 2, off: 0 });
  reset();
  const warm = await experiment(dir.path).run({ stepCaching: { summarize: true } });
  assert.equal(calls.scale ?? 0, 0, "scale served from its cache");
  assert.deepEqual(warm.provenance.cache.steps.summarize, { hits: 0, misses: 6, off: 0 });
  reset();
  const again = await experiment(dir.path).run({ stepCaching: { scale: false, summarize: true } });
  assert.equal(calls.scale, 6, "scale recomputed though its entries exist");
  assert.equal(calls.summarize ?? 0, 0, "summarize served from the entries the last run wrote");
  assert.deepEqual(JSON.stringify(again.metrics), JSON.stringify(warm.metrics));
});

Deno.test("stepCaching: worker processes cache the steps as the run chose", async () => {
  await using dir = await tempDir("step-caching-workers");
  const workers = () => [new ParallelExecution({ executorType: "process", maxWorkers: 2 })];
  const cold = await experiment(dir.path, "per_step", workers()).run();
  assert.equal(cold.errors.length, 0, JSON.stringify(cold.errors));
  const off = await experiment(dir.path, "per_step", workers()).run({
    stepCaching: { scale: false, summarize: true },
  });
  assert.deepEqual(Object.keys(off.provenance.cache.steps), ["summarize"]);
  assert.equal(off.provenance.cache.steps.summarize.off, 0);
  assert.equal(
    off.provenance.cache.steps.summarize.hits + off.provenance.cache.steps.summarize.misses,
    6,
  );
});

Deno.test("stepCaching: a name no step has is refused, naming the steps", async () => {
  await using dir = await tempDir("step-caching-typo");
  await assert.rejects(
    experiment(dir.path).run({ stepCaching: { scael: false } }),
    /stepCaching names step 'scael', which the pipeline does not have; it has 'scale', 'summarize'/,
  );
});

Deno.test("graph: strategies and stepCachingOf per experiment", async () => {
  await using dir = await tempDir("step-caching-graph");
  const graph = new ExperimentGraph([experiment(dir.path, "one"), experiment(dir.path, "two")]);
  reset();
  await graph.run({ stepCachingOf: { one: { scale: false } } });
  assert.equal(calls.scale, 6 + 2, "one: every replicate; two: one miss per condition");
  await assert.rejects(
    graph.run({ strategies: { three: "rerun" } }),
    /strategies names 'three', which the graph does not have; it has 'one', 'two'/,
  );
});
