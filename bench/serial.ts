/**
 * Serial throughput and memory at scale (issue 13, goal 1). Prints, side by
 * side in one run, for 100k and 1M replicates of a trivial 2-step pipeline
 * (identity, then record a metric) under the default serial loop, and for a
 * plain-JS loop doing the same work (derive the replicate's seed, call the
 * datasource and both steps, keep the metric and the seed per replicate):
 * µs per replicate (wall and CPU), peak RSS (the kernel's high-water mark),
 * and the ratios. Each measurement runs in a fresh process, so its peak
 * memory is its own; the two kinds alternate for `rounds` rounds (default
 * 3), and the best time and the highest peak of each are printed, so other
 * load on the machine shows less.
 *
 * Then the same pipeline for 200k replicates serially and on 2 worker
 * processes (`ParallelExecution({ executorType: "process" })`), once with
 * V8's default heap sizing and once with the parent's heap capped at 48 MB
 * (`--max-old-space-size=48`): the pool's outcomes stream into the run's
 * fold as they arrive, so the parent keeps none, and what it needs beyond
 * the serial run is garbage V8 collects when it must (a parent holding
 * every outcome until the pool was done ran out of memory under that cap).
 * Pool runs are long (~30 s each on 2 cores): this part runs one round.
 *
 * Run: `deno task bench:serial [rounds]`. Goals: ≤ 1.0 µs/replicate at 1M,
 * and 1M replicates under 150 MB peak RSS.
 * @module
 */
import { cpuMs } from "./cpu_time.ts";
import {
  dataSource,
  Experiment,
  LoggingPlugin,
  ParallelExecution,
  pipelineStep,
  SeedPlugin,
} from "../mod.ts";

const SIZES = [100_000, 1_000_000];
const POOL_SIZE = 200_000;
/** The old-space limit, MB, of the pool's parent in the capped measurement. */
const CAPPED_HEAP_MB = 48;
const MASTER_SEED = 1;

const identityFn = (d: number) => d;
const sourceFn = (ctx: { readonly replicate: number }) => ctx.replicate;

// Exported: worker processes rebuild the experiment from these by reference.
/** The replicate index. */
export const index = dataSource(sourceFn, { name: "index" });
/** Passes its input on. */
export const identity = pipelineStep(identityFn, { name: "identity" });
/** Records its input as the metric `value`. */
export const record = pipelineStep((d: number, ctx) => {
  ctx.metrics.add("value", d);
  return d;
}, { name: "record" });

/** The trivial experiment, serial or (`kind` "process") on 2 worker processes. */
function framework(replicates: number, kind = "framework"): Experiment {
  const plugins = [new SeedPlugin({ seed: MASTER_SEED }), new LoggingPlugin({ level: "silent" })];
  return new Experiment({
    name: "serial_bench",
    datasource: index(),
    pipeline: [identity(), record()],
    plugins: kind.startsWith("process")
      ? [new ParallelExecution({ executorType: "process", maxWorkers: 2 }), ...plugins]
      : plugins,
    replicates,
  });
}

/** The same work without the framework: what a hand-written loop keeps and calls. */
function plainLoop(replicates: number): { values: number[]; seeds: number[] } {
  const values: number[] = [];
  const seeds: number[] = [];
  for (let r = 0; r < replicates; r++) {
    seeds.push((MASTER_SEED + r * 31337) % 2 ** 32);
    const data = identityFn(sourceFn({ replicate: r }));
    values.push(data);
  }
  return { values, seeds };
}

/** Peak resident memory of this process so far, MiB (Linux `VmHWM`; sampled RSS elsewhere). */
function peakRssMiB(sampled: number): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    if (kb > 0) return kb / 1024;
  } catch {
    // Not Linux, or not allowed to read it: fall back to sampling.
  }
  return sampled / 2 ** 20;
}

interface Measurement {
  readonly wallUs: number;
  readonly cpuUs: number;
  readonly peakRssMiB: number;
}

async function measure(kind: string, replicates: number): Promise<Measurement> {
  // Warm the JIT, as a long run would be (the pool's workers start afresh: that is its cost).
  if (kind === "plain") plainLoop(2_000);
  else await framework(2_000).run();
  let sampled = 0;
  const timer = setInterval(() => sampled = Math.max(sampled, Deno.memoryUsage().rss), 5);
  const cpu = cpuMs();
  const started = performance.now();
  let kept: number;
  if (kind === "plain") kept = plainLoop(replicates).values.length;
  else {
    const result = await framework(replicates, kind).run();
    kept = result.metrics.baseline.metrics.value.length;
    if (result.errors.length > 0) throw new Error(`${kind}: ${result.errors[0].message}`);
  }
  const wallMs = performance.now() - started;
  const cpuUsed = cpuMs() - cpu;
  clearInterval(timer);
  sampled = Math.max(sampled, Deno.memoryUsage().rss);
  if (kept !== replicates) throw new Error(`${kind}: kept ${kept} of ${replicates} values`);
  return {
    wallUs: (wallMs * 1000) / replicates,
    cpuUs: (cpuUsed * 1000) / replicates,
    peakRssMiB: peakRssMiB(sampled),
  };
}

async function inChild(kind: string, replicates: number): Promise<Measurement> {
  const out = await new Deno.Command("deno", {
    args: [
      "run",
      // The pool's parent reads the project (its workers' modules and flags) and starts `deno`.
      ...(kind.startsWith("process")
        ? ["--allow-read", "--allow-run=deno"]
        : ["--allow-read=/proc/self/status"]),
      ...(kind === "process-capped" ? [`--v8-flags=--max-old-space-size=${CAPPED_HEAP_MB}`] : []),
      import.meta.filename!,
      "--child",
      kind,
      String(replicates),
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the ${kind} child for ${replicates} replicates failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The best times and the highest peak of `rounds` measurements. */
function best(of: readonly Measurement[]): Measurement {
  return {
    wallUs: Math.min(...of.map((m) => m.wallUs)),
    cpuUs: Math.min(...of.map((m) => m.cpuUs)),
    peakRssMiB: Math.max(...of.map((m) => m.peakRssMiB)),
  };
}

const fixed = (x: number, digits: number, width: number) => x.toFixed(digits).padStart(width);

/** Framework vs plain JS, serially, at each size. */
async function serialTable(rounds: number): Promise<void> {
  console.log("Serial, trivial 2-step pipeline vs a plain-JS loop doing the same work");
  console.log(
    `(fresh process per measurement; CPU = user + system; best time, highest peak of ${rounds} rounds)\n`,
  );
  console.log(
    "replicates │ framework µs wall  µs CPU  peak RSS MiB │ plain JS µs wall  µs CPU  peak RSS MiB │ CPU ratio",
  );
  for (const n of SIZES) {
    const frameworks: Measurement[] = [];
    const plains: Measurement[] = [];
    for (let round = 0; round < rounds; round++) {
      frameworks.push(await inChild("framework", n));
      plains.push(await inChild("plain", n));
    }
    const f = best(frameworks);
    const p = best(plains);
    console.log(
      `${String(n).padStart(10)} │ ${fixed(f.wallUs, 3, 17)} ${fixed(f.cpuUs, 3, 7)} ${
        fixed(f.peakRssMiB, 1, 13)
      } │ ${fixed(p.wallUs, 3, 16)} ${fixed(p.cpuUs, 3, 7)} ${fixed(p.peakRssMiB, 1, 13)} │ ${
        fixed(f.cpuUs / p.cpuUs, 1, 8)
      }×`,
    );
  }
  console.log("\nGoals at 1M: framework ≤ 1.0 µs/replicate, peak RSS < 150 MB.");
}

/** The same experiment serially and on 2 worker processes: the parent's peak memory. */
async function poolTable(): Promise<void> {
  console.log(
    `\n${POOL_SIZE} replicates, serial vs 2 worker processes (the parent's CPU and memory)`,
  );
  console.log("strategy                   │ µs wall  µs CPU  peak RSS MiB");
  const kinds = [
    ["framework", "serial"],
    ["process", "2 workers"],
    ["process-capped", `2 workers, ${CAPPED_HEAP_MB} MB heap`],
  ];
  const measured: Record<string, Measurement> = {};
  for (const [kind, name] of kinds) {
    const m = measured[kind] = await inChild(kind, POOL_SIZE);
    console.log(
      `${name.padEnd(26)} │ ${fixed(m.wallUs, 3, 7)} ${fixed(m.cpuUs, 3, 7)} ${
        fixed(m.peakRssMiB, 1, 13)
      }`,
    );
  }
  const ratio = (kind: string) => (measured[kind].peakRssMiB / measured.framework.peakRssMiB);
  console.log(
    `peak RSS / serial: 2 workers ${ratio("process").toFixed(2)}×, capped ${
      ratio("process-capped").toFixed(2)
    }×`,
  );
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--child");
  if (at >= 0) {
    console.log(JSON.stringify(await measure(Deno.args[at + 1], Number(Deno.args[at + 2]))));
  } else {
    const rounds = Number(Deno.args[0] ?? 3);
    await serialTable(rounds);
    await poolTable();
  }
}
