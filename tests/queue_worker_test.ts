/**
 * The lifecycle around a queue run: a worker stopped with SIGTERM finishes
 * its batch and exits cleanly; a run whose Redis stays away fails after the
 * bounded wait, saying what to do; results written to Redis by anyone else
 * are checked, not trusted.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { serialize } from "node:v8";
import { Redis } from "npm:ioredis@5.8.2";
import { QueueExecution, RedisUnavailableError, SerialExecution } from "../mod.ts";
import { startRedis } from "./fixtures/queue/cluster.ts";
import { holdingBatch, queued, setUp, workers } from "./fixtures/queue/setup.ts";

Deno.test("queue: SIGTERM lets a worker finish its batch, then it exits 0; the rest runs elsewhere", async () => {
  const { dir, build } = await setUp("queue-term");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  await using first = await workers(redis.url, join(dir.path, "first"), 1);
  const serial = await build("term", [new SerialExecution()], { replicates: 6 }).run();
  const out = join(dir.path, "out");
  const running = build("term", [queued(redis.url, 2)], { replicates: 6, ms: 200, outputDir: out })
    .run();
  const [worker] = first.list;
  await holdingBatch(redis.url, worker.pid);
  worker.kill("SIGTERM");
  await using _second = await workers(redis.url, join(dir.path, "second"), 1);
  const status = await worker.status;
  assert.equal(status.code, 0, worker.stderr());
  assert.match(worker.stderr(), /stopping: finishing the running batches/);
  const result = await running;
  assert.deepStrictEqual(result.metrics, serial.metrics);
  assert.deepEqual(result.errors, []);
  const lines = (await Deno.readTextFile(join(out, "term", "v0", "outcomes.jsonl"))).trim();
  assert.equal(lines.split("\n").length, 6, "each replicate recorded once");
});

Deno.test("queue: Redis away longer than redisWaitMs fails the run, naming the server and the fix", async () => {
  const { dir, build } = await setUp("queue-gone");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const execution = new QueueExecution({ connection: redis.url, redisWaitMs: 600 });
  const running = build("gone", [execution], { replicates: 2 }).run();
  await new Promise((r) => setTimeout(r, 300)); // enqueued; no worker takes it
  await redis.crash();
  const error = await running.catch((e) => e);
  assert.ok(error instanceof RedisUnavailableError, String(error));
  assert.match(
    error.message,
    new RegExp(`Redis at 127\\.0\\.0\\.1:${redis.port} was unreachable .*resume the run`),
  );
});

Deno.test("queue: a coordinator ignores results it cannot trust (garbage, another run's conditions)", async () => {
  const { dir, build } = await setUp("queue-forged");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const serial = await build("forged", [new SerialExecution()], { replicates: 4 }).run();
  const running = build("forged", [queued(redis.url, 2)], { replicates: 4 }).run();
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    let runs: string[] = [];
    while (runs.length === 0) runs = await client.smembers("crystallize:crystallize:runs");
    const stream = `crystallize:crystallize:run:${runs[0]}:results`;
    await client.xadd(stream, "*", "r", Buffer.from("not v8 data"));
    const forged = {
      batch: 0,
      worker: "forger",
      outcomes: [0, 1].map((replicate) => ({
        replicate,
        conditions: [{
          condition: "evil",
          seed: 1,
          metrics: { value: [999] },
          durationMs: 0,
          stepMs: [],
        }],
      })),
      events: [],
      logs: [],
      artifacts: [],
    };
    await client.xadd(stream, "*", "r", serialize(forged));
  } finally {
    client.disconnect();
  }
  await using _pool = await workers(redis.url, dir.path, 1);
  const result = await running;
  assert.deepStrictEqual(result.metrics, serial.metrics);
  assert.deepEqual(result.errors, []);
});
