/**
 * The terminal UI's summary tab in a real pseudo-terminal: before any run
 * it says to press r (not how to add an ArtifactPlugin), and the key help
 * names `s` once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli } from "./fixtures/cli/run_cli.ts";
import { startCrystallize } from "./fixtures/cli/tui/pty.ts";

Deno.test("pty: s before any run says press r; the summary's key help lists s once", async () => {
  await using dir = await tempDir("cli-tui-summary");
  const made = await cli(["new", "demo", "--dir", join(dir.path, "experiments")]);
  assert.equal(made.code, 0, made.stderr);
  const ui = startCrystallize(dir.path, { columns: 160 });
  await ui.waitFor(/› 🧪 experiments\/demo/);
  await ui.press("\r");
  await ui.waitFor(/status: ready/);
  await ui.press("s");
  // The notice, and the key help drawn after it (a screen can arrive in more than one chunk).
  const screen = await ui.waitFor(
    /No finished run of demo is stored yet: press r to run it[\s\S]*q quit/,
  );
  assert.doesNotMatch(screen, /ArtifactPlugin/);
  const keys = screen.split("\n").findLast((l) => l.includes("q quit"))!;
  assert.equal(keys.match(/\bs summary\b/g)?.length, 1, keys);
  await ui.press("q");
  assert.equal((await ui.finished()).code, 0);
});

Deno.test("pty: h on the summary writes the HTML report of the latest stored run and prints its path", async () => {
  await using dir = await tempDir("cli-tui-report");
  const made = await cli(["new", "demo", "--dir", join(dir.path, "experiments")]);
  assert.equal(made.code, 0, made.stderr);
  const ran = await cli(["run", join(dir.path, "experiments", "demo"), "--quiet"]);
  assert.equal(ran.code, 0, ran.stderr);
  const ui = startCrystallize(dir.path);
  await ui.waitFor(/› 🧪 experiments\/demo/);
  await ui.press("\r");
  await ui.waitFor(/status: ready/);
  await ui.press("h");
  await ui.press("s");
  await ui.waitFor(/h html report/);
  await ui.press("h");
  const path = join(await Deno.realPath(dir.path), "demo-report.html");
  const screen = await ui.waitFor(/Report written to \S+demo-report\.html/);
  assert.ok(screen.replace(/\s+/g, "").includes(path.replace(/\s+/g, "")), screen);
  const html = await Deno.readTextFile(path);
  assert.match(html, /data-plot="metric" data-metric="total"/);
  await ui.press("q");
  assert.equal((await ui.finished()).code, 0);
});
