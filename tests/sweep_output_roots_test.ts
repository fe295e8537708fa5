/**
 * `sweepOutputRoots` while other runs write to the same output root: runs of
 * one experiment share its output root, and a run writes its files under a
 * temporary name and renames them into place, so entries a sweep lists can
 * be gone by the time it looks at them (seen as a CLI crash, "NotFound:
 * lstat …/run.json", when several runs of one folder ended together).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { sweepOutputRoots } from "../src/cli/sandbox_paths.ts";
import { tempDir } from "./temp_dir.ts";

Deno.test("sweepOutputRoots: files and folders another run renames or removes meanwhile are no error; planted ones still go", async () => {
  await using dir = await tempDir("sweep-race");
  const version = join(dir.path, "exp", "v0");
  await Deno.mkdir(version, { recursive: true });
  let stop = false;
  let renames = 0;
  let churning = true;
  // Another run of the same root: temporary files renamed into place, folders made and removed.
  const churn = (async () => {
    for (let i = 0; !stop; i++) {
      const temporary = join(version, `.run.json.${i}.tmp`);
      await Deno.writeTextFile(temporary, "{}");
      await Deno.rename(temporary, join(version, "run.json"));
      const folder = join(dir.path, "exp", `v${1 + (i % 4)}`);
      await Deno.mkdir(join(folder, "0"), { recursive: true });
      await Deno.remove(folder, { recursive: true });
      renames++;
    }
  })().finally(() => churning = false);
  try {
    // 300 sweeps at least, and on until the other run renamed 100 files meanwhile: how the two
    // share a loaded machine decides how many of one fit into the other.
    for (let sweep = 0; (sweep < 300 || renames <= 100) && churning; sweep++) {
      assert.deepEqual(await sweepOutputRoots([dir.path]), []);
    }
  } finally {
    stop = true;
    await churn;
  }
  assert.ok(renames > 100, `the other run renamed ${renames} files meanwhile`);
  await Deno.mkdir(join(version, ".git"));
  assert.deepEqual(await sweepOutputRoots([dir.path]), [join(version, ".git")]);
});
