/**
 * Queue runs with a shared output root, on a real redis-server with real
 * `crystallize worker --shared-output` processes: artifacts land in the
 * coordinator's stored run exactly as in a local run while only their
 * metadata crosses Redis; a killed worker's files are never taken; paths a
 * result forges (out of the run's folder, through links, with the wrong
 * hash) are refused; a resumed coordinator takes what finished while it was away.
 */
import assert from "node:assert/strict";
import { join, relative, resolve } from "node:path";
import { Redis } from "npm:ioredis@5.8.2";
import { QueueExecution, SerialExecution } from "../mod.ts";
import { createSha256 } from "../src/sha256.ts";
import { SharedRunFolder } from "../src/execution/queue/shared_output.ts";
import { tempDir } from "./temp_dir.ts";
import { copyExample } from "./fixtures/cli/run_cli.ts";
import { killedCoordinator, queueCli, startRedis, startWorker } from "./fixtures/queue/cluster.ts";
import { queued, setUp, workers } from "./fixtures/queue/setup.ts";

const BLOB = 128 * 1024;

/** A `QueueExecution` on `url` sharing `root` with its workers. */
const sharing = (url: string, root: string, batchSize = 2) =>
  new QueueExecution({
    connection: url,
    batchSize,
    checkEveryMs: 100,
    cancelGraceMs: 200,
    sharedOutput: resolve(root),
  });

const sha256 = (bytes: Uint8Array) => createSha256().update(bytes).digest("hex");

/** Every artifact of a stored version: its bytes' hash and the metadata that does not name the run. */
async function artifactsOf(version: string): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for await (const path of filesBelow(version)) {
    const name = relative(version, path);
    if (name.split("/").length !== 3 || name.endsWith(".meta.json")) continue;
    const meta = JSON.parse(await Deno.readTextFile(`${path}.meta.json`));
    const bytes = await Deno.readFile(path);
    assert.equal(meta.sha256, sha256(bytes), `${name}: its metadata has its hash`);
    assert.equal(meta.bytes, bytes.length, `${name}: its metadata has its size`);
    const { runId: _, writtenAt: __, ...kept } = meta;
    // where.txt names the module that wrote it: a worker's bundle, not the checkout.
    found.set(name, name.endsWith("where.txt") ? { ...kept, sha256: "-", bytes: "-" } : kept);
  }
  return found;
}

async function* filesBelow(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* filesBelow(path);
    else yield path;
  }
}

/** Bytes Redis has received so far. */
async function redisInput(url: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  try {
    return Number(/total_net_input_bytes:(\d+)/.exec(await client.info("stats"))![1]);
  } finally {
    client.disconnect();
  }
}

/** The namespace of the only unfinished run on the default queue, once there is one. */
async function onlyRun(url: string): Promise<string> {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  try {
    for (;;) {
      const runs = await client.smembers("crystallize:crystallize:runs");
      if (runs.length > 0) return runs[0];
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    client.disconnect();
  }
}

/** `crystallize run` arguments of a queue run on `url` sharing `shared`, stored in `out`, with `--json`. */
const sharedQueueRun = (module: string, url: string, shared: string, out: string) => [
  "run",
  module,
  "--executor",
  "queue",
  "--redis",
  url,
  "--shared-output",
  shared,
  "--out",
  out,
  "--json",
];

const isEmpty = async (dir: string) => (await Array.fromAsync(Deno.readDir(dir))).length === 0;

Deno.test("queue shared output: artifacts land as in a local run (layout, bytes, hashes); only metadata crosses Redis", async () => {
  const { dir, build } = await setUp("queue-shared");
  await using _dir = dir;
  const shared = join(dir.path, "shared");
  await Deno.mkdir(shared);
  await using redis = await startRedis(dir.path);
  await using _pool = await workers(redis.url, join(dir.path, "w"), 2, [
    "--shared-output",
    resolve(shared),
  ]);
  const options = (outputDir: string) => ({ replicates: 6, blob: BLOB, outputDir });
  const serial = await build("blobs", [new SerialExecution()], options(join(dir.path, "serial")))
    .run();
  const local = await artifactsOf(join(dir.path, "serial", "blobs", "v0"));
  assert.equal(local.size, 6 * 2 * 2, "where.txt and blob.bin per replicate and condition");

  // The coordinator names no shared root: the bytes travel through Redis (the measure sees them).
  const beforeRedis = await redisInput(redis.url);
  const viaRedis = await build("blobs", [queued(redis.url)], options(join(dir.path, "redis")))
    .run();
  const redisBytes = (await redisInput(redis.url)) - beforeRedis;
  const artifactBytes = 6 * 2 * BLOB;
  assert.ok(redisBytes > artifactBytes, `${redisBytes} bytes reached Redis`);

  const before = await redisInput(redis.url);
  const viaShared = await build(
    "blobs",
    [sharing(redis.url, shared)],
    options(join(dir.path, "sh")),
  )
    .run();
  const sharedBytes = (await redisInput(redis.url)) - before;
  assert.ok(
    sharedBytes < artifactBytes / 4,
    `only metadata crossed Redis: ${sharedBytes} bytes for ${artifactBytes} bytes of artifacts`,
  );
  for (const result of [viaRedis, viaShared]) {
    assert.deepStrictEqual(result.metrics, serial.metrics);
    assert.deepEqual(result.errors, []);
  }
  assert.deepEqual(await artifactsOf(join(dir.path, "redis", "blobs", "v0")), local);
  assert.deepEqual(await artifactsOf(join(dir.path, "sh", "blobs", "v0")), local);
  assert.ok(await isEmpty(shared), "the run's folder on the shared root is removed");
});

Deno.test("queue shared output: a SIGKILLed worker's files are not taken; the redelivered batch's are", async () => {
  const { dir, build } = await setUp("queue-shared-kill");
  await using _dir = dir;
  const shared = resolve(dir.path, "shared");
  await Deno.mkdir(shared);
  await using redis = await startRedis(dir.path);
  const flags = ["--shared-output", shared, "--concurrency", "1"];
  const options = { replicates: 4, ms: 300, blob: 4096 };
  const serial = await build("kill", [new SerialExecution()], {
    ...options,
    outputDir: join(dir.path, "serial"),
  }).run();
  await using first = startWorker(redis.url, await made(join(dir.path, "first")), flags);
  await first.ready;
  const out = join(dir.path, "out");
  const running = build("kill", [sharing(redis.url, shared, 4)], { ...options, outputDir: out })
    .run();
  const run = join(shared, await onlyRun(redis.url));
  // One batch of 4 replicates (≈ 2.4 s): killed once its first artifact is on the shared root.
  let attempt: string | undefined;
  while (attempt === undefined) {
    for await (const entry of Deno.readDir(run)) {
      const blob = join(run, entry.name, "0", "baseline", "blob.bin");
      if (entry.isDirectory && await Deno.stat(blob).then(() => true, () => false)) {
        attempt = join(run, entry.name);
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  first.kill("SIGKILL");
  await first.status;
  // What the killed worker left: a half-written file and one no outcome names.
  const blob = join(attempt, "0", "baseline", "blob.bin");
  await Deno.truncate(blob, 100);
  await Deno.writeTextFile(join(attempt, "0", "baseline", "planted.bin"), "not an artifact");
  await using _second = startWorker(redis.url, await made(join(dir.path, "second")), flags);
  const result = await running;
  assert.deepStrictEqual(result.metrics, serial.metrics);
  assert.deepEqual(result.errors, []);
  const version = join(out, "kill", "v0");
  assert.deepEqual(
    await artifactsOf(version),
    await artifactsOf(join(dir.path, "serial", "kill", "v0")),
  );
  assert.equal(
    await Deno.stat(join(version, "0", "baseline", "planted.bin")).then(() => true, () => false),
    false,
  );
  const lines = (await Deno.readTextFile(join(version, "outcomes.jsonl"))).trim().split("\n");
  assert.equal(lines.length, 4, "each replicate recorded once");
  assert.ok(await isEmpty(shared), "the killed worker's attempt is removed with the run's folder");
});

Deno.test("queue shared output: a result's forged paths are refused (out of the run's folder, links, wrong hash)", async () => {
  const { dir, build } = await setUp("queue-shared-forged");
  await using _dir = dir;
  const shared = resolve(dir.path, "shared");
  const outside = resolve(dir.path, "outside");
  await Deno.mkdir(shared);
  await Deno.mkdir(join(outside, "1", "baseline"), { recursive: true });
  const secret = join(outside, "secret.txt");
  await Deno.writeTextFile(secret, "top secret");
  await Deno.writeTextFile(join(outside, "1", "baseline", "where.txt"), "outside");
  await using redis = await startRedis(dir.path);
  const out = join(dir.path, "out");
  const running = build("forged", [sharing(redis.url, shared)], { replicates: 4, outputDir: out })
    .run();
  const namespace = await onlyRun(redis.url);
  const run = join(shared, namespace);
  const forged = join(run, "forged");
  const text = (s: string) => new TextEncoder().encode(s);
  await Deno.mkdir(join(forged, "0", "baseline"), { recursive: true });
  await Deno.mkdir(join(forged, "1", "louder"), { recursive: true });
  await Deno.writeTextFile(join(forged, "0", "baseline", "where.txt"), "good");
  await symlink(secret, join(forged, "0", "baseline", "link.txt"));
  await symlink(outside, join(forged, "evil"));
  await Deno.writeTextFile(join(forged, "1", "louder", "where.txt"), "abc");
  const claim = (
    replicate: number,
    condition: string,
    name: string,
    file: string,
    data: string,
  ) => ({
    replicate,
    condition,
    name,
    step: "where",
    file,
    sha256: sha256(text(data)),
    bytes: text(data).length,
  });
  const artifacts = [
    claim(0, "baseline", "where.txt", "forged/0/baseline/where.txt", "good"), // the control: taken
    claim(0, "baseline", "escape.txt", "../../outside/secret.txt", "top secret"),
    claim(0, "baseline", "absolute.txt", secret, "top secret"),
    claim(0, "louder", "where.txt", "forged/0/baseline/link.txt", "top secret"),
    claim(1, "baseline", "where.txt", "forged/evil/1/baseline/where.txt", "outside"),
    claim(1, "louder", "where.txt", "forged/1/louder/where.txt", "abd"), // same size, other bytes
  ];
  const names = (r: number, c: string) =>
    artifacts.filter((a) => a.replicate === r && a.condition === c).map((a) => a.name);
  const outcome = (replicate: number) => ({
    replicate,
    conditions: ["baseline", "louder"].map((condition) => ({
      condition,
      seed: 1,
      metrics: { value: [replicate] },
      durationMs: 0,
      stepMs: [],
      artifacts: names(replicate, condition),
    })),
  });
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    const result = {
      batch: 0,
      worker: "forger",
      outcomes: [outcome(0), outcome(1)],
      events: [],
      logs: [],
      artifacts,
    };
    const { serialize } = await import("node:v8");
    await client.xadd(
      `crystallize:crystallize:run:${namespace}:results`,
      "*",
      "r",
      serialize(result),
    );
  } finally {
    client.disconnect();
  }
  // The other batch runs on a worker (which may run the forged one again: that result is ignored).
  await using _pool = await workers(redis.url, join(dir.path, "w"), 1, ["--shared-output", shared]);
  await running;
  const stored = (r: number, c: string, name: string) =>
    Deno.readTextFile(join(out, "forged", "v0", String(r), c, name)).catch(() => undefined);
  assert.equal(await stored(0, "baseline", "where.txt"), "good");
  for (
    const [r, c, name] of [
      [0, "baseline", "escape.txt"],
      [0, "baseline", "absolute.txt"],
      [0, "louder", "where.txt"],
      [1, "baseline", "where.txt"],
      [1, "louder", "where.txt"],
    ] as const
  ) {
    assert.equal(await stored(r, c, name), undefined, `${r}/${c}/${name} refused`);
  }
  assert.match(
    (await stored(2, "louder", "where.txt")) ?? "",
    /^file:\/\//,
    "the worker's batch stored",
  );
  assert.equal(await Deno.readTextFile(secret), "top secret", "nothing outside is moved");
  assert.ok(await isEmpty(shared));
});

Deno.test("queue shared output: what a coordinator refuses, and why", async () => {
  await using dir = await tempDir("shared-folder");
  const root = resolve(dir.path, "shared");
  await Deno.mkdir(root);
  const { folder } = await SharedRunFolder.create(root, "r1");
  const run = join(root, "r1");
  await Deno.mkdir(join(run, "a", "0", "baseline"), { recursive: true });
  await Deno.writeTextFile(join(run, "a", "0", "baseline", "x.txt"), "abc");
  await Deno.writeTextFile(join(dir.path, "secret.txt"), "abc");
  await symlink(resolve(dir.path, "secret.txt"), join(run, "a", "link.txt"));
  await symlink(resolve(dir.path), join(run, "a", "up"));
  assert.equal(
    await folder.source("a/0/baseline/x.txt", 3),
    await Deno.realPath(join(run, "a", "0", "baseline", "x.txt")),
  );
  const refused: [string, number, RegExp][] = [
    ["../secret.txt", 3, /is not a path inside .*r1: .*"\.\."/],
    ["/etc/passwd", 3, /is not a path inside/],
    ["a//x.txt", 3, /is not a path inside/],
    ["a/link.txt", 3, /leads out of .*r1 .*through a symbolic link/],
    ["a/up/secret.txt", 3, /leads out of .*through a symbolic link/],
    ["a/0/baseline", 0, /is not a regular file/],
    ["a/0/baseline/x.txt", 4, /holds 3 bytes, not the 4 its worker reported/],
    ["a/0/baseline/missing.txt", 3, /is not in .*is the worker's --shared-output the same folder/],
  ];
  for (const [file, bytes, message] of refused) {
    await assert.rejects(folder.source(file, bytes), message, file);
  }
  await folder.discard(["../..", "a/0/baseline/x.txt"]);
  assert.ok(await Deno.stat(join(dir.path, "secret.txt")), "a forged attempt is not removed");
  assert.equal(await Deno.stat(join(run, "a")).catch(() => undefined), undefined);
});

Deno.test("queue shared output (CLI): --shared-output on run and worker; config.yaml's sharedOutput needs the flag", async () => {
  const { dir, module } = await setUp("queue-shared-cli");
  await using _dir = dir;
  const shared = resolve(dir.path, "shared");
  await Deno.mkdir(shared);
  await using redis = await startRedis(dir.path);
  await using _pool = await workers(redis.url, join(dir.path, "w"), 2, ["--shared-output", shared]);
  const out = join(dir.path, "out");
  const ran = await queueCli([
    ...sharedQueueRun(module, redis.url, shared, out),
    "--replicates",
    "4",
  ]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.deepEqual(JSON.parse(ran.stdout).results[0].errors, []);
  const stored = await artifactsOf(join(out, "queued", "v0"));
  assert.equal(stored.size, 4 * 2);
  assert.ok(await isEmpty(shared));

  const unshared = await queueCli(["run", module, "--shared-output", shared, "--json"]);
  assert.equal(unshared.code, 2);
  assert.match(unshared.stdout, /--shared-output needs --redis/);

  const folder = join(dir.path, "folder");
  await copyExample(new URL("../examples/folder_experiment", import.meta.url).pathname, folder);
  const config = join(folder, "config.yaml");
  await Deno.writeTextFile(
    config,
    (await Deno.readTextFile(config)).replace(
      "plugins:\n",
      `plugins:\n  - QueueExecution: { connection: "${redis.url}", sharedOutput: "${shared}" }\n`,
    ),
  );
  const refused = await queueCli(["run", folder, "--json", "--redis", redis.url]);
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stdout, new RegExp(`add --shared-output ${shared}`));
});

/** Makes a symbolic link (Deno.symlink needs unscoped permissions; `deno eval` has them). */
async function symlink(target: string, path: string): Promise<void> {
  const code = `Deno.symlinkSync(${JSON.stringify(resolve(target))}, ${
    JSON.stringify(resolve(path))
  })`;
  const made = await new Deno.Command("deno", { args: ["eval", code], stdout: "null" }).output();
  assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
}

async function made(path: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return path;
}

Deno.test("queue shared output: of the shared root, the run's code may write only its own run's folder", async () => {
  const { dir, build } = await setUp("queue-shared-sandbox");
  await using _dir = dir;
  const shared = resolve(dir.path, "shared");
  await Deno.mkdir(shared);
  await using redis = await startRedis(dir.path);
  await using _pool = await workers(redis.url, join(dir.path, "w"), 1, ["--shared-output", shared]);
  const escape = join(shared, "escape.txt");
  const result = await build("touch", [sharing(redis.url, shared)], {
    replicates: 1,
    touch: escape,
  })
    .run();
  assert.equal(result.errors.length, 2, "both conditions refused");
  assert.match(result.errors[0].message, /Requires write access to ".*escape\.txt"/);
  assert.equal(await Deno.stat(escape).then(() => true, () => false), false);
  // Its artifacts, written into its own folder there, still arrive.
  const ok = await build("touch", [sharing(redis.url, shared)], { replicates: 1, blob: 64 }).run();
  assert.deepEqual(ok.errors, []);
  assert.ok(await isEmpty(shared));
});

Deno.test("queue shared output: a worker whose --shared-output is another folder sends the bytes through Redis, saying so", async () => {
  const { dir, build } = await setUp("queue-shared-other");
  await using _dir = dir;
  const shared = resolve(dir.path, "shared");
  const elsewhere = resolve(dir.path, "elsewhere");
  await Deno.mkdir(shared);
  await Deno.mkdir(elsewhere);
  await using redis = await startRedis(dir.path);
  await using pool = await workers(redis.url, join(dir.path, "w"), 1, [
    "--shared-output",
    elsewhere,
  ]);
  const options = (outputDir: string) => ({ replicates: 3, blob: 1024, outputDir });
  await build("other", [new SerialExecution()], options(join(dir.path, "serial"))).run();
  const result = await build("other", [sharing(redis.url, shared)], options(join(dir.path, "out")))
    .run();
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    await artifactsOf(join(dir.path, "out", "other", "v0")),
    await artifactsOf(join(dir.path, "serial", "other", "v0")),
  );
  assert.match(
    pool.list[0].stderr(),
    /its coordinator's shared output root is not .*elsewhere here \(no .*run\.token of this run in it\); its artifacts travel through Redis/,
  );
  assert.ok(await isEmpty(shared));
  assert.ok(await isEmpty(elsewhere));
});

Deno.test("queue shared output (CLI): a killed coordinator resumed with --strategy resume takes the finished batches' artifacts from the shared root", async () => {
  const { dir, module } = await setUp("queue-shared-resume");
  await using _dir = dir;
  const shared = resolve(dir.path, "shared");
  await Deno.mkdir(shared);
  await using redis = await startRedis(dir.path);
  const out = join(dir.path, "out");
  const args = sharedQueueRun(module, redis.url, shared, out);
  const serial = await queueCli(["run", module, "--out", join(dir.path, "serial"), "--json"]);
  assert.equal(serial.code, 0, serial.stderr);
  // No worker yet: the coordinator enqueues every batch, then is killed.
  await killedCoordinator(redis.url, args, 12);
  const probe = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    await using _pool = await workers(redis.url, join(dir.path, "w"), 2, [
      "--shared-output",
      shared,
    ]);
    // The orphaned batches run while no coordinator listens: their files wait on the shared root.
    while (
      (await probe.llen("bull:crystallize:wait")) + (await probe.llen("bull:crystallize:active")) >
        0
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(!(await isEmpty(shared)), "finished batches left their artifacts on the shared root");
    const resumed = await queueCli([...args, "--strategy", "resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /reattached to unfinished run/);
    const added = (await probe.xrange("bull:crystallize:events", "-", "+"))
      .filter(([, fields]) => fields[1] === "added");
    assert.equal(added.length, 12, "every batch enqueued once: none ran twice");
    const a = JSON.parse(resumed.stdout).results[0];
    assert.deepEqual(a.metrics, JSON.parse(serial.stdout).results[0].metrics);
    assert.deepEqual(a.errors, []);
  } finally {
    probe.disconnect();
  }
  assert.deepEqual(
    // The killed coordinator's run is v0; the resumed one, reusing it, v1.
    await artifactsOf(join(out, "queued", "v1")),
    await artifactsOf(join(dir.path, "serial", "queued", "v0")),
    "every artifact of the resumed run, as a local run stores it",
  );
  assert.ok(await isEmpty(shared), "the run's folder on the shared root is removed");
});
