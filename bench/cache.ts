/**
 * Step cache speed. Prints, side by side in one run:
 *
 * - an experiment whose cacheable step burns ≈0.5 s of CPU per replicate
 *   (4 replicates, each with its own input): first run (cold: every step
 *   computes and stores) vs a warm re-run (every step replayed from disk),
 *   and the ratio — target warm ≥ 20× faster (issue #4);
 * - hashing throughput of the canonical hasher on 10 MB inputs: a
 *   Float64Array, a plain array of numbers, and an array of small objects.
 *
 * Run: `deno task bench:cache` (writes under `.bench-tmp/`, removed after).
 * @module
 */
import {
  canonicalHash,
  dataSource,
  Experiment,
  LoggingPlugin,
  pipelineStep,
  SeedPlugin,
} from "../mod.ts";

const STEP_MS = 500;

const inputs = dataSource((ctx) => Array.from({ length: 1000 }, () => ctx.rng.random()), {
  name: "inputs",
});

/** ≈0.5 s of deterministic CPU work on the input. */
export const expensive = pipelineStep((data: number[], ctx) => {
  let acc = 0;
  const until = performance.now() + STEP_MS;
  let rounds = 0;
  while (performance.now() < until) {
    for (const x of data) acc = (acc * 31 + x) % 1_000_003;
    rounds++;
  }
  ctx.metrics.add("rounds", rounds);
  return data.map((x) => x * 2);
}, { name: "expensive", cacheable: true });

const total = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
  return data;
}, { name: "total" });

function experiment(outputDir: string): Experiment {
  return new Experiment({
    name: "cache_bench",
    datasource: inputs(),
    pipeline: [expensive(), total()],
    replicates: 4,
    outputDir,
    plugins: [new SeedPlugin({ seed: 3 }), new LoggingPlugin({ level: "silent" })],
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

await Deno.mkdir(".bench-tmp", { recursive: true });
const dir = await Deno.makeTempDir({ dir: ".bench-tmp", prefix: "cache-" });
try {
  const [cold, coldMs] = await timed(() => experiment(dir).run());
  const [warm, warmMs] = await timed(() => experiment(dir).run());
  if (JSON.stringify(cold.metrics) !== JSON.stringify(warm.metrics)) {
    throw new Error("warm run gave different metrics");
  }
  console.log(`cacheable step ≈${STEP_MS} ms × 4 replicates`);
  console.log(
    `  cold run  ${coldMs.toFixed(0).padStart(6)} ms  (cache ${
      JSON.stringify({ hits: cold.provenance.cache.hits, misses: cold.provenance.cache.misses })
    })`,
  );
  console.log(
    `  warm run  ${warmMs.toFixed(1).padStart(6)} ms  (cache ${
      JSON.stringify({ hits: warm.provenance.cache.hits, misses: warm.provenance.cache.misses })
    })`,
  );
  console.log(`  warm is ${(coldMs / warmMs).toFixed(0)}× faster (target ≥ 20×)`);
} finally {
  await Deno.remove(dir, { recursive: true });
}

const MB = 10 * 1024 * 1024;
const cases: [string, unknown, number][] = [
  ["Float64Array (10 MB)", Float64Array.from({ length: MB / 8 }, (_, i) => i * 0.5), MB],
  ["number[] (1.3 M numbers, 10 MB as float64)", Array.from({ length: MB / 8 }, (_, i) => i), MB],
  [
    "{id, score, label}[] (≈10 MB as JSON)",
    Array.from({ length: 260_000 }, (_, i) => ({ id: i, score: i / 7, label: `row-${i}` })),
    MB,
  ],
];
console.log("canonical hashing throughput");
for (const [name, value, bytes] of cases) {
  canonicalHash(value); // warm-up
  const runs = 3;
  const [, ms] = await timed(() => {
    for (let i = 0; i < runs; i++) canonicalHash(value);
    return Promise.resolve();
  });
  const perRun = ms / runs;
  console.log(
    `  ${name.padEnd(44)} ${perRun.toFixed(1).padStart(7)} ms  ${
      (bytes / 1024 / 1024 / (perRun / 1000)).toFixed(0).padStart(5)
    } MB/s`,
  );
}
