/**
 * The terminal UI's create screen, config editor, graph run view, tabs,
 * history, estimate and mouse in a real pseudo-terminal: an experiment
 * created with `n` that reads another's output (a graph), its config.yaml
 * edited with `g` (comments kept, a bad value refused as it is typed), then
 * run; and every screen at 60×12.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { copyExample } from "./fixtures/cli/run_cli.ts";
import { startCrystallize } from "./fixtures/cli/tui/pty.ts";

Deno.test("pty: n creates an experiment reading another's output, g edits its config keeping comments, r runs the graph", async () => {
  await using dir = await tempDir("cli-tui-create");
  // New experiments go to experiments/, and read the outputs of the experiments there.
  await copyExample("examples/dag/producer", join(dir.path, "experiments", "producer"));
  const ui = startCrystallize(dir.path);
  await ui.waitFor(/🧪 experiments\/producer/);

  await ui.press("n");
  await ui.waitFor(/Create a folder experiment[\s\S]*\[ \] producer#readings/);
  await ui.press("Tally");
  await ui.waitFor(/'Tally' is not a valid experiment name: use lowercase letters/);
  await ui.press("\x7f\x7f\x7f\x7f\x7ftally");
  await ui.waitFor(/creates experiments\/tally\//);
  // Down to outputs.ts, then to producer#readings.
  await ui.press("\x1b[B\x1b[B\x1b[B ");
  await ui.waitFor(/Files: config\.yaml, datasources\.ts, steps\.ts, outputs\.ts/);
  await ui.press("\x1b[B ");
  await ui.waitFor(/\[x\] producer#readings/);
  await ui.press("\x1b[B\r");
  await ui.waitFor(
    /Created experiments\/tally: config\.yaml, datasources\.ts, outputs\.ts, steps\.ts/,
  );
  await ui.waitFor(/› 📈 experiments\/tally {2}tally \(graph\)/); // listed and highlighted
  const config = join(dir.path, "experiments", "tally", "config.yaml");
  assert.match(await Deno.readTextFile(config), /readings: producer#readings/);

  // The config editor: a value refused as it is typed, then a valid one saved with comments kept.
  await ui.press("g");
  await ui.waitFor(/Config editor · experiments\/tally\/config\.yaml[\s\S]*› name: tally/);
  await ui.press("jj\r\x15");
  await ui.waitFor(/New value: ▏/);
  await ui.press("0");
  await ui.waitFor(/replicates must be a whole number from 1 to 1000000/);
  await ui.press("\r");
  await ui.waitFor(/Not saved: line 4:\d+: replicates must be a whole number/);
  await ui.press("\x1bk\r\x15Totals of the producer's readings");
  await ui.waitFor(/valid: enter saves it \(comments and formatting kept\)/);
  const before = await Deno.readTextFile(config);
  await ui.press("\r");
  await ui.waitFor(/Saved: comments and formatting kept/);
  const after = await Deno.readTextFile(config);
  assert.match(after, /^description: Totals of the producer's readings$/m);
  assert.equal(
    after.replace(/^description: .*$/m, ""),
    before.replace(/^description: .*$/m, ""),
    "every other line as it was, comments included",
  );
  assert.match(after, /# A folder experiment: run it with/);
  assert.match(after, /readings: producer#readings # <experiment>#<output>/);

  // Run it: the graph view shows both experiments and their states.
  await ui.press("\x1b\r");
  await ui.waitFor(/status: ready[\s\S]*› ⏳ 🔒 producer/);
  const tree = await ui.waitFor(/⏳ 🔒 tally/);
  assert.ok(tree.indexOf("producer") < tree.indexOf("⏳ 🔒 tally"), "producers first");
  await ui.press("r");
  const ran = await ui.waitFor(
    /Finished\. Stored producer in experiments\/producer\/\.crystallize\/producer\/v0, tally in/,
  );
  assert.match(ran, /✅ 🔒 producer/);
  assert.match(ran, /✅ 🔒 tally/);
  // The details learn from the run just stored.
  await ui.waitFor(/Estimated run time: ≈/);

  // Tabs: logs, errors, summary, history, plain text.
  await ui.press("3");
  await ui.waitFor(/No failures in the current or last run\./);
  await ui.press("4");
  await ui.waitFor(/Experiment 'tally' v0: 6 replicates per condition/);
  await ui.press("5");
  const history = await ui.waitFor(/History of tally: 1 stored version/);
  assert.match(history, /History of producer: 1 stored version/);
  assert.match(history, /baseline \(v0\) +total/);
  await ui.press("t");
  await ui.waitFor(/\[x\] L producer/);
  await ui.press("t2");
  await ui.waitFor(/ 2 Logs /);
  await ui.press("\x1b");
  await ui.waitFor(/Estimated run time: ≈/, 60_000);
  await ui.press("q");
  assert.equal((await ui.finished()).code, 0);
});

Deno.test("pty: every screen at 60×12, and the mouse wheel once m turns it on", async () => {
  await using dir = await tempDir("cli-tui-small");
  await copyExample("examples/dag", join(dir.path, "dag"));
  const ui = startCrystallize(dir.path, { columns: 60, rows: 12 });
  // (that every screen fits 60×12 line by line is checked on the renderers, in cli_tui_test.ts)
  await ui.waitFor(/📈 dag\/consumer/);
  await ui.press("m");
  const deadline = Date.now() + 60_000;
  while (!ui.raw().includes("\x1b[?1000h\x1b[?1006h")) {
    assert.ok(Date.now() < deadline, "mouse reports asked for");
    await new Promise((r) => setTimeout(r, 20));
  }
  await ui.press("\x1b[<65;10;5M");
  await ui.waitFor(/› 📈 dag\/consumer/);
  await ui.press("\x1b[<64;10;5M");
  await ui.waitFor(/› 🧪 dag\/producer/);
  await ui.press("m\x1b[<65;10;5M");
  await ui.waitFor(/› 📈 dag\/consumer/);

  await ui.press("n");
  await ui.waitFor(/Name: ▏/);
  await ui.press("\x1b");
  await ui.waitFor(/› 📈 dag\/consumer/);
  await ui.press("g");
  await ui.waitFor(/Config editor · dag\/consumer\/config\.yaml/);
  await ui.press("\x1b\r");
  const run = await ui.waitFor(/status: ready[\s\S]*1 Prog/);
  assert.match(run, /› ⏳ 🔒 producer/);
  await ui.press("r");
  await ui.waitFor(/Finished\./);
  for (const tab of ["2", "3", "4", "5"]) {
    await ui.press(tab);
    await ui.waitFor(/\d \w+ /);
  }
  await ui.press("x");
  await ui.waitFor(/› \[x\] drifted/);
  await ui.press("\x1bp");
  await ui.waitFor(/How replicates run/);
  await ui.press("\x1bq");
  const { code, raw } = await ui.finished();
  assert.equal(code, 0);
  assert.ok(raw.lastIndexOf("\x1b[?1000l") > raw.lastIndexOf("\x1b[?1000h"), "mouse reports off");
});

Deno.test("pty: screen captures at 80×24 of every screen (for the README)", async () => {
  await using dir = await tempDir("cli-tui-captures");
  await copyExample("examples/dag/producer", join(dir.path, "experiments", "producer"));
  await copyExample("tests/fixtures/cli/tui/edited", join(dir.path, "experiments", "edited"));
  const ui = startCrystallize(dir.path, { columns: 80, rows: 24 });
  const captures: Record<string, string> = {};
  const capture = async (name: string, keys: string, pattern: RegExp) => {
    await ui.press(keys);
    await ui.waitFor(pattern);
    // The frame is complete once its key help, the last line, is drawn.
    await ui.waitFor(/(quit|close|cancel|back|create)\S*$/m);
    captures[name] = ui.screen();
  };
  await ui.waitFor(/Estimated run time[\s\S]*q quit/);
  captures.selection = ui.screen();
  await capture("create", "n", /\[ \] producer#readings/);
  await capture(
    "config",
    "\x1b\x1b[Bg",
    /Config editor · experiments\/edited[\s\S]*› name: edited/,
  );
  await capture("run", "\x1b\r", /status: ready/);
  await capture("progress", "r", /Finished with 2 failed replicates/);
  await capture("logs", "2", / 2 Logs /);
  await capture("errors", "3", /edited · broken #0 · flaky/);
  await capture("summary", "4", /Experiment 'edited' v0/);
  await capture("history", "5", /History of edited/);
  await capture("treatments", "1x", /› \[x\] broken/);
  await capture("execution", "\x1bp", /How replicates run/);
  await ui.press("\x1bq");
  assert.equal((await ui.finished()).code, 0);
  const folder = join(".test-tmp", "tui-captures");
  await Deno.mkdir(folder, { recursive: true });
  for (const [name, text] of Object.entries(captures)) {
    assert.ok(text.split("\n").length <= 24, `${name}: at most 24 lines`);
    await Deno.writeTextFile(join(folder, `${name}.txt`), `${text}\n`);
  }
});
