/**
 * The terminal UI's pure parts added for the create screen, config editor,
 * tree, tabs, pickers, editor and estimates: their keys and state changes,
 * and every screen fitting 80×24 and 60×12.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { scaffoldFiles } from "../src/cli/commands/new.ts";
import { addEntry, configRows, setValue } from "../src/cli/tui/config_document.ts";
import { editorCommand, splitWords } from "../src/cli/tui/editor_command.ts";
import { locate } from "../src/cli/tui/editor_launch.ts";
import { estimateLine, unitTime } from "../src/cli/tui/estimate.ts";
import { historyLines } from "../src/cli/tui/history.ts";
import { parseKeys } from "../src/cli/tui/keys.ts";
import { locationsIn, stepLine } from "../src/cli/tui/locations.ts";
import type { TuiAction } from "../src/cli/tui/messages.ts";
import { initialModel, type TuiModel } from "../src/cli/tui/model.ts";
import { treeAfter, treeNode } from "../src/cli/tui/run_tree.ts";
import { renderScreen } from "../src/cli/tui/screen.ts";
import { displayWidth } from "../src/cli/tui/text.ts";
import { runSettings } from "../src/cli/tui/update.ts";
import type { ResultJson } from "../src/storage/result_json.ts";
import { tempDir } from "./temp_dir.ts";
import { entry, play } from "./fixtures/cli/tui/model_steps.ts";

const GRAPH = entry("exp/down", { kind: "graph", group: "Graphs", icon: "📈" });
const listed: TuiAction = {
  type: "listed",
  listing: {
    experiments: [entry("exp/up"), GRAPH],
    errors: [{ path: "bad/config.yaml", message: "bad/config.yaml:2:8: steps must be a list" }],
  },
};
const opened: TuiAction = {
  type: "opened",
  target: "exp/down",
  treatments: ["t1"],
  choices: { inactiveTreatments: [], uncachedExperiments: [], stepCaching: {} },
  persisted: true,
  tree: [
    treeNode("up", [{ name: "make", cacheable: true }]),
    treeNode("down", [{ name: "use", cacheable: false }]),
  ],
  facts: [{
    name: "up",
    configFile: "exp/up/config.yaml",
    replicates: 3,
    unit: { perUnitMs: 20, runs: 1 },
    stored: { count: 1, newest: 0 },
    stepMs: { make: 5 },
  }, {
    name: "down",
    configFile: "exp/down/config.yaml",
    replicates: 3,
    unit: { perUnitMs: undefined, runs: 0 },
    stored: { count: 0, newest: undefined },
    stepMs: {},
  }],
};

Deno.test("keys: Shift-Tab, the mouse wheel in SGR mode, Ctrl-U; other mouse reports dropped", () => {
  assert.deepEqual(parseKeys("\x1b[Z\x1b[<64;3;4M\x1b[<65;3;4M\x1b[<0;3;4M\x1b[<0;3;4m\x15"), [
    "shift-tab",
    "wheel-up",
    "wheel-down",
    "ctrl-u",
  ]);
});

Deno.test("selection: the cursor reaches load errors (e opens their place), n, g, m, details", () => {
  let { model, effects } = play(initialModel(), listed);
  assert.deepEqual(effects, [{ type: "details", entry: listed.listing.experiments[0] }]);
  model = play(model, { type: "details", target: "exp/up", lines: ["folder · 0 stored versions"] })
    .model;
  assert.ok(renderScreen(model, 80, 24).includes("folder · 0 stored versions"));
  const onError = play(model, "j", "j");
  assert.equal(onError.model.selection.cursor, 2);
  assert.deepEqual(play(onError.model, "e").effects, [{
    type: "edit",
    target: {
      kind: "text",
      lines: ["bad/config.yaml:2:8: steps must be a list", "bad/config.yaml"],
    },
  }]);
  assert.deepEqual(play(model, "e").effects, [{
    type: "edit",
    target: { kind: "file", file: "exp/up/config.yaml", line: 1 },
  }]);
  const config = play(model, "g");
  assert.equal(config.model.screen, "config");
  assert.deepEqual(config.effects, [{ type: "load-config", file: "exp/up/config.yaml" }]);
  const create = play(model, "n");
  assert.equal(create.model.screen, "create");
  assert.deepEqual(create.effects, [{ type: "create-init" }]);
  assert.deepEqual(play(model, "m").effects, [{ type: "mouse", on: true }]);
  assert.equal(play(model, "wheel-down").model.selection.cursor, 1);
  const created = play(model, { type: "created", target: "exp/new", files: ["config.yaml"] });
  assert.equal(created.model.selection.want, "exp/new");
  assert.deepEqual(created.effects, [{ type: "list" }]);
  const relisted = play(created.model, {
    type: "listed",
    listing: { experiments: [entry("exp/new"), entry("exp/up")], errors: [] },
  });
  assert.equal(relisted.model.selection.cursor, 0, "the new experiment is highlighted");
});

Deno.test("create screen: the name is checked as typed, options and inputs toggle, enter creates", () => {
  let model = play(initialModel(), listed, "n", {
    type: "create-ready",
    available: ["up#model"],
    taken: ["up"],
  }).model;
  model = play(model, "u", "p").model;
  assert.match(renderScreen(model, 80, 24).join("\n"), /experiments\/up exists: pick another name/);
  assert.deepEqual(play(model, "enter").effects, [], "an invalid name creates nothing");
  model = play(model, "backspace", "backspace", "d", "o", "w", "n").model;
  assert.match(renderScreen(model, 80, 24).join("\n"), /creates experiments\/down\//);
  // m is a letter in the name, not the mouse switch
  assert.equal(play(model, "m").model.create?.name, "downm");
  model = play(model, "down", "space", "down", "space", "down", "space", "tab", "space").model;
  const create = play(model, "tab", "enter");
  assert.deepEqual(create.effects, [{
    type: "create",
    name: "down",
    options: { example: false, verifiers: true, outputs: true, inputs: ["up#model"] },
  }]);
  assert.equal(play(model, "escape").model.screen, "select");
  const failed = play(model, { type: "create-failed", message: "experiments/down already exists" });
  assert.match(renderScreen(failed.model, 80, 24).join("\n"), /already exists/);
});

Deno.test("config editor: edit in place checked at every key, add an entry, e opens the row's line", () => {
  const text = scaffoldFiles("demo", "../mod.ts")["config.yaml"];
  let model = play(initialModel(), listed, "g", {
    type: "config-loaded",
    file: "exp/up/config.yaml",
    text,
  }).model;
  assert.equal(model.config?.rows.length, configRows(text).length);
  // replicates: the third row
  model = play(model, "j", "j", "enter", "ctrl-u", "0").model;
  assert.match(model.config?.input?.problem ?? "", /replicates must be a whole number/);
  assert.equal(play(model, "enter").effects.length, 0, "not saved while invalid");
  model = play(model, "backspace", "2", "0").model;
  assert.equal(model.config?.input?.problem, undefined);
  const saved = play(model, "enter");
  assert.equal(saved.effects[0].type, "save-config");
  const written = (saved.effects[0] as { text: string }).text;
  assert.equal(written, text.replace("replicates: 10", "replicates: 20"), "only the value changed");
  const after = play(saved.model, {
    type: "config-saved",
    file: "exp/up/config.yaml",
    text: written,
  });
  assert.match(after.model.config?.notice ?? "", /comments and formatting kept/);
  // a on the treatments row: a treatment added to that mapping
  const row = after.model.config!.rows.findIndex((r) => r.label === "treatments");
  const add = play(
    after.model,
    ...Array(row - 2).fill("j"),
    "a",
    ..."add_two: { delta: 2 }".split(""),
  );
  assert.equal(add.model.config?.input?.problem, undefined);
  assert.match(
    add.model.config?.input?.candidate ?? "",
    /add_one: \{ delta: 1 \}\n {2}add_two: \{ delta: 2 \}\n/,
  );
  assert.deepEqual(play(after.model, "e").effects, [{
    type: "edit",
    target: { kind: "file", file: "exp/up/config.yaml", line: after.model.config!.rows[2].line },
  }]);
  assert.equal(play(after.model, "escape").model.screen, "select");
  assert.match(setValue(text, "/e/config.yaml", ["steps"], "[").problem ?? "", /not a YAML value/);
  assert.match(
    addEntry(text, "/e/config.yaml", ["treatments"], "add_one: {}").problem ?? "",
    /'add_one' is there already/,
  );
});

Deno.test("run screen: the tree follows the graph's events; l per experiment and per step; p; tabs; e", () => {
  let { model } = play(initialModel(), listed, "j", "enter", opened);
  const started = play(model, "r");
  assert.deepEqual(started.effects.at(-1), {
    type: "run",
    entry: GRAPH,
    settings: { cache: true, strategy: "resume" },
  });
  // The producer's lock off: it reruns, the rest resumes; the consumer's step cached.
  model = play(model, "l", "j", "j", "j", "l").model;
  assert.deepEqual(runSettings(model.run!), {
    cache: true,
    strategy: "resume",
    strategies: { up: "rerun" },
    stepCaching: { down: { use: true } },
  });
  model = play(model, "p", "j", "j", "enter").model;
  assert.equal(runSettings(model.run!).executor, "async");
  assert.match(model.run?.notice ?? "", /with async/);
  const tree = treeAfter(model.run!.tree, { type: "experiment-skipped", experiment: "up" });
  assert.equal(tree[0].state, "skipped");
  // Tabs: 3 errors, focus on the tab, e opens the place the line under the cursor names.
  model = play(model, {
    type: "run-ended",
    status: "failed",
    notice: "x",
    errors: [{
      title: "down · t1 #0 · use",
      lines: ["Error: boom", "    at use (file:///p/exp/down/steps.ts:4:9)"],
    }],
  }, "3").model;
  assert.equal(model.run?.focus, "tab");
  assert.deepEqual(play(model, "e").effects, [{
    type: "edit",
    target: {
      kind: "text",
      lines: [
        "down · t1 #0 · use",
        "  Error: boom",
        "      at use (file:///p/exp/down/steps.ts:4:9)",
      ],
    },
  }]);
  const tree2 = play(model, "left", "e");
  assert.deepEqual(tree2.effects, [{
    type: "edit",
    target: { kind: "step", configFile: "exp/down/config.yaml", step: "use" },
  }]);
  assert.deepEqual(play(model, "5").effects, [{ type: "history", entry: GRAPH }]);
  // h writes the HTML report from the summary tab only
  assert.deepEqual(play(model, "4", "h").effects.at(-1), { type: "report", entry: GRAPH });
  assert.deepEqual(play(model, "h").effects, []);
  assert.match(renderScreen(play(model, "4").model, 100, 24).at(-1)!, /^h html report · r run/);
  assert.equal(play(model, "t").model.run?.plain, true);
  assert.equal(play(model, "shift-tab").model.run?.tab, "logs");
  assert.equal(play(model, "g").model.screen, "config");
  const back = play(model, "escape");
  assert.equal(back.model.screen, "select");
  assert.deepEqual(back.effects, [{ type: "details", entry: GRAPH }], "details read anew");
});

Deno.test("screens: every screen fits 80×24 and 60×12, line by line", () => {
  const base = play(initialModel(true), listed, {
    type: "details",
    target: "exp/up",
    lines: ["folder · 1 stored version", "Estimated run time: ≈1.0s"],
  }).model;
  const run = play(base, "j", "enter", opened, { type: "output", text: "x".repeat(200) }).model;
  const models: [string, TuiModel][] = [
    ["selection", base],
    [
      "create",
      play(base, "n", { type: "create-ready", available: ["a#b", "c#d"], taken: [] }).model,
    ],
    [
      "config",
      play(base, "g", {
        type: "config-loaded",
        file: "exp/up/config.yaml",
        text: scaffoldFiles("up", "m")["config.yaml"],
      }, "enter").model,
    ],
    ["run", run],
    ...["2", "3", "4", "5"].map((tab) =>
      [`run tab ${tab}`, play(run, tab).model] as [string, TuiModel]
    ),
    ["plain", play(run, "2", "t").model],
    ["treatments", play(run, "x").model],
    ["execution", play(run, "p").model],
  ];
  for (const [name, model] of models) {
    for (const [width, height] of [[80, 24], [60, 12]]) {
      const screen = renderScreen(model, width, height);
      assert.equal(screen.length, height, `${name} at ${width}×${height}`);
      for (const line of screen) {
        assert.ok(displayWidth(line) <= width, `${name} at ${width}×${height}: ${line}`);
      }
    }
  }
});

Deno.test("history: treatments from the newest version that ran them, the best marked; estimate", () => {
  const run = (
    version: number,
    treatments: Record<string, number[]>,
    scores: Record<string, number>,
    durationMs = 1000,
  ) => ({
    version,
    result: {
      experiment: "e",
      metrics: {
        baseline: { total: [1, 1] },
        treatments: Object.fromEntries(
          Object.entries(treatments).map(([t, v]) => [t, { total: v }]),
        ),
      },
      hypotheses: [{
        name: "h",
        ranking: {
          by: "lowest p-value",
          best: null,
          ranked: Object.entries(scores).map(([treatment, score]) => ({ treatment, score })),
        },
        results: [],
      }],
      provenance: {
        durationMs,
        timings: {
          conditions: {
            baseline: { replicates: 2 },
            ...Object.fromEntries(Object.keys(treatments).map((t) => [t, { replicates: 2 }])),
          },
        },
        stored: { reused: {} },
      },
    } as unknown as ResultJson,
  });
  const versions = [
    run(0, { a: [3, 3], b: [2, 2] }, { a: 0.01, b: 0.5 }),
    run(1, { b: [9, 9] }, { b: 0.2 }, 500),
  ];
  const lines = historyLines("e", versions);
  assert.match(lines.find((l) => l.includes("baseline")) ?? "", /baseline \(v1\)/);
  assert.match(lines.find((l) => l.includes("b (v")) ?? "", /^ {2}b \(v1\) +total +2 +9/);
  assert.match(lines.find((l) => l.includes("a (v")) ?? "", /^★ a \(v0\)/);
  assert.ok(lines.includes("best by h (lowest p-value): a (v0)"));
  assert.deepEqual(unitTime(versions), { perUnitMs: (1000 / 6 + 500 / 4) / 2, runs: 2 });
  assert.match(
    estimateLine([{
      experiment: "e",
      replicates: 10,
      conditions: 3,
      unit: { perUnitMs: 100, runs: 2 },
    }]),
    /^Estimated run time: ≈3\.0s for 10 × 3 replicates × conditions \(from 2 past runs\)$/,
  );
});

Deno.test("editor: the line as each editor takes it; places named in text; only files inside the roots", async () => {
  const at = { file: "/p/a.ts", line: 7 };
  const args = (setting: string) => editorCommand(setting, at)?.args;
  assert.deepEqual(args("code"), ["-g", "/p/a.ts:7"]);
  assert.deepEqual(args("/opt/bin/cursor.exe"), ["-g", "/p/a.ts:7"]);
  assert.deepEqual(args("subl"), ["/p/a.ts:7"]);
  assert.deepEqual(args("idea64"), ["--line", "7", "/p/a.ts"]);
  assert.deepEqual(args("nvim -p"), ["-p", "+7", "/p/a.ts"]);
  assert.deepEqual(args("emacsclient -nw"), ["-nw", "+7", "/p/a.ts"]);
  assert.deepEqual(args("gedit"), ["/p/a.ts"]);
  assert.deepEqual(args("myed --goto {file}:{line}"), ["--goto", "/p/a.ts:7"]);
  assert.equal(editorCommand("  ", at), undefined);
  assert.deepEqual(splitWords(`a "b c" 'd'`), ["a", "b c", "d"]);
  assert.equal(stepLine("const x = 1;\n", "missing"), undefined);
  assert.deepEqual(locationsIn("see exp/out.txt, then", "/w"), [{
    file: "/w/exp/out.txt",
    line: 1,
  }]);

  await using dir = await tempDir("tui-locate");
  const inside = join(dir.path, "exp");
  await Deno.mkdir(inside);
  await Deno.writeTextFile(
    join(inside, "steps.ts"),
    "export const use = pipelineStep((d) => d);\n",
  );
  await Deno.writeTextFile(join(inside, "config.yaml"), "steps:\n  - use\n  - other\n");
  await Deno.writeTextFile(join(dir.path, "outside.txt"), "not the experiment's\n");
  const root = await Deno.realPath(inside);
  const config = join(root, "config.yaml");
  assert.deepEqual(await locate({ kind: "step", configFile: config, step: "use" }, [root]), {
    file: join(root, "steps.ts"),
    line: 1,
  });
  assert.deepEqual(await locate({ kind: "step", configFile: config, step: "other" }, [root]), {
    file: config,
    line: 3,
  }, "not in steps.ts: its entry in config.yaml");
  assert.equal(
    await locate({ kind: "file", file: join(root, "..", "outside.txt"), line: 1 }, [root]),
    undefined,
    "a file outside the roots is not opened",
  );
  assert.equal(await locate({ kind: "text", lines: ["at /etc/hostname:1"] }, [root]), undefined);
});
