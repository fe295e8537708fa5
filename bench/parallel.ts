/**
 * Process executor speed, measured side by side in one run:
 *
 * 1. a CPU-bound experiment (8 replicates of ≈0.25 s busy work) serially, on
 *    1 and 2 new worker processes (cold), and on 2 workers kept alive from an
 *    earlier run (warm, `keepAlive: true`), with the speedup over serial;
 *    configurations alternate over several rounds, so load from other
 *    programs hits them alike; speedups are given for the medians and for
 *    the best rounds (interference only adds time, so the fastest round of
 *    each configuration is the least disturbed);
 * 2. worker start-up cost: a 1-replicate run on 1 worker, cold and warm;
 * 3. per-replicate dispatch overhead for 10,000 trivial replicates on 2
 *    workers, cold (net of start-up) and warm, next to the serial time;
 * 4. `experiment.optimize()` — many small runs — serially, cold and warm.
 *
 * Run: `deno task bench:parallel [rounds]` (default 3 rounds). Targets
 * (issue #3, 2-core machine): ≥ 1.85× speedup with 2 workers; dispatch
 * ≤ 100 µs per replicate.
 * @module
 */
import {
  dataSource,
  Experiment,
  GridSearchOptimizer,
  LoggingPlugin,
  ParallelExecution,
  pipelineStep,
  SeedPlugin,
  SerialExecution,
  standaloneContext,
} from "../mod.ts";
import type { BasePlugin, PipelineStep } from "../mod.ts";

/** The replicate index. */
export const replicateIndex = dataSource((ctx) => ctx.replicate, { name: "replicate_index" });

/** Deterministic busy work: `iterations` rounds of floating-point math. */
export const burn = pipelineStep((r: number, ctx, { iterations }) => {
  let x = r + 1;
  for (let i = 0; i < iterations; i++) x = Math.sin(x) * 1.0001 + Math.sqrt(i + x * x);
  ctx.metrics.add("x", x);
  return x;
}, { name: "burn", params: { iterations: 1_000 } });

/** Records the replicate index. */
export const trivial = pipelineStep((r: number, ctx) => {
  ctx.metrics.add("r", r);
  return r;
}, { name: "trivial" });

function experiment(execution: BasePlugin, replicates: number, step: PipelineStep) {
  return new Experiment({
    name: "bench_parallel",
    datasource: replicateIndex(),
    pipeline: [step],
    plugins: [execution, new SeedPlugin({ seed: 1 }), new LoggingPlugin({ level: "silent" })],
    replicates,
  });
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Iterations of `burn` that take about `ms` on this machine. */
function calibrate(ms: number): number {
  const probe = burn({ iterations: 2_000_000 });
  const started = performance.now();
  probe.run(0, standaloneContext());
  return Math.round((2_000_000 * ms) / (performance.now() - started));
}

const cold = (maxWorkers: number) => new ParallelExecution({ executorType: "process", maxWorkers });
const warm = (maxWorkers: number) =>
  new ParallelExecution({ executorType: "process", maxWorkers, keepAlive: true });

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median and min–max of `ms`; with `serial`, the speedups of the medians and of the best rounds. */
function row(label: string, ms: readonly number[], serial?: readonly number[]): string {
  const m = median(ms);
  const spread = ms.length > 1
    ? `  (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})`
    : "";
  const speedup = serial === undefined
    ? ""
    : `  speedup ${(median(serial) / m).toFixed(2)}× median, ${
      (Math.min(...serial) / Math.min(...ms)).toFixed(2)
    }× best`;
  return `  ${label.padEnd(26)}${m.toFixed(0).padStart(6)} ms${spread}${speedup}`;
}

async function cpuBound(rounds: number): Promise<void> {
  const iterations = calibrate(250);
  const cpu = burn({ iterations });
  console.log(
    `CPU-bound: 8 replicates × ≈250 ms (${iterations} iterations), ${navigator.hardwareConcurrency} cores, ` +
      `${rounds} rounds: median (min–max)`,
  );
  await using kept = warm(2);
  await experiment(kept, 2, cpu).run(); // starts the workers the warm runs reuse
  const ms = {
    serial: [] as number[],
    one: [] as number[],
    two: [] as number[],
    warm: [] as number[],
  };
  for (let round = 0; round < rounds; round++) {
    ms.serial.push(await timed(() => experiment(new SerialExecution(), 8, cpu).run()));
    ms.one.push(await timed(() => experiment(cold(1), 8, cpu).run()));
    ms.two.push(await timed(() => experiment(cold(2), 8, cpu).run()));
    ms.warm.push(await timed(() => experiment(kept, 8, cpu).run()));
  }
  console.log(row("serial", ms.serial));
  console.log(row("process, 1 worker, cold", ms.one, ms.serial));
  console.log(row("process, 2 workers, cold", ms.two, ms.serial));
  console.log(row("process, 2 workers, warm", ms.warm, ms.serial));
  console.log(
    `  per-round speedups, 2 workers: cold ${
      ms.two.map((t, i) => (ms.serial[i] / t).toFixed(2)).join(", ")
    }; warm ${ms.warm.map((t, i) => (ms.serial[i] / t).toFixed(2)).join(", ")}`,
  );
}

async function startup(rounds: number): Promise<number> {
  const coldMs: number[] = [];
  const warmMs: number[] = [];
  await using kept = warm(1);
  await experiment(kept, 1, trivial()).run();
  for (let round = 0; round < Math.max(5, rounds); round++) {
    coldMs.push(await timed(() => experiment(cold(1), 1, trivial()).run()));
    warmMs.push(await timed(() => experiment(kept, 1, trivial()).run()));
  }
  console.log("Worker start-up, a 1-replicate run on 1 worker:");
  console.log(row("cold (new process)", coldMs));
  console.log(row("warm (kept process)", warmMs));
  return median(coldMs) - median(warmMs);
}

async function dispatch(startupMs: number): Promise<void> {
  const n = 10_000;
  const serialMs = await timed(() => experiment(new SerialExecution(), n, trivial()).run());
  const coldMs = await timed(() => experiment(cold(2), n, trivial()).run());
  await using kept = warm(2);
  await experiment(kept, 2, trivial()).run();
  const warmMs = await timed(() => experiment(kept, n, trivial()).run());
  const us = (ms: number) => `${((ms * 1000) / n).toFixed(1)} µs/replicate`;
  console.log(`Dispatch, ${n} trivial replicates on 2 workers:`);
  console.log(`  serial ${us(serialMs)}`);
  console.log(`  cold   ${us(coldMs)} (${us(coldMs - startupMs)} net of start-up)`);
  console.log(`  warm   ${us(warmMs)}`);
}

async function optimize(): Promise<void> {
  const trials = 20;
  const replicatesPerTrial = 8;
  const base = calibrate(5);
  // Every condition burns: the baseline's `iterations` comes from the initial context.
  const grid = { iterations: Array.from({ length: trials }, (_, i) => base + i * 1000) };
  const search = (execution: BasePlugin) =>
    timed(() =>
      new Experiment({
        name: "bench_optimize",
        datasource: replicateIndex(),
        pipeline: [burn()],
        plugins: [execution, new SeedPlugin({ seed: 1 }), new LoggingPlugin({ level: "silent" })],
        initialContext: { iterations: base },
      }).optimize(new GridSearchOptimizer(grid, { metric: "x" }), {
        numTrials: trials,
        replicatesPerTrial,
      })
    );
  const serialMs = await search(new SerialExecution());
  const coldMs = await search(cold(2));
  await using kept = warm(2);
  const warmMs = await search(kept);
  console.log(
    `optimize(): ${trials} trials (runs) × ${replicatesPerTrial} replicates × 2 conditions × ≈5 ms, 2 workers`,
  );
  for (const [label, ms] of [["serial", serialMs], ["cold", coldMs], ["warm", warmMs]] as const) {
    console.log(
      `  ${label.padEnd(7)}${ms.toFixed(0).padStart(6)} ms  ${(ms / trials).toFixed(1)} ms/trial` +
        (label === "serial" ? "" : `  speedup ${(serialMs / ms).toFixed(2)}×`),
    );
  }
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 3);
  await cpuBound(rounds);
  const startupMs = await startup(rounds);
  await dispatch(startupMs);
  await optimize();
}
