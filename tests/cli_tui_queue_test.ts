/**
 * The terminal UI runs an experiment on a Redis queue: in a real
 * pseudo-terminal, with a real redis-server and a real `crystallize worker`,
 * the execution picker offers the queue with the Redis config.yaml names,
 * a URL can be typed (and a bad one is refused), and the run shows progress,
 * completion and its summary as a local run does.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli } from "./fixtures/cli/run_cli.ts";
import { QUEUE_CLI_FLAGS, startRedis } from "./fixtures/queue/cluster.ts";
import { workers } from "./fixtures/queue/setup.ts";
import { startCrystallize } from "./fixtures/cli/tui/pty.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;

Deno.test("pty: pick the queue executor (Redis from config.yaml, or typed), run on a worker, see progress and the summary", async () => {
  await using dir = await tempDir("cli-tui-queue");
  await using redis = await startRedis(dir.path);
  // Workers and the project in folders of their own: the UI lists what is below its folder.
  const project = join(dir.path, "project");
  const made = await cli(["new", "demo", "--dir", join(project, "experiments")]);
  assert.equal(made.code, 0, made.stderr);
  const folder = join(project, "experiments", "demo");
  const config = join(folder, "config.yaml");
  await Deno.writeTextFile(
    config,
    `${await Deno.readTextFile(
      config,
    )}\nplugins:\n  - QueueExecution: { connection: "${redis.url}" }\n`,
  );
  await using _pool = await workers(redis.url, join(dir.path, "w"), 1);
  const flags = QUEUE_CLI_FLAGS.map((f) => f.startsWith("--allow-write") ? "--allow-write=." : f);
  const ui = startCrystallize(resolve(project), {
    launch: `deno run ${flags.join(" ")} ${CLI}`,
    columns: 130, // the progress line names the strategy in full
  });
  const url = redis.url.replaceAll(".", "\\.");

  await ui.waitFor(/› 🧪 experiments\/demo/);
  await ui.press("\r");
  await ui.waitFor(/status: ready · strategy resume · executor own/);
  await ui.press("p");
  await ui.waitFor(
    new RegExp(`queue: workers via Redis at ${url}`),
  );
  await ui.press("jjjjj");
  await ui.waitFor(/› \( \) queue: workers via Redis/);
  await ui.press("\r");
  await ui.waitFor(new RegExp(`› ${url}_`)); // filled in from config.yaml
  await ui.press("\x15nope\r"); // ctrl-u clears the line
  await ui.waitFor(/'nope' is not a (Redis )?URL; give .*redis:\/\/host:port/);
  await ui.press(`\x15${redis.url}\r`);
  await ui.waitFor(new RegExp(`executor queue at ${url}`));

  await ui.press("r");
  const ran = await ui.waitFor(
    /Finished\. Stored demo in experiments\/demo\/\.crystallize\/demo\/v0/,
    120_000,
  );
  assert.match(
    ran,
    /demo · queue\(redis=127\.0\.0\.1:\d+, queue=crystallize\) · 20\/20 replicates · done in/,
  );
  assert.match(ran, / {2}add_one {2}\[#{20}\] 10\/10/);
  assert.match(ran, /› ✅ 🔒 demo +│/);
  const stored = JSON.parse(
    await Deno.readTextFile(join(folder, ".crystallize", "demo", "v0", "run.json")),
  );
  assert.match(JSON.stringify(stored), /queue\(redis=127\.0\.0\.1/, "provenance: the queue ran it");

  await ui.press("4");
  const summary = await ui.waitFor(/Experiment 'demo' v0: 10 replicates per condition/);
  assert.match(summary, /baseline +total +10 +[\d.]+ ± [\d.]+/);
  await ui.press("q");
  const { code } = await ui.finished();
  assert.equal(code, 0);
});
