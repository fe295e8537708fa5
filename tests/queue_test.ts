/**
 * QueueExecution on a real redis-server with real `crystallize worker`
 * processes: results bit-identical to serial, code shipped as a bundle,
 * faults (a SIGKILLed worker, a killed coordinator, a Redis crash with AOF),
 * cancel, concurrent runs, and the worker's sandbox.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Queue } from "npm:bullmq@6.7.0";
import { Redis } from "npm:ioredis@5.8.2";
import { QueueExecution, RunCancelledError, SerialExecution } from "../mod.ts";
import { readOutcomes } from "../src/storage/stored_run.ts";
import { tempDir } from "./temp_dir.ts";
import { copyExample } from "./fixtures/cli/run_cli.ts";
import { killedCoordinator, queueCli, startRedis } from "./fixtures/queue/cluster.ts";
import { holdingBatch, queued, setUp, workers } from "./fixtures/queue/setup.ts";

Deno.test("queue: metrics bit-identical to serial with 1 and 3 workers; code and artifacts travel as a bundle; cluster status", async () => {
  const { dir, build } = await setUp("queue-same");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const serial = await build("same", [new SerialExecution()], {
    replicates: 9,
    outputDir: join(dir.path, "serial"),
  }).run();
  for (const count of [1, 3]) {
    await using pool = await workers(redis.url, join(dir.path, `w${count}`), count);
    const out = join(dir.path, `out${count}`);
    const result = await build("same", [queued(redis.url)], { replicates: 9, outputDir: out })
      .run();
    assert.deepStrictEqual(result.metrics, serial.metrics, `${count} workers`); // -0 and NaN too
    assert.deepEqual(result.provenance.seeds, serial.provenance.seeds);
    assert.deepEqual(result.errors, []);
    assert.match(
      result.provenance.executionStrategy,
      /^queue\(redis=127\.0\.0\.1:\d+, queue=crystallize\)$/,
    );
    // Every replicate recorded once, and its artifact stored here: the code ran from the worker's bundle.
    const stored = readOutcomes(join(out, "same", "v0"));
    assert.deepEqual([...stored.get("baseline")!.keys()].sort((a, b) => a - b), [
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
    ]);
    const where = await Deno.readTextFile(join(out, "same", "v0", "4", "louder", "where.txt"));
    const workerDirs = pool.list.map((_, i) =>
      join(dir.path, `w${count}`, `worker-${i}`, "cache", "bundles")
    );
    assert.ok(
      workerDirs.some((d) => where.startsWith(`file://${Deno.realPathSync(d)}/`)),
      `loaded from a worker's bundle cache, not the checkout: ${where}`,
    );
  }
  await using pool = await workers(redis.url, join(dir.path, "status"), 1);
  const status = await queueCli(["cluster", "status", "--redis", redis.url, "--json"]);
  assert.equal(status.code, 0, status.stderr);
  const parsed = JSON.parse(status.stdout);
  const live = parsed.workers.find((w: { pid: number }) => w.pid === pool.list[0].pid);
  assert.equal(live?.concurrency, 1, status.stdout);
  assert.ok(Date.now() - live.heartbeat < 5000, "a recent heartbeat");
  assert.deepEqual(live.current, []);
  assert.deepEqual(parsed.runs, []); // finished runs leave nothing behind
});

Deno.test("queue: a SIGKILLed worker's batch is redelivered; every replicate is recorded exactly once", async () => {
  const { dir, build } = await setUp("queue-kill");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  await using pool = await workers(redis.url, dir.path, 2);
  const serial = await build("kill", [new SerialExecution()], { replicates: 12 }).run();
  const out = join(dir.path, "out");
  const running = build("kill", [queued(redis.url, 1)], { replicates: 12, ms: 120, outputDir: out })
    .run();
  // Killed while it holds a batch (its heartbeat says so): that batch must come back.
  await holdingBatch(redis.url, pool.list[0].pid);
  pool.list[0].kill("SIGKILL");
  const result = await running;
  assert.deepStrictEqual(result.metrics, serial.metrics);
  assert.deepEqual(result.errors, []);
  const lines = (await Deno.readTextFile(join(out, "kill", "v0", "outcomes.jsonl"))).trim().split(
    "\n",
  );
  const replicates = lines.map((l) => JSON.parse(l).replicate).sort((a, b) => a - b);
  assert.deepEqual(
    replicates,
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    "each replicate recorded once",
  );
});

Deno.test("queue: a replicate that always kills its worker process fails once and is not retried", async () => {
  const { dir, build } = await setUp("queue-crash");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  await using _pool = await workers(redis.url, dir.path, 1);
  const result = await build("crash", [queued(redis.url, 2)], { replicates: 4, crash: true }).run();
  assert.deepEqual(result.errors.map((e) => [e.replicate, e.condition]), [[1, "baseline"], [
    1,
    "louder",
  ]]);
  assert.match(
    result.errors[0].message,
    /worker process exited \(code 3\) while running replicate 1/,
  );
  assert.equal(result.metrics.baseline.metrics.value.length, 3); // the others ran
});

Deno.test("queue: cancel removes the run's queued jobs and stops its running batches", async () => {
  const { dir, build } = await setUp("queue-cancel");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  await using _pool = await workers(redis.url, dir.path, 1);
  const control = new AbortController();
  const running = build("cancel", [queued(redis.url, 1)], { replicates: 20, ms: 150 })
    .run({ signal: control.signal });
  await new Promise((r) => setTimeout(r, 800));
  control.abort();
  const error = await running.catch((e) => e);
  assert.ok(error instanceof RunCancelledError, String(error));
  const done = error.result.metrics.baseline.metrics.value?.length ?? 0;
  assert.ok(done < 20, `stopped early (${done} of 20)`);
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue("crystallize", { connection });
  try {
    const counts = await queue.getJobCounts("waiting", "delayed", "prioritized");
    assert.deepEqual(counts, { waiting: 0, delayed: 0, prioritized: 0 }, "queued jobs removed");
    await new Promise((r) => setTimeout(r, 600)); // the worker's next heartbeat sees the flag
    const status = await queueCli(["cluster", "status", "--redis", redis.url, "--json"]);
    const current = JSON.parse(status.stdout).workers.flatMap((w: { current: unknown[] }) =>
      w.current
    );
    assert.deepEqual(current, [], "no batch of the cancelled run still runs");
  } finally {
    await queue.close();
    connection.disconnect();
  }
});

Deno.test("queue: two concurrent runs on one queue do not mix", async () => {
  const { dir, build } = await setUp("queue-two");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  await using _pool = await workers(redis.url, dir.path, 2);
  const serialA = await build("a", [new SerialExecution()], { replicates: 6, seed: 1 }).run();
  const serialB = await build("b", [new SerialExecution()], { replicates: 7, seed: 2 }).run();
  const [a, b] = await Promise.all([
    build("a", [queued(redis.url, 1)], { replicates: 6, seed: 1, ms: 30 }).run(),
    build("b", [queued(redis.url, 1)], { replicates: 7, seed: 2, ms: 30 }).run(),
  ]);
  assert.deepStrictEqual(a.metrics, serialA.metrics);
  assert.deepStrictEqual(b.metrics, serialB.metrics);
});

Deno.test("queue: a Redis crash with AOF loses nothing; the run waits and goes on", async () => {
  const { dir, build } = await setUp("queue-aof");
  await using _dir = dir;
  await using redis = await startRedis(dir.path, { aof: true });
  await using _pool = await workers(redis.url, dir.path, 2);
  const serial = await build("aof", [new SerialExecution()], { replicates: 12 }).run();
  const running = build("aof", [queued(redis.url, 1)], { replicates: 12, ms: 100 }).run();
  await new Promise((r) => setTimeout(r, 1500)); // > 1 s: the queued jobs are fsynced
  await redis.crash();
  await new Promise((r) => setTimeout(r, 500));
  await redis.start();
  const result = await running;
  assert.deepStrictEqual(result.metrics, serial.metrics);
  assert.deepEqual(result.errors, []);
});

Deno.test("queue (CLI): a killed coordinator is resumed with --strategy resume, reattaching to its run", async () => {
  const { dir, module } = await setUp("queue-resume");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const out = join(dir.path, "out");
  const args = ["run", module, "--executor", "queue", "--redis", redis.url, "--out", out, "--json"];
  const serial = await queueCli(["run", module, "--out", join(dir.path, "serial"), "--json"]);
  assert.equal(serial.code, 0, serial.stderr);
  // No worker yet: the coordinator enqueues every batch, then is killed.
  await killedCoordinator(redis.url, args, 12);
  await using _pool = await workers(redis.url, dir.path, 2);
  await new Promise((r) => setTimeout(r, 1000)); // workers run the orphaned batches meanwhile
  const resumed = await queueCli([...args, "--strategy", "resume"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /reattached to unfinished run/);
  const events = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    const added = (await events.xrange("bull:crystallize:events", "-", "+"))
      .filter(([, fields]) => fields[1] === "added");
    assert.equal(added.length, 12, "every batch enqueued once: none ran twice");
  } finally {
    events.disconnect();
  }
  const a = JSON.parse(resumed.stdout).results[0];
  const b = JSON.parse(serial.stdout).results[0];
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(a.errors, []);
});

Deno.test("queue: the worker's sandbox is the local one, capped by the worker's own --allow-* flags", async () => {
  const { dir, build } = await setUp("queue-sandbox");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const asking = () =>
    new QueueExecution({
      connection: redis.url,
      batchSize: 1,
      checkEveryMs: 100,
      permissions: { env: ["HOME"] },
    });
  {
    // The run asks for $HOME; this worker may not grant it: the step fails as it would locally.
    await using _pool = await workers(redis.url, join(dir.path, "strict"), 1);
    const result = await build("sandbox", [asking()], { replicates: 2, peek: true }).run();
    assert.equal(result.errors.length, 4);
    assert.match(result.errors[0].message, /Requires env access to "HOME"/);
  }
  {
    await using _pool = await workers(redis.url, join(dir.path, "granting"), 1, [
      "--allow-env=HOME",
    ]);
    const result = await build("sandbox", [asking()], { replicates: 2, peek: true }).run();
    assert.deepEqual(result.errors, []);
    assert.equal(result.metrics.baseline.metrics.home.length, 2);
    // Granted by the worker but not asked for by the run: still refused.
    const unasked = await build("sandbox", [queued(redis.url, 1)], { replicates: 1, peek: true })
      .run();
    assert.match(unasked.errors[0]?.message ?? "", /Requires env access to "HOME"/);
  }
});

Deno.test("queue (CLI): config.yaml plugins: QueueExecution runs once --redis names the same server", async () => {
  await using dir = await tempDir("queue-config");
  await using redis = await startRedis(dir.path);
  const examples = new URL("../examples/folder_experiment", import.meta.url).pathname;
  const serialFolder = join(dir.path, "serial");
  const queuedFolder = join(dir.path, "queued");
  await copyExample(examples, serialFolder);
  await copyExample(examples, queuedFolder);
  const config = join(queuedFolder, "config.yaml");
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)).replace(
      "plugins:\n",
      `plugins:\n  - QueueExecution: { connection: "${redis.url}", batchSize: 4 }\n`,
    ),
  );
  const refused = await queueCli(["run", queuedFolder, "--json"]);
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stdout, new RegExp(`add --redis ${redis.url}`));
  await using _pool = await workers(redis.url, dir.path, 1);
  const queued = await queueCli(["run", queuedFolder, "--json", "--redis", redis.url]);
  assert.equal(queued.code, 0, queued.stderr);
  const serial = await queueCli(["run", serialFolder, "--json"]);
  const [a, b] = [queued, serial].map((r) => JSON.parse(r.stdout).results[0]);
  assert.deepEqual(a.metrics, b.metrics);
  assert.match(a.provenance.executionStrategy, /^queue\(/);
});
