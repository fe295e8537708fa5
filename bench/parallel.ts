/**
 * Process executor speed, measured side by side in one run:
 *
 * 1. a CPU-bound experiment (8 replicates of ≈0.25 s busy work) serially and
 *    on 1 and 2 worker processes, with the speedup over serial;
 * 2. worker start-up cost (a 1-replicate run on 1 worker);
 * 3. per-replicate dispatch overhead for 10,000 trivial replicates on 2
 *    workers, net of start-up, next to the serial per-replicate time.
 *
 * Run: `deno task bench:parallel`. Targets (issue #3, 2-core machine):
 * ≥ 1.85× speedup with 2 workers; dispatch ≤ 100 µs per replicate.
 * @module
 */
import {
  dataSource,
  Experiment,
  LoggingPlugin,
  ParallelExecution,
  pipelineStep,
  SeedPlugin,
  SerialExecution,
  standaloneContext,
} from "../mod.ts";
import type { BasePlugin } from "../mod.ts";

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

function experiment(execution: BasePlugin, replicates: number, step: ReturnType<typeof burn>) {
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

if (import.meta.main) {
  const processes = (maxWorkers: number) =>
    new ParallelExecution({ executorType: "process", maxWorkers });
  const iterations = calibrate(250);
  const cpu = burn({ iterations });
  console.log(
    `CPU-bound: 8 replicates × ≈250 ms (${iterations} iterations), ${navigator.hardwareConcurrency} cores`,
  );
  const serialMs = await timed(() => experiment(new SerialExecution(), 8, cpu).run());
  const oneMs = await timed(() => experiment(processes(1), 8, cpu).run());
  const twoMs = await timed(() => experiment(processes(2), 8, cpu).run());
  const startupMs = await timed(() => experiment(processes(1), 1, trivial()).run());
  console.log(`  serial              ${serialMs.toFixed(0).padStart(6)} ms`);
  console.log(
    `  process, 1 worker   ${oneMs.toFixed(0).padStart(6)} ms  speedup ${
      (serialMs / oneMs).toFixed(2)
    }×`,
  );
  console.log(
    `  process, 2 workers  ${twoMs.toFixed(0).padStart(6)} ms  speedup ${
      (serialMs / twoMs).toFixed(2)
    }×` +
      `  (${(serialMs / (twoMs - startupMs)).toFixed(2)}× net of start-up)`,
  );
  console.log(`Worker start-up (1-replicate run, 1 worker): ${startupMs.toFixed(0)} ms`);
  const n = 10_000;
  const serialTrivialMs = await timed(() => experiment(new SerialExecution(), n, trivial()).run());
  const twoTrivialMs = await timed(() => experiment(processes(2), n, trivial()).run());
  console.log(
    `Dispatch, ${n} trivial replicates: serial ${
      ((serialTrivialMs * 1000) / n).toFixed(1)
    } µs/replicate, ` +
      `2 workers ${((twoTrivialMs * 1000) / n).toFixed(1)} µs/replicate ` +
      `(${(((twoTrivialMs - startupMs) * 1000) / n).toFixed(1)} µs net of start-up)`,
  );
}
