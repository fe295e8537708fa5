/**
 * Attacks on `crystallize worker` and on a queue run's coordinator, with a
 * real redis-server on a private loopback port and real worker processes:
 * (a) experiment code running in a worker tries to reach what is not its
 * run's; (b) a hostile Redis client (anyone who can write to the queue)
 * sends tasks, bundles, jobs and results no coordinator made. Every canary
 * is checked from outside the sandbox.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { serialize } from "node:v8";
import { SerialExecution } from "../mod.ts";
import { tempDir } from "./temp_dir.ts";
import { queued, setUp, workers } from "./fixtures/queue/setup.ts";
import { startRedis, startWorker } from "./fixtures/queue/cluster.ts";
import { got, hashTree, HostileClient, writeProbe } from "./fixtures/queue/hostile.ts";

async function lab(prefix: string) {
  const dir = await tempDir(prefix);
  const path = await Deno.realPath(dir.path);
  const redis = await startRedis(path);
  return {
    path,
    redis,
    [Symbol.asyncDispose]: async () => {
      await redis[Symbol.asyncDispose]();
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("queue attack (a): code in a worker cannot read other runs' bundles, work roots, the worker's cache or files outside", async () => {
  await using l = await lab("qa-read");
  const cwd = join(l.path, "worker");
  await Deno.mkdir(cwd);
  await using worker = startWorker(l.redis.url, cwd);
  await worker.ready;
  await using client = new HostileClient(l.redis.url);
  const secret = join(l.path, "secret.txt");
  await Deno.writeTextFile(secret, "CANARY");
  const cache = join(cwd, "cache");
  // Another user's run: its code unpacked in the worker's cache, a file in its work root.
  const victim = await writeProbe(l.path, "victim");
  const victimHash = await client.packed(victim);
  const victimWork = join(cache, "work", victimHash);
  const planted = await client.probe({
    run: "victim",
    code: victim,
    probes: [{ action: "write", target: join(victimWork, "result.txt") }],
  });
  assert.deepEqual(got(planted), ["ok: written"]);
  const code = await writeProbe(l.path, "attacker");
  const result = await client.probe({
    run: "attacker",
    code,
    probes: [
      { action: "read", target: join(cache, "bundles", victimHash, "fs", victim, "probe.ts") },
      { action: "read", target: join(victimWork, "result.txt") },
      { action: "list", target: cache },
      { action: "list", target: join(cache, "bundles") },
      { action: "list", target: cwd },
      { action: "read", target: secret },
      { action: "read", target: "/etc/hostname" },
    ],
  });
  console.log(got(result));
  console.log(worker.stderr());
});


Deno.test("explore3", async () => {
  const { dir, build } = await setUp("qa-forge");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const out = join(dir.path, "out");
  const serial = await build("forge", [new SerialExecution()], { replicates: 4 }).run();
  const running = build("forge", [queued(redis.url, 2)], { replicates: 4, outputDir: out }).run();
  await using client = new HostileClient(redis.url);
  let runs: string[] = [];
  while (runs.length === 0) runs = await client.redis.smembers("crystallize:crystallize:runs");
  const c = (condition: string, artifacts: string[]) => ({ condition, seed: 1, metrics: { value: [999] }, durationMs: 0, stepMs: [], artifacts });
  const forged = {
    batch: 0,
    worker: "forger\u001b[2J",
    outcomes: [
      { replicate: 0, conditions: [c("baseline", ["../../../../escaped.txt", "where.txt"]), c("louder", [])] },
      { replicate: 2, conditions: [c("baseline", []), c("louder", [])] },
      { replicate: 0, conditions: [c("baseline", []), c("louder", [])] },
    ],
    events: [],
    logs: [{ level: "warn", message: "FORGED LOG \u001b]52;c;eA==\u0007", time: 0, fields: {} }],
    artifacts: [
      { replicate: 0, condition: "baseline", name: "../../../../escaped.txt", step: "where", data: new TextEncoder().encode("FORGED") },
      { replicate: 0, condition: "baseline", name: "where.txt", step: "where", data: new TextEncoder().encode("FORGED") },
    ],
  };
  await client.redis.xadd(`crystallize:crystallize:run:${runs[0]}:results`, "*", "r", serialize(forged));
  await using _pool = await workers(redis.url, dir.path, 1);
  const result = await running;
  console.log(result.metrics.baseline.metrics.value, serial.metrics.baseline.metrics.value, result.errors);
  for await (const e of Deno.readDir(dir.path)) console.log("dir:", e.name);
  console.log(await Deno.readTextFile(join(out, "forge", "v0", "0", "baseline", "where.txt")));
});
