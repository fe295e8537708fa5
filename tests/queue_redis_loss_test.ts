/**
 * A Redis that restarts without persistence forgets the run's queued jobs,
 * its task and its bundle; the coordinator notices the lost batches, stores
 * the task and the bundle again and enqueues the batches again, so the run
 * still ends with every replicate once, even on a worker that joins later.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SerialExecution } from "../mod.ts";
import { startRedis } from "./fixtures/queue/cluster.ts";
import { holdingBatch, queued, setUp, workers } from "./fixtures/queue/setup.ts";

Deno.test("queue: a Redis restart without persistence loses queued batches; the coordinator enqueues them again", async () => {
  const { dir, build } = await setUp("queue-lost");
  await using _dir = dir;
  await using redis = await startRedis(dir.path); // no AOF, no snapshots: a restart forgets everything
  const first = await workers(redis.url, join(dir.path, "first"), 1);
  const serial = await build("lost", [new SerialExecution()], { replicates: 8 }).run();
  const out = join(dir.path, "out");
  const warnings: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => warnings.push(args.join(" "));
  const running = build("lost", [queued(redis.url, 1)], {
    replicates: 8,
    ms: 150,
    outputDir: out,
    level: "warn",
  }).run().finally(() => console.error = error);
  // Enqueued (packing the bundle takes a while under load), a batch or so done, most still queued.
  await holdingBatch(redis.url, first.list[0].pid);
  await new Promise((r) => setTimeout(r, 300));
  await redis.crash();
  await new Promise((r) => setTimeout(r, 300));
  await redis.start();
  // A worker that joins now has neither the bundle nor the task: both must be in Redis again.
  await first[Symbol.asyncDispose]();
  await using _second = await workers(redis.url, join(dir.path, "second"), 1);
  const result = await running;
  assert.deepStrictEqual(result.metrics, serial.metrics);
  assert.deepEqual(result.errors, []);
  const lines = (await Deno.readTextFile(join(out, "lost", "v0", "outcomes.jsonl"))).trim();
  assert.equal(lines.split("\n").length, 8, "each replicate recorded once");
  assert.ok(
    warnings.some((w) => /batch(es)? of run .* went missing .*enqueued again/.test(w)),
    `the lost batches were noticed and enqueued again: ${warnings.join("\n")}`,
  );
});
