/**
 * Per-replicate framework overhead. Prints, side by side in one run:
 *
 * - a trivial 2-step pipeline (identity + record a metric) at 1k, 10k and
 *   100k replicates under SerialExecution, each size in a fresh process so
 *   peak memory is its own: µs per replicate, heap kept per replicate, peak
 *   RSS (sampled on every event-loop turn);
 * - the same work as a hand-written loop, for the floor;
 * - AsyncExecution with 1,000 replicates each awaiting a 50 ms timer, as a
 *   ratio to the 50 ms floor.
 *
 * Run: `deno task bench:overhead`. Targets (issue #2): ≤ 15 µs per replicate
 * serial; async within 2× of the floor; memory per replicate flat across sizes.
 * @module
 */
import {
  AsyncExecution,
  dataSource,
  Experiment,
  LoggingPlugin,
  pipelineStep,
  SeedPlugin,
} from "../mod.ts";

const identity = pipelineStep((d: number) => d, { name: "identity" });
const record = pipelineStep((d: number, ctx) => {
  ctx.metrics.add("value", d);
  return d;
}, { name: "record" });
const source = dataSource((ctx) => ctx.replicate, { name: "index" });

function trivial(replicates: number): Experiment {
  return new Experiment({
    name: "overhead",
    datasource: source(),
    pipeline: [identity(), record()],
    plugins: [new SeedPlugin({ seed: 1 }), new LoggingPlugin({ level: "silent" })],
    replicates,
  });
}

/** Samples RSS and heap on every event-loop turn (the serial loop yields every ~25 ms). */
function memorySampler(): { stop(): { rss: number; heap: number } } {
  let rss = 0, heap = 0;
  const sample = () => {
    const m = Deno.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 1);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rss: rss / 2 ** 20, heap };
    },
  };
}

interface ChildReport {
  replicates: number;
  usPerReplicate: number;
  handUsPerReplicate: number;
  heapBytesPerReplicate: number;
  peakHeapBytesPerReplicate: number;
  peakRssMiB: number;
}

async function child(replicates: number): Promise<ChildReport> {
  // Warm up the JIT on a small run, then measure.
  await trivial(2_000).run();
  const handLoop = () => {
    const out: number[] = [];
    for (let r = 0; r < replicates; r++) out.push(r);
    return out;
  };
  const handStart = performance.now();
  handLoop();
  const handMs = performance.now() - handStart;
  const experiment = trivial(replicates);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  gc();
  const heapBefore = Deno.memoryUsage().heapUsed;
  const sampler = memorySampler();
  const started = performance.now();
  const result = await experiment.run();
  const elapsed = performance.now() - started;
  const peak = sampler.stop();
  gc();
  const heapAfter = Deno.memoryUsage().heapUsed; // the result is still alive: this is what it keeps
  if (result.metrics.baseline.metrics.value.length !== replicates) {
    throw new Error("wrong replicate count");
  }
  return {
    replicates,
    usPerReplicate: (elapsed * 1000) / replicates,
    handUsPerReplicate: (handMs * 1000) / replicates,
    heapBytesPerReplicate: Math.max(0, heapAfter - heapBefore) / replicates,
    peakHeapBytesPerReplicate: Math.max(0, peak.heap - heapBefore) / replicates,
    peakRssMiB: peak.rss,
  };
}

async function asyncTimers(): Promise<{ wallMs: number; ratio: number }> {
  const wait = pipelineStep(async (d: number, ctx) => {
    await new Promise((r) => setTimeout(r, 50));
    ctx.metrics.add("value", d);
    return d;
  }, { name: "wait_50ms" });
  const experiment = new Experiment({
    name: "async_timers",
    datasource: source(),
    pipeline: [wait()],
    plugins: [
      new AsyncExecution(),
      new SeedPlugin({ seed: 1 }),
      new LoggingPlugin({ level: "silent" }),
    ],
    replicates: 1_000,
  });
  const started = performance.now();
  await experiment.run();
  const wallMs = performance.now() - started;
  return { wallMs, ratio: wallMs / 50 };
}

if (import.meta.main) {
  const childArg = Deno.args.indexOf("--child");
  if (childArg >= 0) {
    console.log(JSON.stringify(await child(Number(Deno.args[childArg + 1]))));
  } else {
    console.log("Serial, trivial 2-step pipeline (fresh process per size):");
    console.log(
      "replicates  µs/replicate  hand-loop µs  kept B/replicate  peak heap B/replicate  peak RSS MiB",
    );
    for (const n of [1_000, 10_000, 100_000]) {
      const out = await new Deno.Command("deno", {
        args: ["run", "--v8-flags=--expose-gc", import.meta.filename!, "--child", String(n)],
        stderr: "inherit",
      }).output();
      if (!out.success) throw new Error(`child for ${n} replicates failed`);
      const r: ChildReport = JSON.parse(new TextDecoder().decode(out.stdout));
      console.log(
        `${String(n).padStart(10)}  ${r.usPerReplicate.toFixed(2).padStart(12)}  ${
          r.handUsPerReplicate.toFixed(3).padStart(12)
        }  ${r.heapBytesPerReplicate.toFixed(0).padStart(16)}  ${
          r.peakHeapBytesPerReplicate.toFixed(0).padStart(21)
        }  ${r.peakRssMiB.toFixed(1).padStart(12)}`,
      );
    }
    const a = await asyncTimers();
    console.log(
      `AsyncExecution, 1000 replicates × 50 ms timer: ${a.wallMs.toFixed(1)} ms = ${
        a.ratio.toFixed(2)
      }× the 50 ms floor`,
    );
  }
}
