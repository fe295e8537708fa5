/**
 * Review findings on the `crystallize` CLI, each checked end to end with the
 * real CLI in a child process on folders under .test-tmp.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli, CLI_FLAGS } from "./fixtures/cli/run_cli.ts";

Deno.test("show --version N picks that stored version (not the program's --version)", async () => {
  await using dir = await tempDir("review-show-version");
  assert.equal((await cli(["new", "demo", "--dir", dir.path])).code, 0);
  const folder = join(dir.path, "demo");
  for (const replicates of ["2", "3"]) {
    const run = await cli(["run", folder, "--replicates", replicates, "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
  }
  const first = await cli(["show", folder, "--version", "0"]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Experiment 'demo' v0: 2 replicates per condition/);
  const json = await cli(["show", folder, "--version", "1", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).result.provenance.replicates, 3);
  const missing = await cli(["show", folder, "--version", "7"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /v7/);
  const program = await cli(["--version"]);
  assert.equal(program.code, 0);
  assert.match(program.stdout, /^\d+\.\d+\.\d+\n$/);
});

Deno.test("run --json prints one document for a bad target or an invalid config.yaml too", async () => {
  await using dir = await tempDir("review-json-errors");
  const folder = join(dir.path, "bad");
  await Deno.mkdir(folder);
  await Deno.writeTextFile(join(folder, "config.yaml"), "name: bad\nreplicate: 3\n");
  const bad = await cli(["run", folder, "--json"]);
  assert.equal(bad.code, 2);
  const doc = JSON.parse(bad.stdout);
  assert.equal(doc.ok, false);
  assert.equal(doc.exitCode, 2);
  assert.deepEqual(doc.results, []);
  assert.equal(doc.error.kind, "usage");
  assert.match(doc.error.message, /config\.yaml:2:1: unknown key 'replicate'/);

  const missing = await cli(["run", join(dir.path, "nowhere"), "--json"]);
  assert.equal(missing.code, 2);
  assert.match(JSON.parse(missing.stdout).error.message, /no experiment at/);

  // A bad flag, caught by the argument parser, gives the same document.
  const flag = await cli(["run", join(dir.path, "nowhere"), "--replicates", "zero", "--json"]);
  assert.equal(flag.code, 2);
  const flagDoc = JSON.parse(flag.stdout);
  assert.deepEqual([flagDoc.ok, flagDoc.exitCode, flagDoc.error.kind], [false, 2, "usage"]);
  assert.match(flagDoc.error.message, /--replicates/);
});

Deno.test("clean refuses folders that hold no stored runs (source folders, '..', the working directory)", async () => {
  await using dir = await tempDir("review-clean");
  const sources = join(dir.path, "src");
  await Deno.mkdir(sources);
  await Deno.writeTextFile(join(sources, "keep.ts"), "export const x = 1;\n");
  for (const target of [sources, join(sources, ".."), join(sources, ".crystallize", "..")]) {
    const refused = await cli(["clean", target, "--yes"]);
    assert.equal(refused.code, 2, `${target}: ${refused.stdout}`);
    assert.match(refused.stderr, /holds no stored runs/);
  }
  assert.equal(Deno.readTextFileSync(join(sources, "keep.ts")), "export const x = 1;\n");

  // An experiment's store (v<N> folders) and one version folder may still be given directly.
  assert.equal((await cli(["new", "demo", "--dir", dir.path])).code, 0);
  const folder = join(dir.path, "demo");
  for (let i = 0; i < 2; i++) {
    assert.equal((await cli(["run", folder, "--replicates", "2", "--quiet"])).code, 0);
  }
  const store = join(folder, ".crystallize", "demo");
  assert.equal((await cli(["clean", join(store, "v0"), "--yes"])).code, 0);
  assert.deepEqual([...Deno.readDirSync(store)].map((e) => e.name), ["v1"]);
  assert.equal((await cli(["clean", store, "--yes"])).code, 0);
  assert.ok(!(await Deno.stat(store).then(() => true, () => false)));
  assert.ok(Deno.statSync(join(folder, "config.yaml")).isFile);
});

Deno.test("clean of a store the CLI may not write says so (no uncaught NotCapable), and deletes nothing", async () => {
  await using dir = await tempDir("review-clean-denied");
  const store = join(dir.path, "out", "demo", "v0");
  await Deno.mkdir(store, { recursive: true });
  await Deno.writeTextFile(join(store, "manifest.json"), "{}");
  const allowed = join(dir.path, "elsewhere");
  const out = await new Deno.Command("deno", {
    args: [
      "run",
      ...CLI_FLAGS.map((f) => f.startsWith("--allow-write") ? `--allow-write=${allowed}` : f),
      "cli.ts",
      "clean",
      "demo",
      "--out",
      join(dir.path, "out"),
      "--yes",
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  assert.match(stderr, /^error: cannot delete .*demo: the crystallize CLI may not write there/);
  assert.doesNotMatch(stderr, /Uncaught|at cleanCommand/);
  assert.ok(Deno.statSync(join(store, "manifest.json")).isFile);
});

Deno.test("new --help names exactly the files new creates", async () => {
  await using dir = await tempDir("review-new-help");
  const help = await cli(["new", "--help"]);
  assert.equal(help.code, 0);
  assert.equal((await cli(["new", "demo", "--dir", dir.path])).code, 0);
  const created = [...Deno.readDirSync(join(dir.path, "demo"))].map((e) => e.name).sort();
  const named = [...help.stdout.matchAll(/[\w.]+\.(?:yaml|ts)\b/g)].map((m) => m[0]).sort();
  assert.deepEqual([...new Set(named)], created);
});

Deno.test("list and graph on a missing folder or a file: a clear error and exit 2, not an uncaught NotFound", async () => {
  await using dir = await tempDir("review-discover");
  const file = join(dir.path, "x.ts");
  await Deno.writeTextFile(file, "export const x = 1;\n");
  for (const command of ["list", "graph"]) {
    for (
      const [target, why] of [[join(dir.path, "nowhere"), "does not exist"], [file, "is a file"]]
    ) {
      const out = await cli([command, target]);
      assert.equal(out.code, 2, `${command} ${target}: ${out.stderr}`);
      assert.match(out.stderr, new RegExp(`^error: .* ${why}; give a folder to search`));
      assert.doesNotMatch(out.stderr, /Uncaught/);
    }
  }
});
