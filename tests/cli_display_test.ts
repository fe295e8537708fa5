/**
 * What the CLI and its terminal UI show, as pure functions: progress of
 * resumed, cancelled and stopped runs, the live block around experiment
 * output, the run screen's key help, entry colours, what "best" ranks by.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { GraphEvent } from "../src/graph/experiment_graph.ts";
import type { ListEntry } from "../src/cli/commands/list.ts";
import { colored, colorStart } from "../src/cli/entry_color.ts";
import { ProgressDisplay } from "../src/cli/progress/display.ts";
import { renderProgress } from "../src/cli/progress/render.ts";
import { applyEvent, endProgress, initialProgress } from "../src/cli/progress/state.ts";
import { formatSummary } from "../src/cli/summary.ts";
import { bestLine } from "../src/report/text_summary.ts";
import { initialModel, openRun } from "../src/cli/tui/model.ts";
import { renderRun } from "../src/cli/tui/run_view.ts";
import { renderSelection } from "../src/cli/tui/selection_view.ts";
import { update } from "../src/cli/tui/update.ts";
import { readConfigFile } from "../src/config/folder_config.ts";
import { ConfigError } from "../src/config/config_error.ts";
import { dataSource, Experiment, hypothesis, pipelineStep, stats, treatment } from "../mod.ts";
import { LoggingPlugin } from "../src/run/logging_plugin.ts";
import { tempDir } from "./temp_dir.ts";
import { writeFiles } from "./fixtures/cli/run_cli.ts";

const base = { experiment: "demo", runId: "r" };
const resumed: GraphEvent = {
  type: "run-started",
  ...base,
  replicates: 8,
  conditions: ["baseline", "boost"],
  strategy: "serial",
  resumedFrom: 19,
  reused: { baseline: 4, boost: 4 },
};
const finished = (replicate: number, condition: string): GraphEvent => ({
  type: "replicate-finished",
  ...base,
  replicate,
  condition,
  durationMs: 5,
  ok: true,
});

function entry(extra: Partial<ListEntry> = {}): ListEntry {
  return {
    target: "exp/a",
    name: "a",
    kind: "folder",
    group: "Experiments",
    priority: 999,
    icon: "🧪",
    hidden: false,
    replicates: 3,
    description: "",
    ...extra,
  };
}

Deno.test("progress: replicates a resume reuses count as done, in the total and in the bars", () => {
  let s = applyEvent(initialProgress(0), resumed, 0);
  s = applyEvent(s, finished(4, "baseline"), 100);
  const lines = renderProgress(s, 200);
  assert.match(lines[0], /^demo · serial · 9\/16 replicates \(8 reused from v19\) · ETA /);
  assert.equal(lines[1], "  baseline [############--------] 5/8  4 reused");
  assert.equal(lines[2], "  boost    [##########----------] 4/8  4 reused");
});

Deno.test("progress: a cancelled or stopped run shows how it ended, not an ETA", () => {
  let s = applyEvent(initialProgress(0), { ...resumed, reused: undefined }, 0);
  s = applyEvent(s, finished(0, "baseline"), 100);
  assert.match(renderProgress(s, 200)[0], /ETA /);
  const stopped = endProgress(s);
  assert.match(renderProgress(stopped, 200)[0], /· 1\/16 replicates · stopped$/);
  let cancelled = applyEvent(s, {
    type: "replicate-finished",
    ...base,
    replicate: 0,
    condition: "boost",
    durationMs: 3,
    ok: false,
    cancelled: true,
  }, 110);
  cancelled = applyEvent(cancelled, {
    type: "run-cancelled",
    ...base,
    durationMs: 1200,
    finished: 1,
    cancelled: 1,
  }, 120);
  const lines = renderProgress(cancelled, 200);
  assert.match(lines[0], /· 1\/16 replicates · cancelled after 1\.2s · 1 cancelled$/);
  assert.equal(lines[2], "  boost    [--------------------] 0/8  1 cancelled");
  assert.equal(endProgress(cancelled), cancelled, "a cancelled run stays cancelled");

  // The terminal UI: a run that ended without finishing shows no ETA either.
  let model = update(initialModel(), {
    type: "listed",
    listing: { experiments: [entry()], errors: [] },
  }).model;
  model = update(model, { type: "key", key: "enter" }).model;
  model = { ...model, run: { ...model.run!, status: "running", progress: s } };
  model = update(model, { type: "run-ended", status: "failed", notice: "Failed: x" }).model;
  assert.equal(model.run!.progress!.ended, "stopped");
});

Deno.test("live progress: experiment output is written with the block erased and redrawn in one write", () => {
  const writes: string[] = [];
  const out = {
    writeSync(p: Uint8Array) {
      writes.push(new TextDecoder().decode(p));
      return p.length;
    },
  };
  const display = new ProgressDisplay("live", out);
  display.events([{ ...resumed, reused: undefined }]);
  display.output(new TextEncoder().encode("first line\n"));
  assert.equal(writes.length, 1);
  assert.match(writes[0], /^first line\ndemo · serial · 0\/16 replicates/);
  const block = writes[0].slice("first line\n".length);
  const height = block.split("\n").length - 1;
  display.output(new TextEncoder().encode("second line\n"));
  assert.equal(writes.length, 2, "no write leaves the block erased");
  assert.equal(writes[1], `\x1b[${height}F\x1b[Jsecond line\n${block}`);
  // An unfinished line waits for its end: drawing the block after it would garble both.
  display.output(new TextEncoder().encode("par"));
  assert.equal(writes.length, 2);
  display.output(new TextEncoder().encode("tial\n"));
  assert.equal(writes[2], `\x1b[${height}F\x1b[Jpartial\n${block}`);
  display.output(new TextEncoder().encode("no end"));
  display.close();
  assert.match(writes.at(-1)!, new RegExp(`^\x1b\\[\\d+F\x1b\\[Jno end\ndemo · `));
});

Deno.test("run screen: the summary tab's key help names s once", () => {
  const run = { ...openRun(entry()), ready: true, tab: "summary" as const, summary: ["x"] };
  const keys = renderRun(run, 200, 12).at(-1)!;
  assert.equal(keys.match(/\bs (summary|progress)\b/g)?.length, 1, keys);
  assert.match(keys, /^h html report · /, "the summary tab's own key first");
  assert.match(renderRun({ ...run, tab: "progress" }, 200, 12).at(-1)!, /s summary/);
});

Deno.test("entry colours: cli.color in the list and the UI when colour is on; a bad one is a config error", async () => {
  assert.equal(colorStart("#85C1E9"), "\x1b[38;2;133;193;233m");
  assert.equal(colorStart("#f00"), "\x1b[38;2;255;0;0m");
  assert.equal(colorStart("red"), "\x1b[31m");
  assert.equal(colored("x", "red", false), "x");
  const selection = {
    loading: false,
    entries: [entry({ color: "red" }), entry({ target: "exp/b", name: "b", color: "red" })],
    errors: [],
    cursor: 0,
  };
  assert.ok(
    renderSelection(selection, 60, 8, true).includes(
      "\x1b[31m  🧪 exp/b  b · 3 replicates\x1b[39m",
    ),
  );
  assert.ok(
    !renderSelection(selection, 60, 8).join("\n").includes("\x1b[31m"),
    "off without colour",
  );

  await using dir = await tempDir("cli-color");
  await writeFiles(dir.path, {
    "config.yaml": "cli: { color: bogus }\ndatasource: { n: numbers }\nsteps: [same]\n",
  });
  await assert.rejects(
    readConfigFile(join(dir.path, "config.yaml")),
    (e: Error) =>
      e instanceof ConfigError && /1:\d+: .*cli.*must be a colour: #rrggbb/.test(e.message),
  );
});

Deno.test("summaries say what best ranks by, and the direction of the best treatment's effect", async () => {
  const noise = dataSource((ctx) => ctx.rng.normal(0, 1), { name: "noise" });
  const record = pipelineStep((d: number, ctx, { shift }) => {
    ctx.metrics.add("score", d + shift);
    return d;
  }, { name: "record", params: { shift: 0 } });
  const result = await new Experiment({
    name: "models",
    datasource: noise(),
    pipeline: [record()],
    treatments: [treatment("better", { shift: 0.5 }), treatment("worse", { shift: -3 })],
    hypotheses: [hypothesis({ name: "h", verifier: stats.welch(), metrics: "score" })],
    plugins: [new LoggingPlugin({ level: "silent" })],
    replicates: 20,
  }).run({ seed: 3 });
  const h = result.toJSON().hypotheses[0];
  assert.equal(h.ranking.by, "lowest p-value");
  // The two-sided p-value ranks the largest difference first, whichever its direction.
  assert.match(
    bestLine(h),
    /^best \(lowest p-value\): worse \(below the baseline, effect size -\d/,
  );
  assert.match(
    formatSummary(result.toJSON()),
    /Hypothesis 'h' on score: best \(lowest p-value\): worse \(below/,
  );
});

Deno.test("a run whose every baseline replicate failed verifies no hypothesis and says why", async () => {
  const one = dataSource(() => 1, { name: "one" });
  const boom = pipelineStep((d: number, ctx) => {
    if (ctx.condition === "baseline") throw new Error("boom");
    ctx.metrics.add("score", d);
    return d;
  }, { name: "boom" });
  const result = await new Experiment({
    name: "broken",
    datasource: one(),
    pipeline: [boom()],
    treatments: [treatment("t", {})],
    hypotheses: [hypothesis({ name: "h", verifier: stats.welch(), metrics: "score" })],
    plugins: [new LoggingPlugin({ level: "silent" })],
    replicates: 3,
  }).run();
  assert.deepEqual(result.hypotheses, []);
  const summary = formatSummary(result.toJSON());
  assert.match(summary, /Hypotheses not verified: h \(no replicate of the baseline succeeded/);
  assert.doesNotMatch(summary, /ctx\.metrics\.add/);
});

Deno.test("run screen: a resume with nothing to do says so", async () => {
  const { runEnd } = await import("../src/cli/tui/run_outcome.ts");
  const result = {
    experiment: "demo",
    outputDir: "/w/exp/.crystallize/demo/v2",
    errors: [],
    provenance: { stored: { upToDate: true } },
  } as unknown as Parameters<typeof runEnd>[0]["results"][number];
  const end = runEnd(
    {
      loaded: [],
      results: [result],
      failures: {},
      failure: undefined,
      cancelled: false,
      swept: [],
    },
    "/w",
  );
  assert.match(
    end.notice,
    /Stored demo in exp\/\.crystallize\/demo\/v2 \(nothing to do: it was complete\)/,
  );
});
