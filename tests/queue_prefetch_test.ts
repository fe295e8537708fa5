/**
 * A queue worker holds one job beyond what it runs, so the next batch is
 * fetched while one runs; it never holds more, and a worker stopped with
 * SIGTERM gives the held job back at once, before its running batch ends.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Redis } from "npm:ioredis@5.8.2";
import { Queue } from "npm:bullmq@6.7.0";
import { SerialExecution } from "../mod.ts";
import { startRedis } from "./fixtures/queue/cluster.ts";
import { holdingBatch, queued, setUp, workers } from "./fixtures/queue/setup.ts";

/** Polls the queue's job counts until `done` accepts them or `stop` says to stop; the last counts. */
async function countsWhen(
  queue: Queue,
  done: (counts: Record<string, number>) => boolean,
  stop: () => boolean,
): Promise<Record<string, number>> {
  for (;;) {
    const counts = await queue.getJobCounts("active", "waiting");
    if (done(counts) || stop()) return counts;
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("queue: a worker holds one job beyond its concurrency, and SIGTERM gives it back before its batch ends", async () => {
  const { dir, build } = await setUp("queue-prefetch");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const serial = await build("prefetch", [new SerialExecution()], { replicates: 6 }).run();
  await using first = await workers(redis.url, join(dir.path, "first"), 1, ["--concurrency", "1"]);
  const out = join(dir.path, "out");
  // 3 jobs of 2 replicates, 1 s each: the first runs 2 s.
  const running = build("prefetch", [queued(redis.url, 2)], {
    replicates: 6,
    ms: 1000,
    outputDir: out,
  })
    .run();
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue("crystallize", { connection });
  try {
    const [worker] = first.list;
    await holdingBatch(redis.url, worker.pid);
    // Well before the running batch ends (2 s).
    const deadline = Date.now() + 1200;
    const held = await countsWhen(queue, (c) => c.active > 1, () => Date.now() > deadline);
    await new Promise((r) => setTimeout(r, 100)); // a third job, if it were taken, would be by now
    assert.deepEqual(
      await queue.getJobCounts("active", "waiting"),
      { active: 2, waiting: 1 },
      `one running, one held, the third left queued (counts seen: ${JSON.stringify(held)})`,
    );
    let exited = false;
    worker.status.then(() => exited = true);
    worker.kill("SIGTERM");
    const back = await countsWhen(queue, (c) => c.waiting === 2, () => exited);
    assert.equal(back.waiting, 2, "the held job came back while the running batch still ran");
    assert.equal((await worker.status).code, 0, worker.stderr());
    await using _second = await workers(redis.url, join(dir.path, "second"), 1);
    const result = await running;
    assert.deepEqual(result.errors, []);
    assert.deepStrictEqual(result.metrics, serial.metrics);
    const lines = (await Deno.readTextFile(join(out, "prefetch", "v0", "outcomes.jsonl"))).trim();
    assert.equal(lines.split("\n").length, 6, "each replicate recorded once");
  } finally {
    await queue.close();
    connection.disconnect();
  }
});
