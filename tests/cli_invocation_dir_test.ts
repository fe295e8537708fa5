/**
 * `deno task cli` runs in deno.json's folder; the CLI works on the folder
 * the user invoked it from (INIT_CWD): relative paths, default folders and
 * the paths it prints are the user's.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { tempDir } from "./temp_dir.ts";

/** `deno task cli ...args` started in `cwd`, as a user in that folder types it. */
async function task(cwd: string, args: readonly string[]) {
  const out = await new Deno.Command("deno", {
    args: ["task", "--quiet", "cli", ...args],
    cwd,
    // What `deno task` sets when started in `cwd` (it keeps an inherited value).
    env: { INIT_CWD: resolve(cwd), NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("deno task cli works on the folder it was invoked from", async () => {
  await using dir = await tempDir("cli-init-cwd");
  const here = join(dir.path, "my project");
  await Deno.mkdir(here, { recursive: true });

  const made = await task(here, ["new", "demo"]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /Created experiments\/demo: /);
  assert.match(made.stdout, /Run it: +crystallize run experiments\/demo\n/);
  assert.ok((await Deno.stat(join(here, "experiments", "demo", "config.yaml"))).isFile);

  const listed = await task(here, ["list", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    JSON.parse(listed.stdout).experiments.map((e: { target: string }) => e.target),
    ["experiments/demo"],
  );

  const ran = await task(here, ["run", "experiments/demo", "--json", "--replicates", "2"]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.equal(
    JSON.parse(ran.stdout).results[0].outputDir,
    resolve(here, "experiments", "demo", ".crystallize", "demo", "v0"),
  );
  const shown = await task(join(here, "experiments"), ["show", "demo"]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /Experiment 'demo' v0/);
});
