/**
 * The terminal UI (`crystallize` without arguments): the pure parts (keys,
 * state transitions, screens at a fixed width, config.state.json, run
 * outcomes) and the real CLI in a real pseudo-terminal.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { GraphEvent } from "../src/graph/experiment_graph.ts";
import type { SandboxedOutcome } from "../src/cli/sandboxed_run.ts";
import { entryTarget, entryTreatments } from "../src/cli/tui/entry_target.ts";
import { parseKeys } from "../src/cli/tui/keys.ts";
import type { TuiAction } from "../src/cli/tui/messages.ts";
import { initialModel } from "../src/cli/tui/model.ts";
import { runEnd } from "../src/cli/tui/run_outcome.ts";
import { treeNode } from "../src/cli/tui/run_tree.ts";
import {
  formatRunState,
  parseRunState,
  readRunState,
  writeRunState,
} from "../src/cli/tui/run_state.ts";
import { RunStateError } from "../src/cli/tui/run_state_error.ts";
import { renderScreen } from "../src/cli/tui/screen.ts";
import { displayWidth, fitLine, plainText } from "../src/cli/tui/text.ts";
import { runSettings } from "../src/cli/tui/update.ts";
import { tempDir } from "./temp_dir.ts";
import { entry, play } from "./fixtures/cli/tui/model_steps.ts";
import { cli, copyExample } from "./fixtures/cli/run_cli.ts";
import { startCrystallize } from "./fixtures/cli/tui/pty.ts";

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const readState = async (folder: string) =>
  JSON.parse(await Deno.readTextFile(join(folder, "config.state.json")));

Deno.test("pty: select, run, toggle caching and treatments, summary, quit restores the terminal", async () => {
  await using dir = await tempDir("cli-tui");
  const made = await cli(["new", "demo", "--dir", join(dir.path, "experiments")]);
  assert.equal(made.code, 0, made.stderr);
  await Deno.mkdir(join(dir.path, "broken"));
  await Deno.writeTextFile(join(dir.path, "broken", "config.yaml"), "name: broken\nsteps: 3\n");
  const folder = join(dir.path, "experiments", "demo");

  const ui = startCrystallize(dir.path);
  const listed = await ui.waitFor(/Failed to load 1 file/);
  assert.match(listed, /Experiments\n› 🧪 experiments\/demo {2}demo · 10 replicates/);
  assert.match(listed, /broken\/config\.yaml:2:\d+: .*steps/);

  await ui.press("\r");
  await ui.waitFor(/Press r to run demo\./);
  await ui.waitFor(/status: ready · strategy resume · executor own · treatments: add_one on/);

  await ui.press("r");
  const ran = await ui.waitFor(
    /Finished\. Stored demo in experiments\/demo\/\.crystallize\/demo\/v0/,
  );
  assert.match(ran, /demo · serial · 20\/20 replicates · done in/);
  assert.match(ran, / {2}add_one {2}\[#{20}\] 10\/10/);
  // The tree: the experiment and its steps done, neither step cached by its code.
  assert.match(ran, /› ✅ 🔒 demo +│/);
  assert.match(ran, / {3}✅ 🔓 add_delta {2}20 done +│/);
  assert.match(ran, / {3}✅ 🔓 record_total {2}20 done +│/);
  assert.ok(await exists(join(folder, ".crystallize", "demo", "v0", "run.json")), "run stored");

  await ui.press("l");
  await ui.waitFor(/strategy rerun/);
  assert.deepEqual(await readState(folder), {
    inactive_treatments: [],
    uncached_experiments: ["demo"],
    step_caching: {},
  });

  await ui.press("x");
  await ui.waitFor(/› \[x\] add_one/);
  await ui.press(" ");
  await ui.waitFor(/› \[ \] add_one/);
  assert.deepEqual(await readState(folder), {
    inactive_treatments: ["add_one"],
    uncached_experiments: ["demo"],
    step_caching: {},
  });
  await ui.press("\x1b");
  await ui.waitFor(/treatments: add_one off/);

  // The next run honours both: baseline only, recomputed into a new version.
  await ui.press("r");
  await ui.waitFor(
    /Finished\. Stored demo in experiments\/demo\/\.crystallize\/demo\/v1[\s\S]*q quit/,
  );
  // The last frame: text since a key press may hold frames drawn before the key took effect.
  const again = ui.screen();
  assert.match(again, /demo · serial · 10\/10 replicates · done in/);
  assert.doesNotMatch(again, /add_one {2}\[/);

  await ui.press("s");
  const summary = await ui.waitFor(/Experiment 'demo' v1: 10 replicates per condition/);
  assert.match(summary, /│ 1 Progress {2}2 Logs {2}3 Errors {2}4 Summary {2}5 History/);
  assert.match(summary, /baseline +total +10 +[\d.]+ ± [\d.]+/);

  await ui.press("q");
  const { code, raw } = await ui.finished();
  assert.equal(code, 0);
  assert.match(raw, /exit=0/);
  const stty = raw.slice(raw.lastIndexOf("exit=0"));
  assert.match(stty, /(^|\s)icanon(\s|$)/m, "canonical mode is back");
  assert.match(stty, /(^|\s)echo(\s|$)/m, "echo is back");
  assert.ok(
    raw.lastIndexOf("\x1b[?25h") > raw.lastIndexOf("\x1b[?25l"),
    "the cursor is shown again",
  );
  assert.ok(raw.lastIndexOf("\x1b[?1049l") > raw.lastIndexOf("\x1b[?1049h"), "screen restored");
});

Deno.test("pty: c cancels a running run; q during a run cancels it and quits", async () => {
  await using dir = await tempDir("cli-tui-cancel");
  await copyExample("tests/fixtures/cli/tui/slow", join(dir.path, "slow"));
  const ui = startCrystallize(dir.path);
  await ui.waitFor(/Fixtures\n› 🐢 slow {2}slow · 40 replicates/);
  await ui.press("\r");
  await ui.waitFor(/status: ready/);

  await ui.press("r");
  const running = await ui.waitFor(
    /baseline +\[#*-+\] +[1-9]\d?\/40[\s\S]*Output \(2 shows it all\):\n +│ {2}nap \d+/,
  );
  assert.match(running, /status: running · strategy resume · executor own · treatments: other on/);
  await ui.press("c");
  const cancelled = await ui.waitFor(/Run cancelled/);
  assert.match(cancelled, /status: cancelled/);
  assert.doesNotMatch(cancelled, /80\/80 replicates/, "stopped before the end");

  await ui.press("r");
  await ui.waitFor(/baseline +\[#*-+\] +[1-9]\d?\/40/);
  await ui.press("q");
  const { code, raw } = await ui.finished();
  assert.equal(code, 0);
  assert.doesNotMatch(raw.slice(raw.lastIndexOf("\x1b[?1049h")), /80\/80 replicates/);
});

Deno.test("pty: SIGTERM during a run cancels it, restores the terminal and exits 130", async () => {
  await using dir = await tempDir("cli-tui-term");
  await copyExample("tests/fixtures/cli/tui/slow", join(dir.path, "slow"));
  const ui = startCrystallize(dir.path);
  const pid = await ui.pid();
  await ui.waitFor(/› 🐢 slow/);
  await ui.press("\r");
  await ui.waitFor(/status: ready/);
  await ui.press("r");
  await ui.waitFor(/baseline +\[#*-+\] +[1-9]\d?\/40/);
  // The test may run only script: a shell inside it sends the signal.
  const kill = await new Deno.Command("script", {
    args: ["-qfec", `kill -TERM ${pid}`, "/dev/null"],
    stdout: "null",
  }).output();
  assert.equal(kill.code, 0);
  const { code, raw } = await ui.finished();
  assert.equal(code, 130);
  assert.doesNotMatch(raw, /80\/80 replicates/, "the run was cancelled");
  const stty = raw.slice(raw.lastIndexOf("exit=130"));
  assert.match(stty, /(^|\s)icanon(\s|$)/m);
  assert.ok(raw.lastIndexOf("\x1b[?25h") > raw.lastIndexOf("\x1b[?25l"), "cursor shown");
});

Deno.test("pty: a graph entry runs with the experiment it reads from", async () => {
  await using dir = await tempDir("cli-tui-graph");
  await copyExample("examples/dag", join(dir.path, "dag"));
  const ui = startCrystallize(dir.path);
  await ui.waitFor(/Graphs\n {2}📈 dag\/consumer {2}consumer \(graph\)/);
  await ui.press("j\r");
  await ui.waitFor(/status: ready · strategy resume · executor own · treatments: drifted on/);
  await ui.press("r");
  const ran = await ui.waitFor(/Finished\. Stored producer in .*, consumer in/);
  assert.match(ran, /graph: producer finished · consumer finished/);
  assert.match(ran, /consumer · serial · 12\/12 replicates · done in/);
  for (const name of ["producer", "consumer"]) {
    assert.ok(await exists(join(dir.path, "dag", name, ".crystallize", name, "v0", "run.json")));
  }
  await ui.press("q");
  assert.equal((await ui.finished()).code, 0);
});

Deno.test("without a terminal, crystallize prints help and exits 2", async () => {
  const out = await cli([]);
  assert.equal(out.code, 2);
  assert.match(out.stdout + out.stderr, /Usage: crystallize/);
});

// ---------------------------------------------------------------- pure parts

const REVERSE_ON = "\x1b[7m";
const REVERSE_OFF = "\x1b[27m";

const ENTRIES = [
  entry("exp/a", { description: "first one" }),
  entry("exp/b"),
  entry("exp/hidden", { hidden: true }),
  entry("dag/c", { group: "Graphs", kind: "graph", icon: "📈", replicates: 1 }),
];

const listed: TuiAction = { type: "listed", listing: { experiments: ENTRIES, errors: [] } };
const opened = (extra: Partial<TuiAction & { type: "opened" }> = {}): TuiAction => ({
  type: "opened",
  target: "exp/a",
  treatments: ["t1", "t2"],
  choices: { inactiveTreatments: ["t2"], uncachedExperiments: [], stepCaching: {} },
  persisted: true,
  tree: [treeNode("a", [{ name: "s1", cacheable: true }, { name: "s2", cacheable: undefined }])],
  facts: [],
  ...extra,
});

Deno.test("keys: arrows, navigation sequences, control keys, Escape followed by a key, text", () => {
  assert.deepEqual(parseKeys("\x1b[A\x1b[B\x1bOC\x1b[5~\x1b[1;2H"), [
    "up",
    "down",
    "right",
    "page-up",
    "home",
  ]);
  assert.deepEqual(parseKeys("\r\x03 \x7f\t"), ["enter", "ctrl-c", "space", "backspace", "tab"]);
  assert.deepEqual(parseKeys("\x1bq"), ["escape", "q"], "Escape then q, typed quickly");
  assert.deepEqual(parseKeys("\x1b"), ["escape"]);
  assert.deepEqual(parseKeys("jké🧪"), ["j", "k", "é", "🧪"]);
  assert.deepEqual(parseKeys("\x1b[99~x"), ["x"], "unknown sequences are dropped");
});

Deno.test("selection: hidden entries left out, cursor clamps, Enter opens, r rescans, q quits", () => {
  let { model } = play(initialModel(), listed);
  assert.equal(model.selection.loading, false);
  assert.deepEqual(model.selection.entries.map((e) => e.target), ["exp/a", "exp/b", "dag/c"]);
  model = play(model, "k").model;
  assert.equal(model.selection.cursor, 0, "clamped at the top");
  model = play(model, "down", "j", "j", "end").model;
  assert.equal(model.selection.cursor, 2, "clamped at the bottom");
  model = play(model, "up").model;
  const enter = play(model, "enter");
  assert.equal(enter.model.screen, "run");
  assert.equal(enter.model.run?.entry.target, "exp/b");
  assert.deepEqual(enter.effects, [{ type: "open", entry: ENTRIES[1] }]);

  const rescan = play(model, "r");
  assert.equal(rescan.model.selection.loading, true);
  assert.deepEqual(rescan.effects, [{ type: "list" }]);
  // After a rescan the cursor stays on the same experiment, wherever it moved.
  const moved = play(rescan.model, {
    type: "listed",
    listing: { experiments: [ENTRIES[3], ENTRIES[0], ENTRIES[1]], errors: [] },
  });
  assert.equal(moved.model.selection.cursor, 2);

  const quit = play(model, "q");
  assert.equal(quit.model.done, true);
  assert.deepEqual(quit.effects, [{ type: "quit" }]);
  assert.deepEqual(play(model, "ctrl-c").effects, [{ type: "quit" }]);
  assert.deepEqual(play(initialModel(), "enter").effects, [], "nothing to open while scanning");
});

Deno.test("run screen: r runs with the saved choices, c cancels, results come back", () => {
  let { model } = play(initialModel(), listed, "enter");
  assert.deepEqual(play(model, "r").effects, [], "nothing runs before the choices are loaded");
  model = play(model, opened()).model;
  assert.equal(model.run?.ready, true);

  const started = play(model, "r");
  assert.equal(started.model.run?.status, "running");
  assert.deepEqual(started.effects, [{
    type: "run",
    entry: ENTRIES[0],
    settings: { cache: true, strategy: "resume", treatments: ["t1"] },
  }]);
  const again = play(started.model, "r");
  assert.deepEqual(again.effects, []);
  assert.equal(again.model.run?.notice, "A run is in progress: c cancels it.");

  const cancelled = play(started.model, "c");
  assert.equal(cancelled.model.run?.status, "cancelling");
  assert.deepEqual(cancelled.effects, [{ type: "cancel" }]);
  assert.deepEqual(play(cancelled.model, "c").effects, [], "cancel is asked for once");
  const ended = play(cancelled.model, {
    type: "run-ended",
    status: "cancelled",
    notice: "Run cancelled: r runs it again.",
  });
  assert.equal(ended.model.run?.status, "cancelled");
  assert.equal(ended.model.screen, "run");
  assert.equal(play(ended.model, "c").model.run?.notice, "No run to cancel.");
});

Deno.test("run screen: q and Esc during a run cancel it first, then quit or go back", () => {
  const running = play(initialModel(), listed, "enter", opened(), "r").model;
  const end: TuiAction = { type: "run-ended", status: "cancelled", notice: "x" };

  const quit = play(running, "q");
  assert.deepEqual(quit.effects, [{ type: "cancel" }]);
  assert.equal(quit.model.done, false, "not before the runner has stopped");
  const quitEnded = play(quit.model, end);
  assert.equal(quitEnded.model.done, true);
  assert.deepEqual(quitEnded.effects, [{ type: "quit" }]);

  const back = play(running, "escape");
  assert.deepEqual(back.effects, [{ type: "cancel" }]);
  assert.equal(back.model.screen, "run");
  const backEnded = play(back.model, end);
  assert.equal(backEnded.model.screen, "select");
  assert.equal(backEnded.model.run, undefined);

  const idle = play(initialModel(), listed, "enter", opened()).model;
  assert.equal(play(idle, "escape").model.screen, "select");
  assert.deepEqual(play(idle, "q").effects, [{ type: "quit" }]);
});

Deno.test("run screen: l and x change the choices and save them; the next run uses them", () => {
  const model = play(initialModel(), listed, "enter", opened()).model;
  const uncached = play(model, "l");
  assert.deepEqual(uncached.model.run?.choices.uncachedExperiments, ["a"]);
  assert.deepEqual(uncached.effects, [{
    type: "save",
    entry: ENTRIES[0],
    choices: { inactiveTreatments: ["t2"], uncachedExperiments: ["a"], stepCaching: {} },
  }]);
  assert.match(uncached.model.run?.notice ?? "", /Caching off for a/);
  assert.equal(runSettings(uncached.model.run!).strategy, "rerun");
  assert.deepEqual(play(uncached.model, "l").model.run?.choices.uncachedExperiments, []);

  const picker = play(model, "x");
  assert.deepEqual(picker.model.run?.picker, { kind: "treatments", cursor: 0 });
  const toggled = play(picker.model, "space", "j", "x");
  assert.deepEqual(toggled.model.run?.choices.inactiveTreatments, ["t1"]);
  assert.deepEqual(toggled.effects.map((e) => e.type), ["save", "save"]);
  assert.deepEqual(runSettings(toggled.model.run!), {
    cache: true,
    strategy: "resume",
    treatments: ["t2"],
  });
  const allOff = play(toggled.model, "space").model;
  assert.deepEqual(runSettings(allOff.run!).treatments, [], "all off: the baseline only");
  const closed = play(toggled.model, "escape").model;
  assert.equal(closed.run?.picker, undefined);
  assert.equal(closed.screen, "run", "Esc closes the picker, not the screen");

  const allOn = play(model, "x", "enter").model;
  assert.deepEqual(allOn.run?.choices.inactiveTreatments, ["t1", "t2"]);
  assert.deepEqual(
    runSettings(play(model, "x", "j", "space").model.run!),
    { cache: true, strategy: "resume" },
    "every treatment on: the experiment's own list",
  );
});

Deno.test("run screen: module experiments keep choices for the session; x needs treatments", () => {
  const module = entry("exp/a.ts#demo", { kind: "module", name: "a" });
  const listing: TuiAction = { type: "listed", listing: { experiments: [module], errors: [] } };
  const model = play(initialModel(), listing, "enter", {
    type: "opened",
    target: module.target,
    treatments: undefined,
    choices: { inactiveTreatments: [], uncachedExperiments: [], stepCaching: {} },
    persisted: false,
    tree: [],
    facts: [],
  }).model;
  const cached = play(model, "l");
  assert.deepEqual(cached.effects, [], "nothing is written");
  assert.match(cached.model.run?.notice ?? "", /for this session/);
  const x = play(model, "x");
  assert.equal(x.model.run?.picker, undefined);
  assert.match(x.model.run?.notice ?? "", /folder experiments/);

  const none = play(initialModel(), listed, "enter", opened({ treatments: [] })).model;
  assert.equal(play(none, "x").model.run?.notice, "This experiment has no treatments.");
  const late = play(none, opened({ target: "exp/b", treatments: ["zzz"] })).model;
  assert.deepEqual(late.run?.treatments, [], "an answer for another screen is ignored");
});

Deno.test("run screen: s loads the stored summary, scrolls, and switches back", () => {
  const model = play(initialModel(), listed, "enter", opened()).model;
  const asked = play(model, "s");
  assert.equal(asked.model.run?.tab, "summary");
  assert.deepEqual(asked.effects, [{ type: "summary", entry: ENTRIES[0] }]);
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  let shown = play(asked.model, { type: "summary", target: "exp/a", lines }).model;
  shown = play(shown, "down", "down", "page-down").model;
  assert.equal(shown.run?.scroll, 12);
  shown = play(shown, "up", "page-up", "page-up").model;
  assert.equal(shown.run?.scroll, 0);
  assert.equal(play(shown, "s").model.run?.tab, "progress");
});

const events = (...list: unknown[]) => list as GraphEvent[];
const base = { experiment: "a", runId: "r" };

Deno.test("screens: selection at 50×14 — groups, highlighted cursor, load errors, keys", () => {
  const model = play(initialModel(), {
    type: "listed",
    listing: {
      experiments: ENTRIES,
      errors: [
        {
          path: "bad/config.yaml",
          message:
            "bad/config.yaml:2:8: steps must be a list\nbad/config.yaml:3:1: unknown key 'x'",
        },
        { path: "m.ts", message: "could not load" },
      ],
    },
  }, "j").model;
  assert.deepEqual(renderScreen(model, 50, 14), [
    "Crystallize · experiments and graphs below the wo…",
    "",
    "Experiments",
    "  🧪 exp/a  a · 3 replicates · first one",
    `${REVERSE_ON}› 🧪 exp/b  b · 3 replicates                      ${REVERSE_OFF}`,
    "Graphs",
    "  📈 dag/c  c (graph) · 1 replicate",
    "",
    "Failed to load 2 files (e opens the place):",
    "  bad/config.yaml:2:8: steps must be a list",
    "    bad/config.yaml:3:1: unknown key 'x'",
    "  m.ts: could not load",
    "",
    "↑/↓ move · enter open · n new · g config · q quit",
  ]);
  assert.deepEqual(renderScreen(initialModel(), 50, 4), [
    "Crystallize · experiments and graphs below the wo…",
    "",
    "Scanning for experiments and graphs…",
    "↑/↓ move · enter open · n new · g config · q quit",
  ]);
});

Deno.test("screens: the selection list scrolls to keep the cursor visible", () => {
  const many = Array.from({ length: 20 }, (_, i) => entry(`exp/e${String(i).padStart(2, "0")}`));
  let model = play(initialModel(), { type: "listed", listing: { experiments: many, errors: [] } })
    .model;
  model = play(model, ...Array(15).fill("down")).model;
  const screen = renderScreen(model, 40, 8);
  assert.equal(screen.length, 8);
  assert.ok(screen.some((l) => l.includes(`${REVERSE_ON}› 🧪 exp/e15`)), screen.join("\n"));
  assert.equal(screen.at(-1), "↑/↓ move · enter open · n new · q quit");
});

Deno.test("screens: run screen at 60×16 — choices, live progress with cache hits, output", () => {
  let { model } = play(initialModel(), listed, "enter");
  assert.equal(
    renderScreen(model, 60, 16)[1],
    "status: loading… · strategy resume · executor own · treatme…",
  );
  model = play(model, opened()).model;
  assert.equal(renderScreen(model, 60, 16)[7], "Press r to run a.");
  model = play(model, "r", {
    type: "events",
    now: 1000,
    events: events(
      {
        ...base,
        type: "run-started",
        replicates: 3,
        conditions: ["baseline", "t1"],
        strategy: "serial",
      },
      { ...base, type: "step-started", step: "s1", index: 0, condition: "baseline", replicate: 0 },
      {
        ...base,
        type: "step-finished",
        step: "s1",
        index: 0,
        condition: "baseline",
        replicate: 0,
        cache: "hit",
        durationMs: 5,
      },
      {
        ...base,
        type: "replicate-finished",
        condition: "baseline",
        replicate: 0,
        ok: true,
        durationMs: 5,
      },
    ),
  }, {
    type: "events",
    now: 3000,
    events: events(
      { ...base, type: "step-started", step: "s1", index: 0, condition: "baseline", replicate: 1 },
    ),
  }, { type: "output", text: "hello\x1b[31m red\x1b[0m\r\nsecond\n" }).model;
  // Narrower than 72 columns: the tree above the tabs.
  assert.deepEqual(renderScreen(model, 60, 16), [
    "🧪 exp/a  a · 3 replicates · first one",
    "status: running · strategy resume · executor own · treatmen…",
    "─".repeat(60),
    `${REVERSE_ON}› 🔄 🔒 a${" ".repeat(51)}${REVERSE_OFF}`,
    `   🔄 🔒 s1  1 done, 1 cached, 1 running${" ".repeat(20)}`,
    `   ⏳ ❔ s2${" ".repeat(49)}`,
    `${REVERSE_ON} 1 Progress ${REVERSE_OFF} 2 Logs  3 Errors  4 Summary  5 History `,
    "a · serial · 1/6 replicates · ETA 0.0s",
    "  baseline [######--------------] 1/3",
    "  t1       [--------------------] 0/3",
    "  steps: s1 (running 1, 1 done, 1 cached)",
    "",
    "Output (2 shows it all):",
    "─".repeat(60),
    "",
    "r run · c cancel · l cache · x treatments · p exec · q quit",
  ]);
  // 80 columns: side by side, the output's end under the progress, the details under the tree.
  const wide = renderScreen(model, 80, 24);
  assert.equal(wide.length, 24);
  assert.equal(
    wide[3],
    `${REVERSE_ON}› 🔄 🔒 a${
      " ".repeat(23)
    }${REVERSE_OFF}│${REVERSE_ON} 1 Prog ${REVERSE_OFF} 2 Logs  3 Erro  4 Summ  5 Hist `,
  );
  assert.equal(wide[10], `${" ".repeat(32)}│  hello red`);
  assert.match(wide[17], /^a: caching on \(resume\); no +│$/);
});

Deno.test("screens: treatment picker and summary tab", () => {
  const model = play(initialModel(), listed, "enter", opened(), "x", "j").model;
  const picker = renderScreen(model, 100, 12);
  assert.deepEqual(picker.slice(4, 7).map((l) => l.split("│")[1]), [
    "Treatments (the baseline always runs; saved in config.state.js…",
    "  [x] t1",
    `${REVERSE_ON}› [ ] t2${" ".repeat(55)}${REVERSE_OFF}`,
  ]);
  assert.equal(picker.at(-1), "↑/↓ move · space or x toggle · esc close");

  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  const summary = play(model, "escape", "s", { type: "summary", target: "exp/a", lines }, "down")
    .model;
  assert.equal(summary.run?.focus, "tab", "a tab shown takes the arrow keys");
  const screen = renderScreen(summary, 100, 12);
  assert.deepEqual(screen.slice(4, 7).map((l) => l.split("│")[1]), [
    "line 1",
    `${REVERSE_ON}line 2${" ".repeat(57)}${REVERSE_OFF}`,
    "line 3",
  ]);
  const loading = play(model, "escape", "s").model;
  assert.ok(
    renderScreen(loading, 100, 12)[4].split("│")[1].startsWith(
      `${REVERSE_ON}Loading the last stored run…`,
    ),
  );
});

Deno.test("config.state.json: parse, format, read and write; bad files name the file and the fix", async () => {
  assert.deepEqual(parseRunState('{"inactive_treatments": ["b", "a", "b"]}', "f.json"), {
    inactiveTreatments: ["a", "b"],
    uncachedExperiments: [],
    stepCaching: {},
  });
  assert.equal(
    formatRunState({
      inactiveTreatments: ["b", "a"],
      uncachedExperiments: [],
      stepCaching: { e: { z: true, a: false }, empty: {} },
    }),
    '{\n  "inactive_treatments": [\n    "a",\n    "b"\n  ],\n  "uncached_experiments": [],\n' +
      '  "step_caching": {\n    "e": {\n      "a": false,\n      "z": true\n    }\n  }\n}\n',
  );
  assert.throws(
    () => parseRunState("{oops", "exp/config.state.json"),
    (e: Error) =>
      e instanceof RunStateError && /^exp\/config\.state\.json: not valid JSON/.test(e.message) &&
      /delete it/.test(e.message),
  );
  assert.throws(
    () => parseRunState('{"inactive_treatments": "a"}', "f.json"),
    /inactive_treatments must be a list of names/,
  );
  assert.throws(() => parseRunState("[]", "f.json"), RunStateError);

  await using dir = await tempDir("tui-state");
  assert.deepEqual(await readRunState(dir.path), {
    inactiveTreatments: [],
    uncachedExperiments: [],
    stepCaching: {},
  });
  writeRunState(dir.path, {
    inactiveTreatments: ["x"],
    uncachedExperiments: ["e"],
    stepCaching: { e: { s: false } },
  });
  assert.deepEqual(await readRunState(dir.path), {
    inactiveTreatments: ["x"],
    uncachedExperiments: ["e"],
    stepCaching: { e: { s: false } },
  });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir.path, "config.state.json"))), {
    inactive_treatments: ["x"],
    uncached_experiments: ["e"],
    step_caching: { e: { s: false } },
  });
  assert.throws(
    () => parseRunState('{"step_caching": {"e": {"s": "yes"}}}', "f.json"),
    /step_caching must map experiment names to \{step: true \| false\} \(see 'e'\)/,
  );
});

Deno.test("run outcomes: cancelled, could not run, a graph experiment failed, replicates failed, finished", () => {
  const outcome = (extra: Partial<SandboxedOutcome>): SandboxedOutcome => ({
    loaded: [],
    results: [],
    failures: {},
    failure: undefined,
    cancelled: false,
    swept: [],
    ...extra,
  });
  const result = (errors: number) =>
    ({
      experiment: "demo",
      outputDir: "/w/exp/.crystallize/demo/v2",
      errors: Array(errors).fill({}),
    }) as unknown as SandboxedOutcome["results"][number];
  assert.equal(runEnd(outcome({ cancelled: true }), "/w").status, "cancelled");
  assert.deepEqual(
    runEnd(outcome({ failure: { name: "E", message: "bad\nstack", kind: "usage" } }), "/w"),
    { status: "failed", notice: "Failed: bad" },
  );
  assert.deepEqual(
    runEnd(outcome({ failures: { up: { name: "E", message: "boom" } } }), "/w"),
    { status: "failed", notice: "Experiment 'up' failed: boom" },
  );
  assert.deepEqual(runEnd(outcome({ results: [result(2)] }), "/w"), {
    status: "finished",
    notice:
      "Finished with 2 failed replicates. Stored demo in exp/.crystallize/demo/v2. s shows them.",
  });
  assert.deepEqual(runEnd(outcome({ results: [result(0)] }), "/w"), {
    status: "finished",
    notice: "Finished. Stored demo in exp/.crystallize/demo/v2. s shows the summary.",
  });
});

Deno.test("text: display width of emoji, fitting, and output cleaned of control sequences", () => {
  assert.equal(displayWidth("🧪 demo"), 7);
  assert.equal(fitLine("a long line", 6), "a lon…");
  assert.equal(fitLine("ab", 4, true), "ab  ");
  assert.equal(fitLine("🧪🧪🧪", 4), "🧪…");
  assert.equal(plainText("\x1b[31mred\x1b[0m\r\n\x1b]0;title\x07ok\x07"), "red\nok");
});

Deno.test("entries: a folder's treatments; a graph's include those it reads from and run as a graph", async () => {
  await using dir = await tempDir("tui-entries");
  await copyExample("examples/dag", join(dir.path, "dag"));
  const consumer = entry(join(dir.path, "dag", "consumer"), { kind: "graph", name: "consumer" });
  const producer = entry(join(dir.path, "dag", "producer"), { name: "producer" });
  assert.deepEqual(await entryTreatments(producer), ["drifted"]);
  assert.deepEqual(await entryTreatments(consumer), ["drifted"], "inherited from producer");
  assert.equal(await entryTreatments(entry("x.ts", { kind: "module" })), undefined);
  const target = await entryTarget(consumer);
  // The graph of exactly the consumer and what it reads: its sandbox reads those folders only.
  assert.deepEqual(target.spec, {
    kind: "graph-folder",
    folder: join(Deno.cwd(), dir.path, "dag", "consumer"),
    members: ["consumer", "producer"].map((name) => join(Deno.cwd(), dir.path, "dag", name)),
  });
  assert.deepEqual(target.read, target.spec.kind === "graph-folder" ? target.spec.members : []);
  assert.ok(
    target.write.includes(join(Deno.cwd(), dir.path, "dag", "producer", ".crystallize")),
    "the producer may store its run",
  );
  assert.deepEqual((await entryTarget(producer)).spec, {
    kind: "folder",
    folder: join(Deno.cwd(), dir.path, "dag", "producer"),
  });
});
