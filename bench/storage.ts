/**
 * What storing a run costs per replicate, measured side by side in one run:
 *
 * 1. recording `outcomes.jsonl` alone: 100k outcomes of 2 conditions through
 *    `RunRecorder` (buffered, one write per batch of lines) next to one
 *    `open`/`write`/`close` per line with a JSON replacer (how it was
 *    recorded before);
 * 2. writing `run.json` of a 100k-replicate result: `toJsonText(…, 2)`
 *    (arrays of values on one line) next to `JSON.stringify` with a replacer
 *    and indentation (one number per line);
 * 3. end to end: a trivial 2-step pipeline (2 conditions) run serially with
 *    and without an `ArtifactPlugin`, alternating over rounds, at 10k and
 *    100k replicates: the extra time per replicate (per-round differences,
 *    and the difference of the best rounds, the least disturbed by other
 *    programs).
 *
 * Run: `deno task bench:storage [rounds]` (default 5; writes under
 * `.bench-tmp/`, removed after). Goal (issue #5): ≤ 1.5 µs per replicate.
 * @module
 */
import {
  ArtifactPlugin,
  dataSource,
  Experiment,
  LoggingPlugin,
  pipelineStep,
  SeedPlugin,
  treatment,
} from "../mod.ts";
import type { ReplicateOutcome } from "../src/storage/outcome.ts";
import { toJsonText } from "../src/storage/json_values.ts";
import { RunRecorder } from "../src/storage/run_recorder.ts";

const ROOT = ".bench-tmp/storage";

const source = dataSource((ctx) => ctx.replicate, { name: "index" });
const scale = pipelineStep((d: number, _ctx, { factor }) => d * factor, {
  name: "scale",
  params: { factor: 1 },
});
const record = pipelineStep((d: number, ctx) => {
  ctx.metrics.add("value", d);
  return d;
}, { name: "record" });

function experiment(replicates: number, root: string | undefined): Experiment {
  return new Experiment({
    name: "storage_bench",
    datasource: source(),
    pipeline: [scale(), record()],
    treatments: [treatment("double", { factor: 2 })],
    plugins: [
      new SeedPlugin({ seed: 1 }),
      new LoggingPlugin({ level: "silent" }),
      ...(root === undefined ? [] : [new ArtifactPlugin({ root, retention: 1 })]),
    ],
    replicates,
  });
}

function timedSync(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const range = (xs: readonly number[]) =>
  `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

/** The JSON replacer outcomes were written with before (non-finite numbers, bigints). */
function replacer(_key: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
  if (typeof v === "bigint") return { $bigint: v.toString() };
  return v;
}

function outcomes(n: number): ReplicateOutcome[] {
  return Array.from({ length: n }, (_, r) => ({
    replicate: r,
    conditions: ["baseline", "double"].map((condition, i) => ({
      condition,
      seed: (1 + r * 31337) >>> 0,
      metrics: { value: [r * (i + 1)] },
      durationMs: 0.0123456789 + r * 1e-9,
      stepMs: [0.00412345, 0.0023456],
    })),
  }));
}

function recording(rounds: number): void {
  const n = 100_000;
  const all = outcomes(n);
  const dir = `${ROOT}/recorder`;
  const logger = console as never;
  const buffered: number[] = [];
  const perLine: number[] = [];
  for (let round = 0; round < rounds; round++) {
    Deno.mkdirSync(dir, { recursive: true });
    buffered.push(
      timedSync(() => {
        const recorder = new RunRecorder({ dir, runId: "bench" }, logger);
        for (const o of all) recorder.appendOutcome(o);
        recorder.flush();
      }) * 1000 / n,
    );
    Deno.removeSync(dir, { recursive: true });
    Deno.mkdirSync(dir, { recursive: true });
    perLine.push(
      timedSync(() => {
        for (const o of all) {
          Deno.writeTextFileSync(`${dir}/outcomes.jsonl`, JSON.stringify(o, replacer) + "\n", {
            append: true,
          });
        }
      }) * 1000 / n,
    );
    Deno.removeSync(dir, { recursive: true });
  }
  console.log(
    `  outcomes.jsonl, ${n} lines: RunRecorder ${range(buffered)} µs/replicate; ` +
      `open/write/close per line with a replacer ${range(perLine)} µs/replicate`,
  );
}

async function runJson(rounds: number): Promise<void> {
  const n = 100_000;
  const json = (await experiment(n, undefined).run()).toJSON();
  const compactish: number[] = [];
  const oneNumberPerLine: number[] = [];
  let sizes = [0, 0];
  for (let round = 0; round < rounds; round++) {
    let text = "";
    compactish.push(timedSync(() => text = toJsonText(json, 2)) * 1000 / n);
    let old = "";
    oneNumberPerLine.push(timedSync(() => old = JSON.stringify(json, replacer, 2)) * 1000 / n);
    sizes = [text.length, old.length];
  }
  console.log(
    `  run.json of ${n} replicates: toJsonText(…, 2) ${range(compactish)} µs/replicate, ` +
      `${(sizes[0] / n).toFixed(0)} B/replicate; JSON.stringify(…, replacer, 2) ` +
      `${range(oneNumberPerLine)} µs/replicate, ${(sizes[1] / n).toFixed(0)} B/replicate`,
  );
}

async function endToEnd(rounds: number): Promise<void> {
  await experiment(2_000, ROOT).run(); // warm-up of both paths
  await experiment(2_000, undefined).run();
  for (const n of [10_000, 100_000]) {
    const plain: number[] = [];
    const stored: number[] = [];
    const extra: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const p = await timed(() => experiment(n, undefined).run());
      const s = await timed(() => experiment(n, ROOT).run());
      plain.push((p * 1000) / n);
      stored.push((s * 1000) / n);
      extra.push(((s - p) * 1000) / n);
    }
    console.log(
      `  n=${String(n).padEnd(7)} no storage ${range(plain)}  ArtifactPlugin ${range(stored)}  ` +
        `extra ${range(extra)}, best rounds ${
          (Math.min(...stored) - Math.min(...plain)).toFixed(2)
        }`,
    );
  }
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 5);
  try {
    console.log(`Storing a run, ${rounds} rounds: µs per replicate, median (min–max)`);
    recording(rounds);
    await runJson(rounds);
    console.log("  end to end, serial, trivial 2-step pipeline, 2 conditions:");
    await endToEnd(rounds);
  } finally {
    await Deno.remove(ROOT, { recursive: true }).catch(() => {});
  }
}
