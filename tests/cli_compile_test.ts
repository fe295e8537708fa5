/**
 * The single binary: `deno compile` with the flags of the `compile` task,
 * then a scaffolded experiment run through the binary. `deno compile` needs
 * a denort runtime (downloaded, or `DENORT_BIN`); without `DENORT_BIN` this
 * test is reported as ignored, not passed.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { tempDir } from "./temp_dir.ts";

const denort = Deno.permissions.querySync({ name: "env", variable: "DENORT_BIN" }).state ===
    "granted"
  ? Deno.env.get("DENORT_BIN")
  : undefined;
const BINARY = ".test-tmp/crystallize";

Deno.test({
  name: denort
    ? "compiled binary runs an example"
    : "compiled binary runs an example (needs DENORT_BIN; not run here)",
  ignore: denort === undefined,
  async fn() {
    const config = JSON.parse(await Deno.readTextFile("deno.json"));
    const task: string = config.tasks.compile;
    const args = task.split(" ").slice(1).map((a) => a === "crystallize" ? BINARY : a);
    const compiled = await new Deno.Command("deno", { args, stdout: "piped", stderr: "piped" })
      .output();
    assert.equal(compiled.code, 0, new TextDecoder().decode(compiled.stderr));
    await using dir = await tempDir("cli-binary");
    const binary = (cmd: string[]) =>
      new Deno.Command(BINARY, {
        args: cmd,
        // The binary runs experiment code with `deno` and the library on disk.
        env: { CRYSTALLIZE_LIB: resolve(".") },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const made = await binary(["new", "demo", "--dir", dir.path]);
    assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
    const run = await binary(["run", join(dir.path, "demo"), "--json"]);
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    const doc = JSON.parse(new TextDecoder().decode(run.stdout));
    assert.equal(doc.results[0].metrics.treatments.add_one.total.length, 10);
    await Deno.remove(BINARY);
  },
});
