/**
 * The terminal UI's `e` in a real pseudo-terminal, `$EDITOR` replaced by a
 * script that records the arguments it was given and reads a line from the
 * terminal (so no key typed into the editor is lost to the UI): a
 * config.yaml from the selection screen, a step's definition, a config
 * entry, an error's stack frame and an artifact from the run screen.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli, copyExample } from "./fixtures/cli/run_cli.ts";
import { type PtySession, startCrystallize } from "./fixtures/cli/tui/pty.ts";

/** 1-based line of the first line of `file` matching `pattern`. */
async function lineOf(file: string, pattern: RegExp): Promise<number> {
  const at = (await Deno.readTextFile(file)).split("\n").findIndex((l) => pattern.test(l));
  assert.ok(at >= 0, `${pattern} in ${file}`);
  return at + 1;
}

/** Presses `keys`, then waits for the editor's call to be recorded and types a line into it. */
async function edits(ui: PtySession, record: string, keys: string, count: number): Promise<string> {
  await ui.press(keys);
  const deadline = Date.now() + 60_000;
  const calls = async () =>
    (await Deno.readTextFile(record).catch(() => "")).split("\n").filter((l) => l !== "").length;
  while (await calls() < count * 2 + 1) {
    assert.ok(Date.now() < deadline, `the editor was not started for call ${count + 1}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // As a person would: a moment after the editor has started.
  await new Promise((r) => setTimeout(r, 200));
  await ui.press(`typed ${count + 1}\r`);
  await ui.waitFor(/Edited \S+ \(vim\)\./);
  const lines = (await Deno.readTextFile(record)).split("\n");
  assert.equal(
    lines[count * 2 + 1],
    `typed ${count + 1}`,
    "the line typed reached the editor whole",
  );
  return lines[count * 2];
}

Deno.test("pty: e opens $EDITOR at the config, a step, a config entry, an error's frame and an artifact", async () => {
  await using dir = await tempDir("cli-tui-editor");
  const folder = resolve(dir.path, "edited");
  await copyExample("tests/fixtures/cli/tui/edited", folder);
  const record = resolve(dir.path, "editor-calls.txt");
  const editor = resolve(dir.path, "bin", "vim");
  await Deno.mkdir(join(dir.path, "bin"));
  // Named vim, so the UI passes the line as vim takes it: +LINE FILE.
  await Deno.writeTextFile(
    editor,
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${record}'\nIFS= read -r line\nprintf '%s\\n' "$line" >> '${record}'\n`,
    { mode: 0o755 },
  );
  const config = join(folder, "config.yaml");
  const steps = join(folder, "steps.ts");
  const ui = startCrystallize(dir.path, { env: { EDITOR: editor } });
  await ui.waitFor(/› 🧩 edited/);

  assert.equal(await edits(ui, record, "e", 0), `+1 ${config}`, "the entry's config.yaml");
  await ui.press("\r");
  await ui.waitFor(/status: ready/);
  // The tree: the experiment, write_note, flaky.
  assert.equal(
    await edits(ui, record, "jje", 1),
    `+${await lineOf(steps, /export const flaky = pipelineStep/)} ${steps}`,
    "the step's definition",
  );
  await ui.press("g");
  await ui.waitFor(/Config editor · edited\/config\.yaml/);
  assert.equal(
    await edits(ui, record, "\x1b[Fe", 2),
    `+${await lineOf(config, /broken: \{ fail: true \}/)} ${config}`,
    "the config entry (the last row: treatments.broken.fail)",
  );
  await ui.press("\x1b");
  await ui.waitFor(/status: ready/);

  await ui.press("r");
  await ui.waitFor(/Finished with 2 failed replicates/);
  await ui.press("3");
  await ui.waitFor(/edited · broken #0 · flaky/);
  assert.equal(
    await edits(ui, record, "e", 3),
    `+${await lineOf(steps, /throw new Error/)} ${steps}`,
    "the failure's frame in the experiment's code",
  );

  // The summary's artifact line, found where `crystallize show` prints it.
  const shown = await cli(["show", folder]);
  const artifactLine = shown.stdout.split("\n").findIndex((l) =>
    /note\.txt · baseline: 2 files/.test(l)
  );
  assert.ok(artifactLine > 0, shown.stdout);
  await ui.press("4");
  await ui.waitFor(/note\.txt · baseline/);
  const artifact = join(folder, ".crystallize", "edited", "v0", "0", "baseline", "note.txt");
  assert.equal(await edits(ui, record, `${"j".repeat(artifactLine)}e`, 4), `+1 ${artifact}`);

  await ui.press("q");
  assert.equal((await ui.finished()).code, 0);
});

Deno.test("pty: without $EDITOR, e says how to set one", async () => {
  await using dir = await tempDir("cli-tui-no-editor");
  await copyExample("tests/fixtures/cli/tui/edited", join(dir.path, "edited"));
  const ui = startCrystallize(dir.path);
  await ui.waitFor(/› 🧩 edited/);
  await ui.press("e");
  await ui.waitFor(/Set \$EDITOR \(e\.g\. export EDITOR=vim\) to open files with e\./);
  await ui.press("q");
  assert.equal((await ui.finished()).code, 0);
});
