/**
 * Code shipping on a real redis-server with real `crystallize worker`
 * processes started in folders without the experiment's code: files the
 * experiment imports from outside its folder, the project's `deno.json`
 * bare-name imports, upstream runs an `ExperimentInput` reads, the bounded
 * bundle cache, and bundles in Redis that were tampered with.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { deserialize, serialize } from "node:v8";
import { Buffer } from "node:buffer";
import { Redis } from "npm:ioredis@5.8.2";
import { BundleError, type Result, SerialExecution } from "../mod.ts";
import { createSha256 } from "../src/sha256.ts";
import { VERSION } from "../src/version.ts";
import { tempDir } from "./temp_dir.ts";
import { copyExample, MOD, writeFiles } from "./fixtures/cli/run_cli.ts";
import { QUEUE_CLI_FLAGS, queueCli, startRedis } from "./fixtures/queue/cluster.ts";
import { holdingBatch, queued, setUp, workers } from "./fixtures/queue/setup.ts";
import { IMPORTING, MAPPED, UPSTREAM } from "./fixtures/queue/shipping.ts";

type Runnable = { run(): Promise<Result> };

const load = async <T>(path: string): Promise<T> =>
  await import(pathToFileURL(resolve(path)).href) as T;

/** Hash folders in a worker's bundle cache. */
async function cachedBundles(workerDir: string): Promise<string[]> {
  const dir = join(workerDir, "cache", "bundles");
  const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
  return names.filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
}

/** A symbolic link, made by a helper process: Deno.symlink needs unscoped read and write. */
async function symlink(target: string, path: string): Promise<void> {
  const code = "Deno.symlinkSync(Deno.args[0], Deno.args[1]);";
  const out = await new Deno.Command("deno", {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      `data:,${encodeURIComponent(code)}`,
      target,
      path,
    ],
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

Deno.test("queue shipping: files imported from outside the experiment's folder travel in the bundle, transitively (a JSON file too)", async () => {
  await using dir = await tempDir("ship-imports");
  await using redis = await startRedis(dir.path);
  await writeFiles(dir.path, IMPORTING);
  const { build } = await load<{ build: (p: unknown[], out: string) => Runnable }>(
    join(dir.path, "code", "exp.ts"),
  );
  const serial = await build([new SerialExecution()], join(dir.path, "serial")).run();
  await using _pool = await workers(redis.url, join(dir.path, "workers"), 1);
  const result = await build([queued(redis.url)], join(dir.path, "queued")).run();
  assert.deepEqual(result.errors, []);
  assert.deepStrictEqual(result.metrics, serial.metrics);
  assert.equal(result.metrics.baseline.metrics.value.length, 4);
  const [hash] = await cachedBundles(join(dir.path, "workers", "worker-0"));
  const shipped = join(dir.path, "workers", "worker-0", "cache", "bundles", hash, "fs");
  for (const file of ["shared/util.ts", "shared/deep/factor.ts", "data/table.json"]) {
    const path = join(shipped, resolve(dir.path, file));
    assert.ok(await Deno.stat(path).then(() => true, () => false), `${file} was shipped`);
  }
});

Deno.test("queue shipping: an imported link, or a file outside the project, is refused with a BundleError", async () => {
  await using dir = await tempDir("ship-refused");
  await using redis = await startRedis(dir.path);
  await writeFiles(dir.path, IMPORTING);
  const code = join(dir.path, "code", "exp.ts");
  const source = await Deno.readTextFile(code);
  const plain = resolve(dir.path, "shared", "plain.ts");
  await Deno.writeTextFile(plain, "export const scale = (x: number) => x * 2;\n");
  await symlink(plain, join(dir.path, "code", "linked.ts"));
  await Deno.writeTextFile(code, source.replace("../shared/util.ts", "./linked.ts"));
  const linked = await load<{ build: (p: unknown[], out: string) => Runnable }>(code);
  await assert.rejects(
    () => linked.build([queued(redis.url)], join(dir.path, "out")).run(),
    (error: Error) =>
      error instanceof BundleError && /linked\.ts.*symbolic link/.test(error.message),
  );
  // Outside this checkout (the project: the folder of the nearest deno.json).
  const outside = await Deno.realPath(await Deno.makeTempDir());
  const far = join(outside, "far.ts");
  await Deno.writeTextFile(far, "export const scale = (x: number) => x;\n");
  const other = join(dir.path, "code", "other.ts");
  await Deno.writeTextFile(other, source.replace("../shared/util.ts", far));
  try {
    const stray = await load<{ build: (p: unknown[], out: string) => Runnable }>(other);
    await assert.rejects(
      () => stray.build([queued(redis.url)], join(dir.path, "out")).run(),
      (error: Error) =>
        error instanceof BundleError &&
        error.message.includes(
          `code/other.ts imports ${far}, outside the experiment's folders and the project`,
        ),
    );
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

/** Runs the CLI as `deno task cli` does from `project` (INIT_CWD), with the queue suites' flags. */
async function cliIn(project: string, args: readonly string[]) {
  const flags = QUEUE_CLI_FLAGS.map((f) => f.startsWith("--allow-env") ? `${f},INIT_CWD` : f);
  const out = await new Deno.Command("deno", {
    args: ["run", ...flags, new URL("../cli.ts", import.meta.url).pathname, ...args],
    env: { NO_COLOR: "1", INIT_CWD: resolve(project) },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("queue shipping (CLI): workers resolve bare names with the project's deno.json, checked as locally", async () => {
  await using dir = await tempDir("ship-mapped");
  await using redis = await startRedis(dir.path);
  const project = join(dir.path, "proj");
  await writeFiles(project, MAPPED);
  // The steps live in ../shared (reached through "@/"): the local sandbox reads them when granted.
  const args = ["run", "exp/exp.ts", "--json", "--allow-read=shared"];
  const local = await cliIn(project, args);
  assert.equal(local.code, 0, local.stderr);
  await using _pool = await workers(redis.url, join(dir.path, "workers"), 1);
  const remote = await cliIn(project, [...args, "--executor", "queue", "--redis", redis.url]);
  assert.equal(remote.code, 0, remote.stderr);
  const [a, b] = [remote, local].map((r) => JSON.parse(r.stdout).results[0]);
  assert.deepEqual(a.errors, []);
  assert.match(a.provenance.executionStrategy, /^queue\(/);
  assert.deepEqual(a.metrics, b.metrics);
  assert.equal(a.metrics.baseline.value.length, 4);
});

Deno.test("queue shipping: an ExperimentInput's upstream run travels in the bundle; the worker (which may not read the original) reads the unpacked copy", async () => {
  await using dir = await tempDir("ship-upstream");
  await using redis = await startRedis(dir.path);
  await writeFiles(dir.path, UPSTREAM);
  const root = resolve(dir.path, "runs");
  const { train } = await load<{ train: (root: string) => Runnable }>(
    join(dir.path, "up", "train.ts"),
  );
  await train(root).run();
  const { evaluate } = await load<{ evaluate: (root: string, p: unknown[]) => Runnable }>(
    join(dir.path, "down", "evaluate.ts"),
  );
  const serial = await evaluate(root, [new SerialExecution()]).run();
  assert.deepEqual(serial.errors, []);
  const workerDir = join(dir.path, "workers", "worker-0");
  await using _pool = await workers(redis.url, join(dir.path, "workers"), 1);
  const result = await evaluate(root, [queued(redis.url, 1)]).run();
  assert.deepEqual(result.errors, []);
  assert.deepStrictEqual(result.metrics, serial.metrics);
  assert.equal(result.metrics.baseline.metrics.weight.length, 3);
  const [hash] = await cachedBundles(workerDir);
  const copy = join(workerDir, "cache", "bundles", hash, "fs", root, "train", "v0");
  assert.ok(await Deno.stat(join(copy, "run.json")).then(() => true, () => false), copy);
  assert.ok(
    await Deno.stat(join(copy, "2", "baseline", "model.json")).then(() => true, () => false),
  );
});

Deno.test("queue shipping: --bundle-cache-max bounds the worker's unpacked bundles, never deleting one in use", async () => {
  const a = await setUp("ship-cache-a");
  await using _a = a.dir;
  const b = await setUp("ship-cache-b"); // another folder: another bundle
  await using _b = b.dir;
  await using redis = await startRedis(a.dir.path);
  const serialA = await a.build("a", [new SerialExecution()], { replicates: 6 }).run();
  const serialB = await b.build("b", [new SerialExecution()], { replicates: 6 }).run();
  const root = join(a.dir.path, "workers");
  await using pool = await workers(redis.url, root, 1, [
    "--bundle-cache-max",
    "1",
    "--concurrency",
    "2",
  ]);
  const workerDir = join(root, "worker-0");
  // A's one batch (6 replicates × 2 conditions × 150 ms) is running while B's bundle is unpacked.
  const runningA = a.build("a", [queued(redis.url, 6)], { replicates: 6, ms: 150 }).run();
  await holdingBatch(redis.url, pool.list[0].pid);
  const rb = await b.build("b", [queued(redis.url, 1)], { replicates: 6 }).run();
  const ra = await runningA;
  assert.deepEqual([ra.errors, rb.errors], [[], []]);
  assert.deepStrictEqual(ra.metrics, serialA.metrics);
  assert.deepStrictEqual(rb.metrics, serialB.metrics);
  const both = await cachedBundles(workerDir);
  assert.equal(both.length, 2, "neither was deleted while in use");
  // A's bundle again: it is the one used now, so B's goes (with its scratch folder).
  const again = await a.build("a", [queued(redis.url, 1)], { replicates: 6 }).run();
  assert.deepStrictEqual(again.metrics, serialA.metrics);
  const kept = await cachedBundles(workerDir);
  assert.equal(kept.length, 1);
  const gone = both.find((h) => h !== kept[0])!;
  const work = await Array.fromAsync(Deno.readDir(join(workerDir, "cache", "work")));
  assert.ok(!work.some((e) => e.name === gone), "the pruned bundle's work folder went with it");
  assert.match(pool.list[0].stderr(), /pruned 1 unused bundle/);
});

/** The task of the next run to appear on the queue (polling), with its key. */
async function nextTask(client: Redis, seen: Set<string>) {
  for (;;) {
    const runs = (await client.smembers("crystallize:crystallize:runs")).filter((r) =>
      !seen.has(r)
    );
    if (runs.length > 0) {
      seen.add(runs[0]);
      const key = `crystallize:crystallize:run:${runs[0]}:task`;
      const bytes = await client.getBuffer(key);
      if (bytes !== null) return { key, task: deserialize(bytes) as { bundle: string } };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Stores `document` as a bundle and points the task at it (what anyone who can write to Redis could do). */
async function forge(client: Redis, seen: Set<string>, document: unknown): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  const hash = createSha256().update(bytes).digest("hex");
  const { key, task } = await nextTask(client, seen);
  await client.set(`crystallize:crystallize:bundle:${hash}`, Buffer.from(bytes));
  await client.set(key, serialize({ ...task, bundle: hash }));
}

async function filesNamed(dir: string, name: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...await filesNamed(path, name));
    else if (entry.name === name) found.push(path);
  }
  return found;
}

Deno.test("queue shipping: bundles from Redis are hostile: an altered one, one with a path climbing out, one remapping the library are refused", async () => {
  const { dir, build } = await setUp("ship-hostile");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const seen = new Set<string>();
  const lib = resolve(".");
  const code = resolve(dir.path, "code"); // the experiment's modules: refused only for what is forged
  const forged = (files: [string, string][], imports: Record<string, string>) => ({
    format: 2,
    library: { version: VERSION, root: lib },
    roots: [code],
    files: [],
    imports,
    contents: files.map(([path, text]) => [path, new TextEncoder().encode(text).toBase64()]),
  });
  const failure = async (seed: number, tamper: () => Promise<void>) => {
    const running = build("hostile", [queued(redis.url, 2)], { replicates: 2, seed }).run();
    await tamper();
    await using _pool = await workers(redis.url, join(dir.path, `w${seed}`), 1);
    const result = await running;
    assert.equal(result.errors.length, 4, `seed ${seed}: every replicate failed`);
    return result.errors[0].message;
  };
  try {
    const altered = await failure(1, async () => {
      const { task } = await nextTask(client, seen);
      await client.set(`crystallize:crystallize:bundle:${task.bundle}`, Buffer.from("{}"));
    });
    assert.match(altered, /hashes to [0-9a-f]{64}, which does not match: it was altered/);
    const climbing = await failure(
      2,
      () => forge(client, seen, forged([[`${code}/${"../".repeat(8)}escape.txt`, "pwned"]], {})),
    );
    assert.match(climbing, /is malformed: file .*escape\.txt" lies outside its roots/);
    assert.deepEqual(
      await filesNamed(dir.path, "escape.txt"),
      [],
      "nothing written outside the cache",
    );
    const remap = await failure(
      3,
      () =>
        forge(
          client,
          seen,
          forged([[`${code}/evil.ts`, "export {};"]], {
            [`file://${lib}/mod.ts`]: `file://${code}/evil.ts`,
          }),
        ),
    );
    assert.match(remap, /maps 'file:\/\/.*mod\.ts', which is not a bare name/);
  } finally {
    client.disconnect();
  }
});

Deno.test("queue shipping (CLI): a folder experiment reading another's stored run (examples/dag) runs on workers", async () => {
  await using dir = await tempDir("ship-dag");
  await using redis = await startRedis(dir.path);
  const examples = new URL("../examples/dag", import.meta.url).pathname;
  for (const copy of ["local", "queued"]) await copyExample(examples, join(dir.path, copy));
  const local = await queueCli(["run", join(dir.path, "local", "consumer"), "--json"]);
  assert.equal(local.code, 0, local.stderr);
  await using _pool = await workers(redis.url, join(dir.path, "workers"), 2);
  const remote = await queueCli([
    "run",
    join(dir.path, "queued", "consumer"),
    "--json",
    "--executor",
    "queue",
    "--redis",
    redis.url,
  ]);
  assert.equal(remote.code, 0, remote.stderr);
  const results = (r: { stdout: string }) =>
    Object.fromEntries(
      JSON.parse(r.stdout).results.map((x: { experiment: string }) => [x.experiment, x]),
    );
  const [a, b] = [results(remote), results(local)];
  assert.deepEqual(Object.keys(a).sort(), ["consumer", "producer"]);
  assert.deepEqual(a.consumer.errors, []);
  assert.deepEqual(a.consumer.metrics, b.consumer.metrics);
  assert.match(a.consumer.provenance.executionStrategy, /^queue\(/);
});

Deno.test("queue shipping: a program that may not run deno (for `deno info`) is told which --allow-run to add", async () => {
  await using dir = await tempDir("ship-norun");
  await using redis = await startRedis(dir.path);
  await writeFiles(dir.path, IMPORTING);
  const exp = pathToFileURL(resolve(dir.path, "code", "exp.ts")).href;
  const script = `import { build } from ${JSON.stringify(exp)};
import { BundleError, QueueExecution } from ${JSON.stringify(MOD)};
try {
  await build([new QueueExecution({ connection: ${JSON.stringify(redis.url)} })], ${
    JSON.stringify(resolve(dir.path, "out"))
  }).run();
} catch (error) {
  console.log(error instanceof BundleError, error.message);
}`;
  const program = join(dir.path, "program.ts");
  await Deno.writeTextFile(program, script);
  const out = await new Deno.Command("deno", {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      `--allow-write=${resolve(dir.path)}`,
      "--allow-net=127.0.0.1",
      "--ignore-env",
      program,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const printed = new TextDecoder().decode(out.stdout);
  assert.match(
    printed,
    /^true .*found with `deno info`, and this process may not run deno: add --allow-run=deno/,
    new TextDecoder().decode(out.stderr),
  );
});
