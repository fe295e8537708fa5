/**
 * How fast experiment code runs inside a process worker, measured side by
 * side in one run:
 *
 * 1. per-replicate CPU time of an integer loop and of a floating-point loop
 *    (≈50 ms each) run 8 times by each of two worker processes (16
 *    replicates), next to two plain `deno run` processes side by side
 *    calling the same function 8 times each: the ratio is what running as a
 *    worker costs the step itself (goal: ≤ 1.05);
 * 2. 16 replicates × ≈50 ms of each workload serially, on 2 new workers
 *    (cold) and on 2 kept workers (warm), with the speedups (goal on the
 *    2-core machine: ≥ 1.85× warm, ≥ 1.7× cold);
 * 3. the start-up of 2 new workers (a run of 2 trivial replicates) loading
 *    the library's JavaScript copy, against its TypeScript.
 *
 * Each measurement runs with the workers' default V8 flags and with
 * `v8Flags: []` (V8's own defaults), so the effect of the flags shows in the
 * same run. Configurations alternate over rounds, so load from other
 * programs hits them alike; the figures are medians with the min–max.
 *
 * Run: `deno task bench:workers [rounds]` (default 3).
 * @module
 */
import {
  dataSource,
  DEFAULT_WORKER_V8_FLAGS,
  Experiment,
  LoggingPlugin,
  ParallelExecution,
  pipelineStep,
  SeedPlugin,
  SerialExecution,
} from "../mod.ts";
import type { BasePlugin, PipelineStep } from "../mod.ts";
import { cpuMs } from "./cpu_time.ts";
import { denoExecutable } from "../src/execution/worker/framed_child.ts";

/** Integer work: `n` rounds of a sum of squares modulo 7. */
export function integerWork(n: number, seed: number): number {
  let s = seed | 0;
  for (let i = 0; i < n; i++) s = (s + ((i * i) % 7)) | 0;
  return s;
}

/** Floating-point work: `n` rounds of `sin` and `sqrt`. */
export function floatWork(n: number, seed: number): number {
  let x = seed + 1;
  for (let i = 0; i < n; i++) x = Math.sin(x) * 1.0001 + Math.sqrt(i + x * x);
  return x;
}

const WORK = { integer: integerWork, float: floatWork } as const;
type Workload = keyof typeof WORK;

/** The replicate index. */
export const replicateIndex = dataSource((ctx) => ctx.replicate, { name: "replicate_index" });

/**
 * CPU time of one call, ms (user + system of this process: unlike wall time,
 * it hardly grows when other programs share the cores).
 */
function loopCpuMs(workload: Workload, iterations: number, seed: number): [number, number] {
  const started = cpuMs();
  const x = WORK[workload](iterations, seed);
  return [cpuMs() - started, x];
}

/** Runs a workload and records the CPU time of the loop itself (`loop_ms`). */
export const work = pipelineStep((r: number, ctx, { workload, iterations }) => {
  const [ms, x] = loopCpuMs(workload as Workload, iterations, r);
  ctx.metrics.add("loop_ms", ms);
  ctx.metrics.add("x", x);
  return x;
}, { name: "work", params: { workload: "integer", iterations: 1_000 } });

function experiment(execution: BasePlugin, replicates: number, step: PipelineStep) {
  return new Experiment({
    name: "bench_worker_speed",
    datasource: replicateIndex(),
    pipeline: [step],
    plugins: [execution, new SeedPlugin({ seed: 1 }), new LoggingPlugin({ level: "silent" })],
    replicates,
  });
}

/** Iterations of `workload` that take about `ms` here (best of 5 calls, so after tiering). */
function calibrate(workload: Workload, ms: number): number {
  const probe = 2_000_000;
  let best = Infinity;
  for (let i = 0; i < 5; i++) best = Math.min(best, loopCpuMs(workload, probe, i)[0]);
  return Math.round((probe * ms) / best);
}

/**
 * CPU ms of each of `times` calls of the workload in two new plain
 * `deno run` processes side by side (as two workers run).
 */
async function plainProcesses(
  workload: Workload,
  iterations: number,
  times: number,
  v8Flags: readonly string[],
): Promise<number[]> {
  const one = async () => {
    const out = await new Deno.Command(denoExecutable(), {
      args: [
        "run",
        ...(v8Flags.length > 0 ? [`--v8-flags=${v8Flags.join(",")}`] : []),
        import.meta.filename!,
        "--plain",
        workload,
        String(iterations),
        String(times),
      ],
      stdout: "piped",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout)) as number[];
  };
  return (await Promise.all([one(), one()])).flat();
}

/** CPU ms of the loop in each of `2 × times` replicates on two new worker processes. */
async function workerProcesses(
  workload: Workload,
  iterations: number,
  times: number,
  v8Flags: readonly string[],
): Promise<number[]> {
  const execution = onWorkers(2, v8Flags);
  const result = await experiment(execution, 2 * times, work({ workload, iterations })).run();
  return result.metrics.baseline.metrics.loop_ms as number[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const range = (xs: readonly number[], digits = 1) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${
    Math.max(...xs).toFixed(digits)
  })`;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** The V8 flags compared: the workers' default, and V8's own. */
const FLAG_SETS = [
  ["default", DEFAULT_WORKER_V8_FLAGS],
  ["[]", []],
] as const;

const onWorkers = (maxWorkers: number, v8Flags: readonly string[], keepAlive = false) =>
  new ParallelExecution({ executorType: "process", maxWorkers, keepAlive, v8Flags });

async function perReplicate(workload: Workload, rounds: number): Promise<void> {
  const iterations = calibrate(workload, 50);
  const times = 8;
  const where = [["plain", plainProcesses], ["workers", workerProcesses]] as const;
  const ms = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [label, flags] of FLAG_SETS) {
      for (const [place, run] of where) {
        const key = `${place}, v8Flags ${label}`;
        ms.set(key, [...ms.get(key) ?? [], mean(await run(workload, iterations, times, flags))]);
      }
    }
  }
  const reference = median(ms.get("plain, v8Flags []")!);
  const ratio = median(ms.get("workers, v8Flags default")!) / reference;
  console.log(`  ${workload}: workers (default flags) / plain (V8 defaults) ×${ratio.toFixed(2)}`);
  for (const [key, values] of ms) {
    console.log(
      `    ${key.padEnd(22)} ${range(values)} ms  ×${(median(values) / reference).toFixed(2)}`,
    );
  }
}

async function speedups(workload: Workload, rounds: number): Promise<void> {
  const iterations = calibrate(workload, 50);
  const step = work({ workload, iterations });
  const n = 16;
  const serial: number[] = [];
  const rows = FLAG_SETS.map(([label, flags]) => ({
    label,
    flags,
    kept: onWorkers(2, flags, true),
    cold: [] as number[],
    warm: [] as number[],
  }));
  try {
    // Starts the workers the warm runs reuse.
    for (const row of rows) await experiment(row.kept, 2, step).run();
    for (let round = 0; round < rounds; round++) {
      serial.push(await timed(() => experiment(new SerialExecution(), n, step).run()));
      for (const row of rows) {
        row.cold.push(await timed(() => experiment(onWorkers(2, row.flags), n, step).run()));
        row.warm.push(await timed(() => experiment(row.kept, n, step).run()));
      }
    }
  } finally {
    for (const row of rows) await row.kept.close();
  }
  const speedup = (ms: number[]) =>
    `${(median(serial) / median(ms)).toFixed(2)}× (best rounds ${
      (Math.min(...serial) / Math.min(...ms)).toFixed(2)
    }×)`;
  console.log(`  ${workload}: serial ${range(serial, 0)} ms`);
  for (const row of rows) {
    console.log(
      `    v8Flags ${row.label.padEnd(8)} cold ${range(row.cold, 0)} ms ${speedup(row.cold)}; ` +
        `warm ${range(row.warm, 0)} ms ${speedup(row.warm)}`,
    );
  }
}

/**
 * Wall time of runs of 2 trivial replicates on 2 new workers, which is their
 * start-up: loading the library's JavaScript copy (the default) against its
 * TypeScript (`libraryBuild: false`), alternating, 10 runs each per round.
 */
async function poolStart(rounds: number): Promise<void> {
  const step = work({ workload: "integer", iterations: 1_000 });
  const start = (libraryBuild: boolean) =>
    timed(() =>
      experiment(
        new ParallelExecution({ executorType: "process", maxWorkers: 2, libraryBuild }),
        2,
        step,
      ).run()
    );
  await start(true); // makes the copy, if this version of the library has none yet
  const copy: number[] = [];
  const typescript: number[] = [];
  for (let i = 0; i < 10 * rounds; i++) {
    copy.push(await start(true));
    typescript.push(await start(false));
  }
  console.log(
    `  JavaScript copy ${range(copy)} ms; TypeScript ${range(typescript)} ms; ` +
      `×${(median(copy) / median(typescript)).toFixed(2)}`,
  );
}

if (import.meta.main && Deno.args[0] === "--plain") {
  const [, workload, iterations, times] = Deno.args;
  const ms: number[] = [];
  for (let r = 0; r < Number(times); r++) {
    ms.push(loopCpuMs(workload as Workload, Number(iterations), r)[0]);
  }
  console.log(JSON.stringify(ms));
} else if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 3);
  console.log(
    `Per-replicate CPU time of the loop (mean of 8 calls ≈50 ms in each of 2 new processes; ` +
      `${rounds} rounds: median (min–max)), × plain deno run with V8's defaults`,
  );
  for (const workload of ["integer", "float"] as const) await perReplicate(workload, rounds);
  console.log(
    `16 replicates × ≈50 ms, ${navigator.hardwareConcurrency} cores: speedup over serial`,
  );
  for (const workload of ["integer", "float"] as const) await speedups(workload, rounds);
  console.log("2 trivial replicates on 2 new workers (start-up), wall time: median (min–max)");
  await poolStart(rounds);
}
