/**
 * Step cache speed. Prints, side by side in one run:
 *
 * - an experiment whose cacheable step burns 0.5 s of CPU time per replicate
 *   (4 replicates, each with its own input): first run (cold: every step
 *   computes and stores) vs a warm re-run (every step replayed from disk),
 *   and the ratio — target warm ≥ 20× faster (issue #4);
 * - a step of the same cost on a 10 MB input (260k rows): the CPU time of a
 *   run that misses (hash the input, compute, store) vs of one that hits
 *   (hash the input, read the entry) — target ≥ 5× faster — and the step's
 *   wall times (on a loaded machine those swing with the scheduling);
 * - the canonical hasher on 10 MB inputs of several shapes next to the
 *   floor, `v8.serialize` plus SHA-256 of its bytes (what any hash of
 *   arbitrary data must at least do): the best CPU time of at least 9 calls
 *   each (more for quick ones), called in turns, and the ratio — target
 *   ≤ 1.5× on every shape.
 *
 * Run: `deno task bench:cache` (writes under `.bench-tmp/`, removed after).
 * @module
 */
import process from "node:process";
import { serialize } from "node:v8";
import {
  canonicalHash,
  dataSource,
  Experiment,
  LoggingPlugin,
  pipelineStep,
  SeedPlugin,
} from "../mod.ts";
import { createSha256 } from "../src/sha256.ts";

const STEP_MS = 500;
const MB = 10 * 1024 * 1024;

const inputs = dataSource((ctx) => Array.from({ length: 1000 }, () => ctx.rng.random()), {
  name: "inputs",
});

/**
 * Calls `work` until this process has used `ms` of CPU time: a step that
 * costs that much on an idle machine and, like real work, takes longer on a
 * loaded one (a wall-clock budget would do less work under load and make
 * recomputing look cheap next to the hit). Returns how many rounds it ran.
 */
function burnCpu(ms: number, work: () => void): number {
  const start = process.cpuUsage();
  let rounds = 0;
  do {
    for (let i = 0; i < 100; i++) work();
    rounds++;
  } while (cpuMsSince(start) < ms);
  return rounds;
}

/** ≈0.5 s of deterministic CPU work on the input. */
export const expensive = pipelineStep((data: number[], ctx) => {
  let acc = 0;
  const rounds = burnCpu(STEP_MS, () => {
    for (const x of data) acc = (acc * 31 + x) % 1_000_003;
  });
  ctx.metrics.add("rounds", rounds);
  return data.map((x) => x * 2);
}, { name: "expensive", cacheable: true });

const total = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
  return data;
}, { name: "total" });

type Row = { id: number; score: number; label: string };
const ROWS: Row[] = Array.from({ length: 260_000 }, (_, i) => ({
  id: i,
  score: i / 7,
  label: `row-${i}`,
}));

/** The same 10 MB table for every replicate (built once: only the step is measured). */
const table = dataSource(() => ROWS, { name: "table" });

/** ≈0.5 s of work on a table, returning a small summary. */
export const summarise = pipelineStep((rows: Row[], ctx) => {
  let sum = 0;
  burnCpu(STEP_MS, () => {
    sum += rows[Math.floor(Math.random() * rows.length)].score;
  });
  ctx.metrics.add("rows", rows.length);
  return { rows: rows.length, positive: sum > 0 };
}, { name: "summarise", cacheable: true });

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

function largeInput(outputDir: string): Experiment {
  return new Experiment({
    name: "cache_bench_large",
    datasource: table(),
    pipeline: [summarise()],
    replicates: 1,
    outputDir,
    plugins: [new SeedPlugin({ seed: 3 }), new LoggingPlugin({ level: "silent" })],
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

/** CPU milliseconds this process (all its threads) has used since `start`. */
function cpuMsSince(start: ReturnType<typeof process.cpuUsage>): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** The value of `fn` and the CPU milliseconds spent until it settled. */
async function cpuMsOf<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.cpuUsage();
  const value = await fn();
  return [value, cpuMsSince(start)];
}

/** CPU milliseconds spent in `fn`. */
function cpuMs(fn: () => unknown): number {
  const start = process.cpuUsage();
  fn();
  return cpuMsSince(start);
}

/**
 * The best CPU time of calls of `a` and of `b`, called in turns so that
 * both meet the same load on a shared machine (CPU time: other processes'
 * work does not count, as it does in wall time): at least `runs` calls each,
 * and more for quick ones, until both have run for half a second, so that a
 * garbage collection of the heap the larger cases left does not stand for a
 * 1 ms case.
 */
function bestOfEach(runs: number, a: () => unknown, b: () => unknown): [number, number] {
  let bestA = Infinity;
  let bestB = Infinity;
  let spent = 0;
  for (let i = 0; i < runs || (spent < 500 && i < 1000); i++) {
    const msA = cpuMs(a);
    const msB = cpuMs(b);
    bestA = Math.min(bestA, msA);
    bestB = Math.min(bestB, msB);
    spent += msA + msB;
  }
  return [bestA, bestB];
}

if (import.meta.main) await main();

/** Runs the measurement (importing this module, e.g. `crystallize list`, runs nothing). */
async function main(): Promise<void> {
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

    const [miss, missCpu] = await cpuMsOf(() => largeInput(dir).run());
    const [hit, hitCpu] = await cpuMsOf(() => largeInput(dir).run());
    const stepMs = (r: typeof miss) => r.provenance.timings.steps[0].meanMs;
    console.log(`cacheable step of ${STEP_MS} ms CPU on a 10 MB input (260k rows)`);
    console.log(
      `  miss ${missCpu.toFixed(1)} ms CPU (hits ${miss.provenance.cache.hits}), hit ${
        hitCpu.toFixed(1)
      } ms CPU (hits ${hit.provenance.cache.hits}): ${
        (missCpu / hitCpu).toFixed(1)
      }× faster (target ≥ 5×); the step's wall time ${stepMs(miss).toFixed(1)} vs ${
        stepMs(hit).toFixed(1)
      } ms: ${(stepMs(miss) / stepMs(hit)).toFixed(1)}×`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  const cases: [string, unknown][] = [
    ["Float64Array (10 MB)", Float64Array.from({ length: MB / 8 }, (_, i) => i * 0.5)],
    ["number[] (1.3 M integers)", Array.from({ length: MB / 8 }, (_, i) => i)],
    ["number[] (1.3 M fractions)", Array.from({ length: MB / 8 }, (_, i) => i / 7)],
    ["{id, score, label}[] (260k rows)", ROWS],
    ["string[] (1 M short ASCII)", Array.from({ length: 1_000_000 }, (_, i) => `item-${i}`)],
    ["string[] (500k short Latin-1)", Array.from({ length: 500_000 }, (_, i) => `é-${i}-ü`)],
    ["string[] (100k CJK)", Array.from({ length: 100_000 }, (_, i) => `数据-${i}-行`.repeat(4))],
    ["one 10 MB ASCII string", "x".repeat(MB)],
    [
      "[number, string, {k}][] (200k)",
      Array.from({ length: 200_000 }, (_, i) => [i, `s${i}`, { k: i % 3 === 0 ? null : true }]),
    ],
    [
      "Map<string, number[]> (10k entries)",
      new Map(Array.from({ length: 10_000 }, (_, i) => [`key-${i}`, [i, i + 1, i + 2]])),
    ],
  ];
  console.log(
    "canonical hashing vs the floor (v8.serialize + SHA-256), best CPU time in turns",
  );
  for (const [name, value] of cases) {
    const bytes = serialize(value).length;
    const [hash, floor] = bestOfEach(
      9,
      () => canonicalHash(value),
      () => createSha256().update(serialize(value)).digest("hex"),
    );
    console.log(
      `  ${name.padEnd(36)} ${hash.toFixed(1).padStart(7)} ms  floor ${
        floor.toFixed(1).padStart(6)
      } ms  ×${(hash / floor).toFixed(2)}  (${
        (bytes / 1024 / 1024 / (hash / 1000)).toFixed(0)
      } MB/s of serialized data)`,
    );
  }
}
