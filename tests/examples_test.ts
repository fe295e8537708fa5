/** Runs every example end to end as a user would, in its own process with its own permissions. */
import assert from "node:assert/strict";

async function runExample(args: string[]): Promise<string> {
  const out = await new Deno.Command("deno", {
    args: ["run", ...args],
    cwd: new URL("..", import.meta.url),
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(
    out.success,
    `deno run ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr)}`,
  );
  return stdout;
}

Deno.test("examples/scaling_demo.ts: the README's main job runs end to end and prints a summary", async () => {
  const stdout = await runExample(["--allow-read=.", "examples/scaling_demo.ts"]);
  assert.match(stdout, /Experiment 'scaling_demo': 32 replicates per condition\n/);
  assert.match(stdout, /\n {2}seed 2024, thread\(maxWorkers=2\)\n/);
  assert.match(stdout, /baseline\s+total\s+32/);
  assert.match(stdout, /boost_total\s+total\s+32/);
  assert.match(stdout, /Hypothesis 'by_p_value' on total: best \([^)]*\): boost_total/);
  assert.match(stdout, /\n {2}boost_total\s+\d\S*\s+-\s+yes\s/); // p, no adjusted p (one treatment), significant
  assert.match(stdout, /replicates in provenance: 32/);
});

Deno.test("examples/async_fetch.ts: async steps fetch from a loopback server concurrently", async () => {
  const stdout = await runExample([
    "--allow-net=127.0.0.1",
    "--allow-read=.",
    "examples/async_fetch.ts",
  ]);
  assert.match(stdout, /Experiment 'async_fetch': 20 replicates per condition\n/);
  assert.match(stdout, /\n {2}seed 7, async\(concurrency=20\)\n/);
  assert.match(stdout, /values: 0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,38/);
  assert.match(stdout, /Hypothesis 'slower' on latency_ms: best \([^)]*\): slow_server/);
});

Deno.test("a step denied a permission fails its replicate with the permission named; the run completes", async () => {
  const stdout = await runExample([
    "--allow-read=.",
    "--no-prompt",
    "tests/fixtures/reads_outside.ts",
  ]);
  const { ok, errors } = JSON.parse(stdout);
  assert.deepEqual(ok, [0, 2]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].step, "read_hostname");
  assert.equal(errors[0].replicate, 1);
  assert.match(errors[0].message, /Requires read access to "\/etc\/hostname"/);
});

Deno.test("examples/process_pool.ts: worker processes with a per-worker resource factory", async () => {
  const stdout = await runExample([
    "--allow-read=.",
    "--allow-run=deno",
    "examples/process_pool.ts",
  ]);
  assert.match(stdout, /Experiment 'monte_carlo_pi': 16 replicates per condition\n/);
  assert.match(stdout, /\n {2}seed 11, process\(maxWorkers=2\)\n/);
  assert.match(
    stdout,
    /Hypothesis 'smaller_error' on abs_error: best \([^)]*\): more_samples/,
  );
  const built = Number(stdout.match(/lookup tables built: (\d+)/)?.[1]);
  assert.ok(built >= 1 && built <= 2, `built ${built}`);
});
