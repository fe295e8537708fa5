import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import {
  Experiment,
  LoggingPlugin,
  type LogRecord,
  ParallelExecution,
  pipelineStep,
  type Result,
  SeedPlugin,
  treatment,
} from "../mod.ts";
import type { DataSource, PipelineStep } from "../mod.ts";
import {
  calls,
  classy,
  fixedNumbers,
  jitter,
  noisyNumbers,
  scale,
  summarize,
} from "./fixtures/cache/steps.ts";
import { tempDir } from "./temp_dir.ts";

function experiment(
  outputDir: string,
  options: {
    datasource?: DataSource;
    steps?: PipelineStep[];
    warnings?: string[];
    plugins?: ParallelExecution[];
  } = {},
) {
  return new Experiment({
    ...experimentOptions(outputDir),
    ...(options.datasource === undefined ? {} : { datasource: options.datasource }),
    ...(options.steps === undefined ? {} : { pipeline: options.steps }),
    plugins: [
      ...(options.plugins ?? []),
      new SeedPlugin({ seed: 7 }),
      new LoggingPlugin({
        sink: (r: LogRecord) => options.warnings?.push(r.message),
      }),
    ],
  });
}

const reset = () => Object.keys(calls).forEach((k) => delete calls[k]);
const metricsOf = (r: Result) => JSON.stringify(r.metrics);

Deno.test("step cache: a warm re-run replays outputs, metrics, context keys, artifacts and the rng state", async () => {
  await using dir = await tempDir("cache-warm");
  reset();
  const uncached = await experiment(dir.path).run({ cache: false });
  assert.equal(calls.scale, 8);
  assert.deepEqual(uncached.provenance.cache.steps.scale, { hits: 0, misses: 0, off: 8 });

  reset();
  const cold = await experiment(dir.path).run();
  assert.equal(calls.scale, 8);
  assert.equal(calls.jitter, 8);
  assert.deepEqual(cold.provenance.cache.steps, {
    scale: { hits: 0, misses: 8, off: 0 },
    jitter: { hits: 0, misses: 8, off: 0 },
  });

  reset();
  const warm = await experiment(dir.path).run();
  assert.equal(calls.scale, undefined, "cached steps must not run again");
  assert.equal(calls.jitter, undefined);
  assert.equal(calls.summarize, 8, "uncached steps still run");
  assert.deepEqual(warm.provenance.cache, {
    hits: 16,
    misses: 0,
    off: 0,
    steps: { scale: { hits: 8, misses: 0, off: 0 }, jitter: { hits: 8, misses: 0, off: 0 } },
  });
  // Identical with and without the cache: metrics recorded inside the cached step
  // (scaled_sum), the context key it added (len_from_ctx) and the rng draws after it (total).
  assert.equal(metricsOf(warm), metricsOf(cold));
  assert.equal(metricsOf(warm), metricsOf(uncached));
  assert.deepEqual(warm.metrics.baseline.metrics.len_from_ctx, [3, 3, 3, 3]);
  assert.equal(warm.metrics.treatments.double.metrics.scaled_sum.length, 4);
});

Deno.test("step cache: injected treatment values are part of the key (no stale results across treatments)", async () => {
  await using dir = await tempDir("cache-injected");
  reset();
  const exp = experiment(dir.path, { datasource: fixedNumbers(), steps: [scale(), summarize()] });
  const first = await exp.run({ replicates: 1 });
  // factor 1 (baseline) and factor 2 (treatment) are two different entries.
  assert.deepEqual(first.metrics.baseline.metrics.scaled_sum, [6]);
  assert.deepEqual(first.metrics.treatments.double.metrics.scaled_sum, [12]);
  assert.equal(calls.scale, 2);
  // A new treatment value is a miss, never the factor-1 result.
  reset();
  const tripled = await exp.run({
    replicates: 1,
    treatments: [treatment("triple", { factor: 3 })],
  });
  assert.deepEqual(tripled.metrics.treatments.triple.metrics.scaled_sum, [18]);
  assert.deepEqual(tripled.provenance.cache.steps.scale, { hits: 1, misses: 1, off: 0 });
});

Deno.test("step cache: a step that draws no random numbers shares one entry across replicates", async () => {
  await using dir = await tempDir("cache-shared");
  reset();
  const exp = experiment(dir.path, { datasource: fixedNumbers(), steps: [scale(), summarize()] });
  const result = await exp.run({ replicates: 5, treatments: [] });
  assert.equal(calls.scale, 1, "same input and parameters: computed once");
  assert.deepEqual(result.provenance.cache.steps.scale, { hits: 4, misses: 1, off: 0 });
  assert.deepEqual(result.metrics.baseline.metrics.scaled_sum, [6, 6, 6, 6, 6]);
});

Deno.test("step cache: changed code, explicit params or an upstream step invalidate the entry", async () => {
  await using dir = await tempDir("cache-invalidate");
  const data = fixedNumbers();
  const run = (steps: PipelineStep[]) =>
    experiment(dir.path, { datasource: data, steps }).run({ replicates: 1, treatments: [] });
  const plusOne = pipelineStep((d: number[]) => d.map((x) => x + 1), { name: "prep" });
  const plusTwo = pipelineStep((d: number[]) => d.map((x) => x + 2), { name: "prep" });
  const edited = pipelineStep((d: number[], ctx, { factor }) => {
    ctx.metrics.add("scaled_sum", d.reduce((a, b) => a + b, 0) * factor * 10);
    return d;
  }, { name: "scale", params: { factor: 1 }, cacheable: true });

  assert.deepEqual((await run([scale(), summarize()])).provenance.cache.steps.scale.misses, 1);
  assert.deepEqual((await run([scale(), summarize()])).provenance.cache.steps.scale.hits, 1);
  assert.equal((await run([scale({ factor: 5 }), summarize()])).provenance.cache.misses, 1);
  const afterEdit = await run([edited(), summarize()]);
  assert.equal(afterEdit.provenance.cache.misses, 1);
  assert.deepEqual(afterEdit.metrics.baseline.metrics.scaled_sum, [60]);
  // Upstream steps changing code changes the input and the chain: a miss each time.
  assert.equal((await run([plusOne(), scale(), summarize()])).provenance.cache.misses, 1);
  assert.equal((await run([plusTwo(), scale(), summarize()])).provenance.cache.misses, 1);
  assert.equal((await run([plusOne(), scale(), summarize()])).provenance.cache.hits, 1);
});

Deno.test("step cache: a corrupt or truncated entry is reported once, recomputed and replaced", async () => {
  await using dir = await tempDir("cache-corrupt");
  const exp = (warnings: string[]) =>
    experiment(dir.path, { datasource: fixedNumbers(), steps: [scale(), summarize()], warnings });
  const first = await exp([]).run({ replicates: 3, treatments: [] });
  const folder = join(dir.path, "cache", "scale");
  const [file] = [...Deno.readDirSync(folder)].map((e) => resolve(folder, e.name));
  const bytes = Deno.readFileSync(file);
  bytes[bytes.length - 1] ^= 0xff;
  Deno.writeFileSync(file, bytes);

  reset();
  const warnings: string[] = [];
  const second = await exp(warnings).run({ replicates: 3, treatments: [] });
  assert.equal(metricsOf(second), metricsOf(first));
  assert.equal(calls.scale, 1, "recomputed once; the fresh entry serves the other replicates");
  assert.deepEqual(warnings, [
    `cache entry ${file} of step 'scale' fails its checksum (truncated or modified); it is ignored and recomputed`,
  ]);
  assert.deepEqual(second.provenance.cache.steps.scale, { hits: 2, misses: 1, off: 0 });

  Deno.writeFileSync(file, Deno.readFileSync(file).subarray(0, 20));
  const truncated: string[] = [];
  await exp(truncated).run({ replicates: 1, treatments: [] });
  assert.deepEqual(truncated, [
    `cache entry ${file} of step 'scale' is truncated (20 bytes); it is ignored and recomputed`,
  ]);
  reset();
  await exp([]).run({ replicates: 1, treatments: [] });
  assert.equal(calls.scale, undefined, "the replaced entry is valid");
});

Deno.test('step cache: strategy "rerun" recomputes and overwrites; cache: false writes nothing', async () => {
  await using dir = await tempDir("cache-rerun");
  const exp = experiment(dir.path, { datasource: fixedNumbers(), steps: [scale(), summarize()] });
  await exp.run({ replicates: 1 });
  reset();
  const rerun = await exp.run({ replicates: 1, strategy: "rerun" });
  assert.equal(calls.scale, 2);
  assert.deepEqual(rerun.provenance.cache.steps.scale, { hits: 0, misses: 2, off: 0 });

  await using empty = await tempDir("cache-off");
  await experiment(empty.path, { datasource: fixedNumbers(), steps: [scale(), summarize()] })
    .run({ replicates: 1, cache: false });
  assert.deepEqual([...Deno.readDirSync(empty.path)], []);
});

Deno.test("step cache: an unwritable output folder or an unstorable output warns once and the run completes", async () => {
  // The test process may write only under .test-tmp: "tests/fixtures" is a read-only output root for it.
  const warnings: string[] = [];
  reset();
  const result = await experiment("tests/fixtures/cache/readonly-out", {
    datasource: fixedNumbers(),
    steps: [scale(), summarize()],
    warnings,
  }).run({ replicates: 2 });
  assert.equal(result.errors.length, 0);
  assert.deepEqual(result.metrics.baseline.metrics.scaled_sum, [6, 6]);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0],
    /^could not write the cache entry of step 'scale' to .*readonly-out\/cache\/scale\/[0-9a-f]{64}\.bin: .*; the step still ran and its result is used, it is just not cached \(check that the output folder is writable and has space\)$/,
  );

  await using dir = await tempDir("cache-class");
  const classWarnings: string[] = [];
  const boxed = await experiment(dir.path, {
    datasource: fixedNumbers(),
    steps: [classy()],
    warnings: classWarnings,
  }).run({ replicates: 2, treatments: [] });
  assert.equal(boxed.errors.length, 0);
  assert.deepEqual(classWarnings, [
    "step 'classy' is not cached: output of step 'classy' is an instance of Box; stored outputs come back as plain data, so return plain objects from cacheable steps",
  ]);
});

Deno.test("step cache: worker processes share the on-disk cache and give the same metrics", async () => {
  await using dir = await tempDir("cache-workers");
  const workers = () => [new ParallelExecution({ executorType: "process", maxWorkers: 2 })];
  const serial = await experiment(dir.path).run({ cache: false });
  const cold = await experiment(dir.path, { plugins: workers() }).run();
  const warm = await experiment(dir.path, { plugins: workers() }).run();
  assert.equal(cold.errors.length, 0, JSON.stringify(cold.errors));
  assert.equal(cold.provenance.cache.misses, 16);
  assert.equal(warm.provenance.cache.hits, 16);
  assert.equal(metricsOf(cold), metricsOf(serial));
  assert.equal(metricsOf(warm), metricsOf(serial));
});

Deno.test("step cache: async and thread strategies share entries and give the serial metrics", async () => {
  const { AsyncExecution } = await import("../mod.ts");
  await using dir = await tempDir("cache-strategies");
  const serial = await experiment(dir.path).run({ cache: false });
  const concurrent = await new Experiment({
    ...experimentOptions(dir.path),
    plugins: [new AsyncExecution({ concurrency: 4 }), new SeedPlugin({ seed: 7 })],
  }).run();
  const threads = await new Experiment({
    ...experimentOptions(dir.path),
    plugins: [new ParallelExecution({ maxWorkers: 3 }), new SeedPlugin({ seed: 7 })],
  }).run();
  assert.equal(concurrent.provenance.cache.misses, 16);
  assert.equal(threads.provenance.cache.hits, 16);
  assert.equal(metricsOf(concurrent), metricsOf(serial));
  assert.equal(metricsOf(threads), metricsOf(serial));
});

function experimentOptions(outputDir: string) {
  return {
    name: "cached",
    datasource: noisyNumbers(),
    pipeline: [scale(), jitter(), summarize()],
    treatments: [treatment("double", { factor: 2 })],
    replicates: 4,
    outputDir,
  };
}
