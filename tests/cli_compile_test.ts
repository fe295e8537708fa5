/**
 * The single binary: `deno compile` with the flags of the `compile` task,
 * then, in an empty folder with nothing but the binary and `deno` on PATH
 * (no CRYSTALLIZE_LIB, no other variables but HOME and a cache folder),
 * `new`, `list`, `run` and `show`; without `deno`, everything but running
 * experiment code still works and `run` says in one line how to install
 * Deno. `deno compile` needs a denort runtime (downloaded, or `DENORT_BIN`);
 * without `DENORT_BIN` this test is reported as ignored, not passed.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { tempDir } from "./temp_dir.ts";

const denort = Deno.permissions.querySync({ name: "env", variable: "DENORT_BIN" }).state ===
    "granted"
  ? Deno.env.get("DENORT_BIN")
  : undefined;
/** The binary's folder (the test task may run `.test-tmp/compiled/crystallize`). */
const BIN_DIR = resolve(".test-tmp/compiled");
const BINARY = join(BIN_DIR, "crystallize");

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test({
  name: denort
    ? "compiled binary runs new, list, run and show with only itself and deno on PATH"
    : "compiled binary runs new, list, run and show (needs DENORT_BIN; ignored here)",
  ignore: denort === undefined,
  async fn() {
    const config = JSON.parse(await Deno.readTextFile("deno.json"));
    const task: string = config.tasks.compile;
    const args = task.split(" ").slice(1).map((a) => a === "crystallize" ? BINARY : a);
    await Deno.mkdir(BIN_DIR, { recursive: true });
    const compiled = await new Deno.Command("deno", { args, stdout: "piped", stderr: "piped" })
      .output();
    assert.equal(compiled.code, 0, decode(compiled.stderr));
    // deno's own cache, so the children need not download the npm packages again.
    const info = await new Deno.Command("deno", { args: ["info", "--json"], stdout: "piped" })
      .output();
    const denoDir: string = JSON.parse(decode(info.stdout)).denoDir;
    await Deno.symlink(Deno.execPath(), join(BIN_DIR, "deno"));

    await using home = await tempDir("cli-binary-home");
    await using project = await tempDir("cli-binary-project");
    const cache = join(home.path, "cache");
    const binary = (cmd: string[], path = BIN_DIR) =>
      new Deno.Command(BINARY, {
        args: cmd,
        cwd: project.path,
        clearEnv: true,
        env: {
          PATH: path,
          HOME: home.path,
          XDG_CACHE_HOME: cache,
          DENO_DIR: denoDir,
          NO_COLOR: "1",
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();

    try {
      // Without deno: scaffolding works, running says in one line how to get deno.
      await using bare = await tempDir("cli-binary-nodeno");
      const withoutDeno = (cmd: string[]) =>
        new Deno.Command(BINARY, {
          args: cmd,
          cwd: bare.path,
          clearEnv: true,
          env: { PATH: bare.path, HOME: home.path, XDG_CACHE_HOME: cache, NO_COLOR: "1" },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
      const scaffolded = await withoutDeno(["new", "demo"]);
      assert.equal(scaffolded.code, 0, decode(scaffolded.stderr));
      const noDeno = await withoutDeno(["run", "experiments/demo"]);
      assert.notEqual(noDeno.code, 0);
      const said = decode(noDeno.stderr).trim().split("\n");
      assert.ok(
        said.some((line) => /no deno on PATH.*npm install -g deno@2\.9\.6/.test(line)),
        said.join("\n"),
      );

      const made = await binary(["new", "demo"]);
      assert.equal(made.code, 0, decode(made.stderr));
      assert.match(decode(made.stdout), /Run it: +crystallize run experiments\/demo/);
      const versions = [...Deno.readDirSync(join(cache, "crystallize"))].map((e) => e.name);
      assert.equal(versions.length, 1, `one library copy: ${versions}`);
      assert.match(versions[0], /^\d+\.\d+\.\d+-[0-9a-f]{12}$/);
      assert.ok(Deno.statSync(join(cache, "crystallize", versions[0], "mod.ts")).isFile);

      const listed = await binary(["list"]);
      assert.equal(listed.code, 0, decode(listed.stderr));
      assert.match(decode(listed.stdout), /experiments\/demo {2}demo · 10 replicates/);
      const run = await binary(["run", "experiments/demo", "--json"]);
      assert.equal(run.code, 0, decode(run.stderr));
      const doc = JSON.parse(decode(run.stdout));
      assert.equal(doc.results[0].metrics.treatments.add_one.total.length, 10);
      const shown = await binary(["show", "experiments/demo"]);
      assert.equal(shown.code, 0, decode(shown.stderr));
      assert.match(decode(shown.stdout), /Experiment 'demo' v0: 10 replicates per condition/);

      // A damaged copy is replaced on the next use.
      const mod = join(cache, "crystallize", versions[0], "mod.ts");
      await Deno.writeTextFile(mod, "broken");
      const again = await binary(["run", "experiments/demo", "--json"]);
      assert.equal(again.code, 0, decode(again.stderr));
      assert.notEqual(await Deno.readTextFile(mod), "broken");
    } finally {
      await Deno.remove(BIN_DIR, { recursive: true }).catch(() => {});
    }
  },
});
