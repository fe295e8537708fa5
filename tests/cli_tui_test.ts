/**
 * The terminal UI (`crystallize` without arguments): the pure parts (keys,
 * state transitions, screens at a fixed width, config.state.json, run
 * outcomes) and the real CLI in a real pseudo-terminal.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
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
  await ui.waitFor(/caching on \(resume\) · treatments: add_one on · status: ready/);

  await ui.press("r");
  const ran = await ui.waitFor(
    /Finished\. Stored demo in experiments\/demo\/\.crystallize\/demo\/v0/,
  );
  assert.match(ran, /demo · serial · 20\/20 replicates · done in/);
  assert.match(ran, / {2}add_one {2}\[#{20}\] 10\/10/);
  assert.match(ran, /steps: add_delta \(idle, 20 done\) · record_total \(idle, 20 done\)/);
  assert.ok(await exists(join(folder, ".crystallize", "demo", "v0", "run.json")), "run stored");

  await ui.press("l");
  await ui.waitFor(/caching off \(rerun\)/);
  assert.deepEqual(await readState(folder), {
    inactive_treatments: [],
    uncached_experiments: ["demo"],
  });

  await ui.press("x");
  await ui.waitFor(/› \[x\] add_one/);
  await ui.press(" ");
  await ui.waitFor(/› \[ \] add_one/);
  assert.deepEqual(await readState(folder), {
    inactive_treatments: ["add_one"],
    uncached_experiments: ["demo"],
  });
  await ui.press("\x1b");
  await ui.waitFor(/treatments: add_one off/);

  // The next run honours both: baseline only, recomputed into a new version.
  await ui.press("r");
  const again = await ui.waitFor(
    /Finished\. Stored demo in experiments\/demo\/\.crystallize\/demo\/v1/,
  );
  assert.match(again, /demo · serial · 10\/10 replicates · done in/);
  assert.doesNotMatch(again, /add_one {2}\[/);

  await ui.press("s");
  const summary = await ui.waitFor(/Experiment 'demo' v1: 10 replicates per condition/);
  assert.match(summary, /Summary of the last stored run/);
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
  const running = await ui.waitFor(/baseline +\[#*-+\] +[1-9]\d?\/40[\s\S]*Output:\n {2}nap \d+/);
  assert.match(running, /status: running/);
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

Deno.test("without a terminal, crystallize prints help and exits 2", async () => {
  const out = await cli([]);
  assert.equal(out.code, 2);
  assert.match(out.stdout + out.stderr, /Usage: crystallize/);
});
