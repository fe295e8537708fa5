/**
 * The terminal UI's caching per step, in a real pseudo-terminal: `l` on a
 * step row decides whether the next run computes it or serves it from the
 * step cache (the fixture's step prints when it computes), saved in
 * config.state.json; `p` picks the executor the next run uses.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { copyExample } from "./fixtures/cli/run_cli.ts";
import { startCrystallize } from "./fixtures/cli/tui/pty.ts";

const computed = (screen: string) => screen.match(/computed \d/g)?.length ?? 0;

Deno.test("pty: l on a step switches its cache: served from the cache, then computed again; p picks the executor", async () => {
  await using dir = await tempDir("cli-tui-cache");
  const folder = join(dir.path, "cached");
  await copyExample("tests/fixtures/cli/tui/cached", folder);
  const ui = startCrystallize(dir.path);
  await ui.waitFor(/› 🧊 cached/);
  await ui.press("\r");
  await ui.waitFor(/status: ready/);

  // Run 1: the baseline only; slow computes once per replicate.
  await ui.press("x");
  await ui.waitFor(/› \[x\] other/);
  await ui.press(" j \x1b");
  await ui.waitFor(/treatments: other off, third off/);
  await ui.press("r");
  await ui.waitFor(/Finished\. Stored cached in cached\/\.crystallize\/cached\/v0/);
  await ui.press("2");
  await ui.waitFor(/computed 2[\s\S]*q quit/);
  assert.equal(computed(ui.screen()), 3, "baseline: 3 replicates computed");

  // Run 2: `other` added; its replicates read the same inputs: slow is served from the cache.
  await ui.press("1x j\x1b");
  await ui.waitFor(/treatments: other on, third off/);
  await ui.press("r");
  await ui.waitFor(/Finished\. Stored cached in cached\/\.crystallize\/cached\/v1[\s\S]*q quit/);
  // The last frame: text since a key press may hold frames drawn before the key took effect.
  assert.match(ui.screen(), / {3}🔒 🔒 slow {2}3 done, 3 cached/, "served from the cache");
  await ui.press("2");
  await ui.waitFor(/ 2 Logs [\s\S]*│(Nothing printed yet|computed)[\s\S]*q quit/);
  assert.doesNotMatch(ui.screen(), /computed \d/, "slow did not compute");

  // Lock off on the step (the tree's second row): `third` runs, slow computes though entries exist.
  await ui.press("1j");
  await ui.waitFor(/› {2}🔒 🔒 slow/);
  await ui.press("l");
  const toggled = await ui.waitFor(/Step 'slow' of cached: computed every time/);
  assert.match(
    toggled,
    /› {2}🔒 🔓 slow/,
    "the lock shows the step's caching, the state how it ran",
  );
  const state = JSON.parse(await Deno.readTextFile(join(folder, "config.state.json")));
  assert.deepEqual(state.step_caching, { cached: { slow: false } });
  await ui.press("xj \x1b");
  await ui.waitFor(/treatments: other on, third on/);
  // The execution picker: async for the next run.
  await ui.press("p");
  await ui.waitFor(/How replicates run/);
  await ui.press("jj\r");
  await ui.waitFor(/executor async/);
  await ui.press("r");
  await ui.waitFor(/Finished\. Stored cached in cached\/\.crystallize\/cached\/v2[\s\S]*q quit/);
  const third = ui.screen();
  assert.match(third, /cached · async\(concurrency=\w+\) · 9\/9 replicates/);
  assert.match(third, /🔓 slow {2}3 done/);
  assert.doesNotMatch(third, /slow {2}3 done, \d+ cached/);
  await ui.press("2");
  await ui.waitFor(/ 2 Logs [\s\S]*computed \d[\s\S]*q quit/);
  assert.equal(computed(ui.screen()), 3, "computed again for the 3 replicates of third");
  const run = JSON.parse(
    await Deno.readTextFile(join(folder, ".crystallize", "cached", "v2", "run.json")),
  );
  assert.equal(run.provenance.cache.steps.slow, undefined, "slow ran uncached");

  await ui.press("q");
  assert.equal((await ui.finished()).code, 0);
});
