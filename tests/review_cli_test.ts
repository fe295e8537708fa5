/**
 * Review findings on the `crystallize` CLI, each checked end to end with the
 * real CLI in a child process on folders under .test-tmp.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli } from "./fixtures/cli/run_cli.ts";

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
});
