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
import { tempDir } from "./temp_dir.ts";
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

Deno.test("explore", async () => {
  await using l = await lab("qa-explore");
  const cwd = join(l.path, "worker");
  await Deno.mkdir(cwd);
  await using worker = startWorker(l.redis.url, cwd, ["--allow-read=."], { SECRET_TOKEN: "hunter2", CRYSTALLIZE_HOME: "/home/operator/.crystallize" });
  await worker.ready;
  await using client = new HostileClient(l.redis.url);
  const secret = join(l.path, "secret.txt");
  await Deno.writeTextFile(secret, "CANARY");
  const cache = join(cwd, "cache");
  const code = await writeProbe(l.path, "attacker");
  const hash = await client.packed(code);
  const result = await client.probe({
    run: "attacker",
    code,
    permissions: { read: [`file://${secret}`], env: true, net: true, run: true, write: true, sys: true, ffi: true },
    replicates: [0, 1],
    probes: [
      { action: "read", target: secret },
      { action: "connect", target: String(l.redis.port) },
      { action: "env", target: "SECRET_TOKEN" },
      { action: "env", target: "CRYSTALLIZE_HOME" },
      { action: "env-all", target: "" },
      { action: "run", target: "deno" },
      { action: "write", target: join(cache, "bundles", hash, "fs", code, "probe.ts") },
      { action: "write", target: join(l.path, "planted.txt") },
      { action: "forge", target: "1" },
    ],
  });
  console.log(JSON.stringify(result, null, 1).slice(0, 4000));
  console.log(worker.stderr());
});
