/**
 * Progress of `crystallize run`: the pure state and rendering (events in,
 * lines out), a real pseudo-terminal (`script`), plain lines without a
 * terminal, and `--quiet`.
 */
import assert from "node:assert/strict";
import type { GraphEvent } from "../src/graph/experiment_graph.ts";
import { formatDuration, logLine, renderProgress } from "../src/cli/progress/render.ts";
import {
  applyEvent,
  EMA_ALPHA,
  etaMs,
  initialProgress,
  type ProgressState,
} from "../src/cli/progress/state.ts";
import { tempDir } from "./temp_dir.ts";
import { cli, CLI_FLAGS } from "./fixtures/cli/run_cli.ts";

const ESC = "\x1b";

const base = { experiment: "demo", runId: "r" };
const started: GraphEvent = {
  type: "run-started",
  ...base,
  replicates: 4,
  conditions: ["baseline", "boost"],
  strategy: "serial",
};
const finished = (replicate: number, condition: string, ok = true): GraphEvent => ({
  type: "replicate-finished",
  ...base,
  replicate,
  condition,
  durationMs: 5,
  ok,
});
const step = (type: "step-started" | "step-finished", name: string, cache = "miss"): GraphEvent =>
  type === "step-started"
    ? { type, ...base, replicate: 0, condition: "baseline", step: name, index: 0 }
    : {
      type,
      ...base,
      replicate: 0,
      condition: "baseline",
      step: name,
      index: 0,
      durationMs: 1,
      cache: cache as "hit" | "miss",
    };

function replay(events: readonly [GraphEvent, number][]): ProgressState {
  return events.reduce((s, [e, t]) => applyEvent(s, e, t), initialProgress(0));
}

Deno.test("progress state: counts per condition, EMA of the time per finished replicate, ETA", () => {
  const s = replay([
    [started, 1000],
    [finished(0, "baseline"), 1100], // 100 ms after the start
    [finished(0, "boost"), 1300], // 200 ms later
    [finished(1, "baseline", false), 1350], // 50 ms later
  ]);
  assert.deepEqual(s.perCondition, {
    baseline: { done: 2, failed: 1, reused: 0, cancelled: 0 },
    boost: { done: 1, failed: 0, reused: 0, cancelled: 0 },
  });
  const ema2 = EMA_ALPHA * 200 + (1 - EMA_ALPHA) * 100;
  const ema3 = EMA_ALPHA * 50 + (1 - EMA_ALPHA) * ema2;
  assert.equal(s.emaMs, ema3);
  assert.equal(etaMs(s), 5 * ema3, "8 replicates in all, 3 done");
  assert.equal(etaMs(replay([[started, 0]])), undefined, "no estimate before a replicate finishes");
});

Deno.test("progress rendering: bars per condition, per-step state with cache hits, last failure", () => {
  const s = replay([
    [started, 0],
    [finished(0, "baseline"), 100],
    [finished(1, "baseline"), 200],
    [step("step-started", "load"), 200],
    [step("step-finished", "load", "hit"), 210],
    [step("step-started", "load"), 220],
    [step("step-finished", "load", "miss"), 230],
    [step("step-started", "fit"), 230],
    [
      { type: "error", ...base, replicate: 2, condition: "boost", step: "fit", message: "boom" },
      240,
    ],
    [finished(2, "boost", false), 240],
  ]);
  assert.deepEqual(renderProgress(s, 200), [
    `demo · serial · 3/8 replicates · ETA ${formatDuration(etaMs(s))} · 1 failed`,
    "  baseline [##########----------] 2/4",
    "  boost    [#####---------------] 1/4  1 failed",
    "  steps: load (idle, 2 done, 1 cached) · fit (failed, 0 done, 1 failed)",
    "  last failure: boost #2 in fit: boom",
  ]);
  assert.ok(renderProgress(s, 30).every((l) => l.length <= 30), "lines fit the terminal width");
  const done = applyEvent(s, {
    type: "run-finished",
    ...base,
    durationMs: 1234,
    replicates: 4,
    errors: 1,
  }, 300);
  assert.match(renderProgress(done, 200)[0], /done in 1\.2s · 1 failed$/);
  assert.deepEqual(renderProgress(initialProgress(0), 80), []);
});

Deno.test("progress log lines: start, failures, every 10%, end; graph nodes", () => {
  let s = initialProgress(0);
  const lines: string[] = [];
  const events: GraphEvent[] = [
    { type: "experiment-started", experiment: "demo" },
    started,
    ...[0, 1, 2, 3].flatMap((r) => [finished(r, "baseline"), finished(r, "boost")]),
    { type: "run-finished", ...base, durationMs: 2500, replicates: 4, errors: 0 },
    { type: "experiment-finished", experiment: "demo" },
  ];
  events.forEach((e, i) => {
    const next = applyEvent(s, e, i * 10);
    const line = logLine(s, next, e);
    if (line !== undefined) lines.push(line);
    s = next;
  });
  assert.equal(lines[0], "[demo] started");
  assert.equal(lines[1], "[demo] started: 4 replicates × 2 conditions (baseline, boost), serial");
  assert.equal(lines.filter((l) => /\] \d+% \(/.test(l)).length, 7, "one line per 10% step passed");
  assert.equal(lines.at(-2), "[demo] finished in 2.5s: 4 replicates, 0 failed");
  assert.equal(lines.at(-1), "[demo] finished");
  assert.deepEqual(s.nodes, { demo: "finished" });
});

Deno.test("on a real terminal the run redraws a progress block in place", async () => {
  await using dir = await tempDir("cli-pty");
  const command = [
    "deno",
    "run",
    ...CLI_FLAGS,
    "cli.ts",
    "run",
    "tests/fixtures/cli/slow.ts",
    "--out",
    dir.path,
  ]
    .join(" ");
  const out = await new Deno.Command("script", {
    args: ["-qfec", command, "/dev/null"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(text.includes(`${ESC}[4F${ESC}[J`), "the block is erased and redrawn");
  assert.match(text, /slow · serial · \d+\/16 replicates · ETA \d+\.\ds/);
  assert.match(text, / {2}baseline \[#*-*\] \d\/8/);
  assert.match(text, /steps: wait \(running 1, \d+ done\)/);
  assert.match(text, /slow · serial · 16\/16 replicates · done in/);
  assert.match(text, /Experiment 'slow' v0: 8 replicates per condition/);
});

Deno.test("without a terminal: plain log lines on stderr; --quiet prints nothing", async () => {
  await using dir = await tempDir("cli-lines");
  const plain = await cli(["run", "tests/fixtures/cli/slow.ts", "--out", dir.path]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(!plain.stderr.includes(ESC), "no escape sequences without a terminal");
  assert.match(
    plain.stderr,
    /^\[slow\] started: 8 replicates × 2 conditions \(baseline, other\), serial$/m,
  );
  assert.match(plain.stderr, /^\[slow\] 50% \(8\/16 replicates\), ETA /m);
  assert.match(plain.stderr, /^\[slow\] finished in [\d.]+s: 8 replicates, 0 failed$/m);
  assert.match(plain.stdout, /^Experiment 'slow'/);
  const quiet = await cli(["run", "tests/fixtures/cli/slow.ts", "--quiet", "--out", dir.path]);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stdout, "");
  assert.equal(quiet.stderr, "");
});
