/**
 * Attacks on `crystallize worker` and on a queue run's coordinator, with a
 * real redis-server on a private loopback port and real worker processes:
 * (a) experiment code running on a worker tries to reach what is not its
 * run's; (b) a hostile Redis client (anyone who can write to the queue)
 * stores tasks, bundles, jobs and results no coordinator made. Canaries and
 * caches are read and hashed from outside the sandbox.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { serialize } from "node:v8";
import { SerialExecution } from "../mod.ts";
import { packBundle } from "../src/execution/queue/bundle.ts";
import { workRootName } from "../src/execution/queue/run_identity.ts";
import { tempDir } from "./temp_dir.ts";
import { queueCli, startRedis, startWorker, type WorkerHandle } from "./fixtures/queue/cluster.ts";
import {
  got,
  hashTree,
  HostileClient,
  LIBRARY,
  probeTask,
  writeProbe,
} from "./fixtures/queue/hostile.ts";
import { queued, setUp, workers } from "./fixtures/queue/setup.ts";

/** A test folder (real path), a Redis server, and a worker in `<folder>/worker` with `flags`. */
async function lab(
  prefix: string,
  flags: readonly string[] = [],
  env: Record<string, string> = {},
) {
  const dir = await tempDir(prefix);
  const path = await Deno.realPath(dir.path);
  const redis = await startRedis(path);
  const cwd = join(path, "worker");
  await Deno.mkdir(cwd);
  const worker: WorkerHandle = startWorker(redis.url, cwd, flags, env);
  await worker.ready;
  const client = new HostileClient(redis.url);
  const secret = join(path, "secret.txt");
  await Deno.writeTextFile(secret, "CANARY");
  return {
    path,
    redis,
    cwd,
    cache: join(cwd, "cache"),
    worker,
    client,
    secret,
    [Symbol.asyncDispose]: async () => {
      await client[Symbol.asyncDispose]();
      await worker[Symbol.asyncDispose]();
      await redis[Symbol.asyncDispose]();
      await dir[Symbol.asyncDispose]();
    },
  };
}

const refused = (kind: string) => new RegExp(`^refused: Requires ${kind} access`);

/** Every file and folder below `dir`, relative. */
async function listTree(dir: string, at = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(dir, at))) {
    const path = join(at, entry.name);
    out.push(path);
    if (entry.isDirectory) out.push(...await listTree(dir, path));
  }
  return out.sort();
}

/** Another user's run: its code unpacked in the worker's cache, `r.txt` in its work root. */
async function victimRun(l: Awaited<ReturnType<typeof lab>>) {
  const code = await writeProbe(l.path, "victim");
  const write = { run: "victim", code, probes: [{ action: "write", target: "$WORK/r.txt" }] };
  assert.deepEqual(got(await l.client.probe(write)), ["ok: written"]);
  const hash = await l.client.packed(code);
  const work = join(l.cache, "work", hash, workRootName(probeTask(write, hash)));
  assert.equal(await Deno.readTextFile(join(work, "r.txt")), "planted");
  return { code, hash, work };
}

// ---------------------------------------------------------------------------
// (a) Experiment code running on a worker

Deno.test("queue attack (a): code on a worker reads only its own bundle: other runs' bundles and work roots, the worker's cache and folder, and files outside are refused", async () => {
  await using l = await lab("qa-read");
  const { code: victim, hash: victimHash, work: victimWork } = await victimRun(l);
  const code = await writeProbe(l.path, "attacker");
  const hash = await l.client.packed(code);
  const result = await l.client.probe({
    run: "attacker",
    code,
    probes: [
      { action: "read", target: join(l.cache, "bundles", hash, "fs", code, "probe.ts") },
      { action: "read", target: join(l.cache, "bundles", victimHash, "fs", victim, "probe.ts") },
      { action: "read", target: join(victimWork, "r.txt") },
      { action: "list", target: join(l.cache, "work") },
      { action: "list", target: join(l.cache, "bundles") },
      { action: "list", target: l.cwd },
      { action: "read", target: l.secret },
      { action: "read", target: "/etc/hostname" },
    ],
  });
  const [own, ...others] = got(result);
  assert.match(own, /^ok: import \{ dataSource/, "its own code is readable");
  for (const [i, line] of others.entries()) assert.match(line, refused("read"), `probe ${i + 1}`);
});

Deno.test("queue attack (a): code on a worker cannot reach Redis: no network unless granted, and a grant of another host:port does not open Redis's", async () => {
  // Another service the worker may grant: it answers like Redis would.
  const other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (other.addr as Deno.NetAddr).port;
  const serving = (async () => {
    for await (const conn of other) {
      await conn.write(new TextEncoder().encode("+OTHER\r\n"));
      conn.close();
    }
  })();
  await using l = await lab("qa-net", [`--allow-net=127.0.0.1:${port}`]);
  const code = await writeProbe(l.path);
  const redisPort = String(l.redis.port);
  const ungranted = await l.client.probe({
    run: "ungranted",
    code,
    probes: [{ action: "connect", target: redisPort }],
  });
  assert.match(got(ungranted)[0], refused("net"));
  // The run asks for all of the network; the worker grants only 127.0.0.1:<port>.
  const asking = await l.client.probe({
    run: "asking",
    code,
    permissions: { net: true },
    probes: [{ action: "connect", target: redisPort }, { action: "connect", target: String(port) }],
  });
  other.close();
  await serving.catch(() => {});
  assert.deepEqual(got(asking).slice(1), ["ok: +OTHER"], "the granted host is reachable");
  assert.match(got(asking)[0], refused("net"));
  const keys = await l.client.redis.keys("*");
  assert.ok(!keys.some((k) => k.includes("PING")), "nothing reached Redis from the sandbox");
});

Deno.test("queue attack (a): code on a worker cannot read the worker's environment or command line (secrets, the Redis URL): only variables both the run and --allow-env name; CRYSTALLIZE_HOME is the run's work root, not the operator's", async () => {
  await using l = await lab("qa-env", ["--allow-env=VISIBLE"], {
    SECRET_TOKEN: "hunter2",
    VISIBLE: "yes",
    CRYSTALLIZE_HOME: "/home/operator/.crystallize",
  });
  const code = await writeProbe(l.path);
  const result = await l.client.probe({
    run: "env",
    code,
    permissions: { env: true },
    probes: [
      { action: "env", target: "SECRET_TOKEN" },
      { action: "env-all", target: "" },
      { action: "read", target: "/proc/self/environ" },
      { action: "read", target: `/proc/${l.worker.pid}/environ` },
      { action: "read", target: `/proc/${l.worker.pid}/cmdline` },
      { action: "env", target: "VISIBLE" },
      { action: "env", target: "CRYSTALLIZE_HOME" },
    ],
  });
  const [secret, all, self, environ, cmdline, visible, home] = got(result);
  assert.match(secret, refused("env"));
  assert.match(all, refused("env"));
  for (const line of [self, environ, cmdline]) assert.match(line, refused("read"));
  assert.equal(visible, "ok: yes", "granted by both");
  assert.ok(home.startsWith(`ok: ${join(l.cache, "work")}/`), home);
});

Deno.test("queue attack (a): code on a worker writes only its own work root: its bundle, other bundles, the worker's folder and files outside stay byte-identical", async () => {
  await using l = await lab("qa-write");
  const victim = await writeProbe(l.path, "victim");
  const victimHash = await l.client.packed(victim);
  const read = { action: "read", target: join(victim, "probe.ts") };
  await l.client.probe({ run: "victim", code: victim, probes: [read] }); // unpacked
  const code = await writeProbe(l.path, "attacker");
  const hash = await l.client.packed(code);
  await l.client.probe({ run: "attacker-0", code, probes: [] }); // unpacked
  const bundles = join(l.cache, "bundles");
  const before = await hashTree(bundles);
  const outside = await listTree(l.path);
  const targets = [
    join(bundles, hash, "fs", code, "probe.ts"),
    join(bundles, victimHash, "fs", victim, "probe.ts"),
    join(bundles, "planted.txt"),
    join(l.cache, "work", "planted.txt"),
    join(l.cwd, "planted.txt"),
    l.secret,
  ];
  const result = await l.client.probe({
    run: "attacker",
    code,
    probes: [
      ...targets.map((target) => ({ action: "write", target })),
      { action: "write", target: "$WORK/mine.txt" },
    ],
  });
  const lines = got(result);
  assert.equal(lines.pop(), "ok: written", "its own work root is writable");
  for (const [i, line] of lines.entries()) assert.match(line, refused("write"), targets[i]);
  assert.deepEqual(await hashTree(bundles), before, "every unpacked bundle is unchanged");
  assert.equal(await Deno.readTextFile(l.secret), "CANARY");
  assert.deepEqual(
    (await listTree(l.path)).filter((p) => !p.startsWith("worker/cache/work")),
    outside.filter((p) => !p.startsWith("worker/cache/work")),
    "nothing new outside work roots",
  );
});

Deno.test("queue attack (a): an outcome for a replicate the worker process was not given, sent on the library's own sealed channel, fails the sender's replicate and never reaches the results", async () => {
  await using l = await lab("qa-forge-frame");
  const code = await writeProbe(l.path);
  const result = await l.client.probe({
    run: "forger",
    code,
    probes: [{ action: "forge", target: "5" }],
  });
  assert.deepEqual(result.outcomes.map((o) => o.replicate), [0]);
  const error = result.outcomes[0].conditions[0].error;
  assert.match(
    error?.message ?? "",
    /reported replicate 5, which it was not given/,
    JSON.stringify(result),
  );
  assert.ok(!JSON.stringify(result).includes("FORGED"));
});

// ---------------------------------------------------------------------------
// (b) A hostile Redis client

Deno.test("queue attack (b): a task asking for more than the worker's --allow-* flags gets only what both grant; file: URLs and ../ paths do not widen --allow-read (a file:// URL used to read anything when --allow-read held the worker's folder)", async () => {
  await using dir = await tempDir("qa-grant-cache");
  const cache = join(await Deno.realPath(dir.path), "cache"); // outside the folder granted below
  await using l = await lab("qa-grant", ["--cache", cache, "--allow-read=."]);
  await Deno.writeTextFile(join(l.cwd, "inside.txt"), "INSIDE");
  const code = await writeProbe(l.path);
  const result = await l.client.probe({
    run: "greedy",
    code,
    permissions: {
      read: [
        l.secret,
        `file://${l.secret}`,
        `file://${l.cwd}/x%2F..%2F..%2Fsecret.txt`,
        "../secret.txt",
        `file://${l.cwd}/inside.txt`,
      ],
      write: true,
      net: true,
      env: true,
      run: true,
      sys: true,
      ffi: true,
    },
    probes: [
      { action: "read", target: l.secret },
      { action: "write", target: join(l.path, "planted.txt") },
      { action: "connect", target: String(l.redis.port) },
      { action: "env", target: "PATH" },
      { action: "run", target: "deno" },
      { action: "sys", target: "" },
      { action: "read", target: join(l.cwd, "inside.txt") },
    ],
  });
  const lines = got(result);
  assert.equal(lines.pop(), "ok: INSIDE", "what both grant is granted");
  const kinds = ["read", "write", "net", "env", "run", "sys"];
  for (const [i, line] of lines.entries()) assert.match(line, refused(kinds[i]));
  assert.equal(await Deno.stat(join(l.path, "planted.txt")).catch(() => undefined), undefined);
});

Deno.test("crystallize worker refuses a --cache that overlaps its --allow-read or --allow-write list, naming both and the fix", async () => {
  await using dir = await tempDir("qa-cache");
  const path = await Deno.realPath(dir.path);
  await using redis = await startRedis(path);
  for (const flags of [["--allow-read=."], ["--allow-write=cache/bundles"]]) {
    await using worker = startWorker(redis.url, path, flags);
    const started = await worker.ready.then(() => true, () => false);
    assert.equal(started, false, `it took jobs with ${flags}`);
    const status = await worker.status;
    assert.equal(status.code, 2, worker.stderr());
    assert.match(
      worker.stderr(),
      /the worker's cache .*cache overlaps --allow-(read|write)=.*give --cache a folder outside it/,
    );
  }
});

Deno.test("queue attack (b): a hostile bundle (../ paths, files outside its roots, NUL, a file where a folder goes, a hash that does not match, more than a bundle may hold) fails its batch naming the problem; nothing is written outside the worker's cache", async () => {
  await using l = await lab("qa-bundle");
  const code = await writeProbe(l.path);
  // A real bundle's document with files added (the attacker packs with the library too).
  const packed = await packBundle([code], { library: LIBRARY });
  const real = JSON.parse(new TextDecoder().decode(packed.bytes));
  const contents = Object.keys(real).find((k) =>
    Array.isArray(real[k]) && Array.isArray(real[k][0])
  );
  assert.ok(contents !== undefined, "the bundle lists its files as [path, data] pairs");
  const document = (files: [string, string][]) =>
    new TextEncoder().encode(
      JSON.stringify({ ...real, [contents]: [...files, ...real[contents]] }),
    );
  const sha = async (bytes: Uint8Array<ArrayBuffer>) =>
    new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)).toHex();
  const x = btoa("x");
  const cases: [string, Uint8Array<ArrayBuffer>, string | undefined, RegExp][] = [
    ["dotdot", document([[`${code}/../../escaped.txt`, x]]), undefined, /lies outside its roots/],
    ["outside", document([[`${l.path}/escaped.txt`, x]]), undefined, /lies outside its roots/],
    ["nul", document([[`${code}/x\u0000y`, x]]), undefined, /lies outside its roots/],
    ["clash", document([[`${code}/a`, x], [`${code}/a/b`, x]]), undefined, /File exists/],
    ["altered", document([]), "0".repeat(64), /hashes to [0-9a-f]{64}, which does not match/],
    ["huge", new Uint8Array(96 * 1024 * 1024 + 1), "1".repeat(64), /more than a bundle may/],
    ["named", document([]), "../../../escaped", /is not a bundle hash/],
  ];
  const outside = await listTree(l.path);
  for (const [run, bytes, claimed, problem] of cases) {
    const hash = claimed ?? await sha(bytes);
    await l.client.putBundle(hash, bytes);
    await l.client.putTask(run, probeTask({ run, code, probes: [] }, hash));
    await l.client.enqueue(run, 0, [0]);
    const result = await l.client.result(run);
    assert.deepEqual(result.outcomes, [], run);
    assert.match(result.error?.message ?? "", problem, run);
  }
  const inCache = (p: string) => p.startsWith("worker/cache");
  assert.deepEqual(
    (await listTree(l.path)).filter((p) => !inCache(p)),
    outside.filter((p) => !inCache(p)),
  );
  assert.deepEqual(
    await listTree(join(l.cache, "bundles")),
    [],
    "no bundle, no half-unpacked folder",
  );
});

Deno.test("queue attack (b): a task whose modules lie outside its bundle (/etc/passwd, another bundle in the worker's cache, the library beyond mod.ts and src/) fails its batch before any module loads", async () => {
  await using l = await lab("qa-modules");
  const victim = await writeProbe(l.path, "victim");
  const victimHash = await l.client.packed(victim);
  await l.client.probe({ run: "victim", code: victim, probes: [] }); // unpacked in the cache
  const code = await writeProbe(l.path, "attacker");
  const hash = await l.client.packed(code);
  const task = probeTask({ run: "x", code, probes: [] }, hash);
  const modules = [
    "file:///etc/passwd",
    `file://${join(l.cache, "bundles", victimHash, "fs", victim, "probe.ts")}`,
    `file://${LIBRARY}/README.md`,
    `file://${code}/../victim/probe.ts`,
  ];
  for (const [i, module] of modules.entries()) {
    const run = `outside-${i}`;
    const ref = { module, name: "nothing" };
    await l.client.putTask(run, {
      ...task,
      run,
      spec: { ...task.spec, datasource: { ref, params: {} } },
    });
    await l.client.enqueue(run, 0, [0]);
    const result = await l.client.result(run);
    assert.deepEqual(result.outcomes, [], module);
    assert.match(result.error?.message ?? "", /outside its code bundle/, module);
  }
});

Deno.test("queue attack (b): a task naming another run's bundle gets a work root of its own: it cannot read what that run computed (work roots used to be shared by bundle)", async () => {
  await using l = await lab("qa-thief");
  const { code: victim, work } = await victimRun(l);
  const victimResult = join(work, "r.txt");
  // The thief's task: the victim's bundle (its code, from Redis), its own parameters.
  const thief = await l.client.probe({
    run: "thief",
    code: victim,
    probes: [{ action: "read", target: victimResult }, { action: "read", target: "$WORK/r.txt" }],
  });
  const [theirs, mine] = got(thief);
  assert.match(theirs, refused("read"));
  assert.match(mine, /No such file/, "its own work root holds nothing of the victim's");
});

Deno.test("queue attack (b): a task's own step-cache and record folders (another run's output) are ignored: the step cache goes to the worker's work root, nothing reaches those folders", async () => {
  await using l = await lab("qa-paths");
  const code = await writeProbe(l.path);
  const hash = await l.client.packed(code);
  const theirs = join(l.path, "victim-out");
  await Deno.mkdir(theirs);
  const probes = [{ action: "write", target: "$WORK/x.txt" }];
  const task = probeTask({ run: "paths", code, probes }, hash);
  await l.client.putTask("paths", {
    ...task,
    spec: {
      ...task.spec,
      steps: task.spec.steps.map((s) => ({ ...s, cacheable: true })),
      cache: { dir: join(theirs, "cache"), refresh: false },
      record: { dir: join(theirs, "v0"), runId: "paths" },
    },
  });
  await l.client.enqueue("paths", 0, [0]);
  const result = await l.client.result("paths");
  assert.deepEqual(got(result), ["ok: written"]);
  assert.deepEqual(result.outcomes[0].conditions[0].cache, ["miss"], "the step was cached");
  assert.deepEqual(await listTree(theirs), []);
  const cached = await listTree(join(l.cache, "work"));
  assert.ok(cached.some((p) => p.includes("/cache/")), cached.join("\n"));
});

Deno.test("queue attack (b): names from Redis with control characters or ../ (runs, experiments, conditions) become no file names, and reach the worker's log and cluster status escaped; a worker record of another shape does not crash cluster status (it used to: TypeError)", async () => {
  await using l = await lab("qa-names");
  const names = ["evil\u001b]0;pwned\u0007\u001b[2J", "../../../etc", "a/../../b"];
  for (const run of names) {
    await l.client.enqueue(run, 0, [0]);
    const result = await l.client.result(run);
    assert.match(result.error?.message ?? "", /is no longer on the queue/);
  }
  // A stored run's names: experiment, run id and condition become folders of its scratch output.
  const code = await writeProbe(l.path);
  const probes = [{ action: "artifact", target: "a.txt" }];
  const task = probeTask({ run: "named", code, probes }, await l.client.packed(code));
  const evil = "../../../pwned\u001b[2J";
  await l.client.putTask("named", {
    ...task,
    records: true,
    spec: {
      ...task.spec,
      experimentName: evil,
      runId: evil,
      conditions: [{ name: evil, values: {} }],
    },
  });
  await l.client.enqueue("named", 0, [0]);
  const named = await l.client.result("named");
  assert.match(
    named.outcomes[0].conditions[0].error?.message ?? "",
    /cannot be used as a folder or file name/,
  );
  // What `cluster status` shows: a run and a worker record as any client may write them.
  const redis = l.client.redis;
  await redis.sadd("crystallize:crystallize:runs", names[0]);
  await redis.hset(`crystallize:crystallize:run:${names[0]}:meta`, {
    experiment: names[0],
    batches: 1,
  });
  await redis.sadd("crystallize:crystallize:workers", names[0]);
  await redis.hset(`crystallize:crystallize:worker:${names[0]}`, {
    host: names[0],
    heartbeat: Date.now(),
    current: JSON.stringify([
      null,
      { run: { evil: 1 } },
      7,
      { run: names[0], batch: 0, replicates: 1, since: Date.now() },
    ]),
  });
  const status = await queueCli(["cluster", "status", "--redis", l.redis.url]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /running evil\\x1b\]0;pwned.*#0/);
  assert.match(status.stdout, /run evil\\x1b\]0;pwned/);
  // deno-lint-ignore no-control-regex -- control characters are what is looked for
  const control = /[\u0000-\u0008\u000b-\u001f\u007f]/;
  assert.ok(
    !control.test(status.stdout),
    JSON.stringify(status.stdout),
  );
  const log = l.worker.stderr();
  // deno-lint-ignore no-control-regex -- control characters are what is looked for
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(log), JSON.stringify(log));
  assert.match(log, /run evil\\x1b\]0;pwned\\x07\\x1b\[2J: /);
  const made = await listTree(l.path);
  // deno-lint-ignore no-control-regex -- control characters are what is looked for
  assert.ok(!made.some((p) => /pwned|etc|\/b$|[\u0000-\u001f]/.test(p)), made.join("\n"));
});

Deno.test("queue attack (b): results injected into a run's stream by another client: a bad artifact name makes a result malformed (ignored, nothing written outside; it used to end the run with a PathNameError), replicates of other batches and repeats are not recorded; a well-formed forgery for a batch is taken (Redis is the trust boundary)", async () => {
  const { dir, build } = await setUp("qa-results");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  const out = join(dir.path, "out");
  const serial = await build("forge", [new SerialExecution()], { replicates: 4 }).run();
  const running = build("forge", [queued(redis.url, 2)], { replicates: 4, outputDir: out }).run();
  await using client = new HostileClient(redis.url);
  let runs: string[] = [];
  while (runs.length === 0) runs = await client.redis.smembers("crystallize:crystallize:runs");
  const stream = `crystallize:crystallize:run:${runs[0]}:results`;
  const condition = (name: string, artifacts: string[] = []) => ({
    condition: name,
    seed: 1,
    metrics: { value: [999] },
    durationMs: 0,
    stepMs: [],
    artifacts,
  });
  const outcome = (replicate: number, artifacts: string[] = []) => ({
    replicate,
    conditions: [condition("baseline", artifacts), condition("louder")],
  });
  const data = new TextEncoder().encode("FORGED");
  const escape = "../../../../escaped.txt";
  const result = (batch: number, outcomes: unknown[], artifacts: unknown[] = []) =>
    serialize({ batch, worker: "forger", outcomes, events: [], logs: [], artifacts });
  // Batch 0 with an artifact that would land outside the stored run.
  await client.redis.xadd(
    stream,
    "*",
    "r",
    result(0, [outcome(0, [escape])], [
      { replicate: 0, condition: "baseline", name: escape, step: "where", data },
    ]),
  );
  // Batch 1 (replicates 2, 3): replicate 2 forged, then replicate 0 (batch 0's) and 2 again.
  await client.redis.xadd(stream, "*", "r", result(1, [outcome(2), outcome(0), outcome(2)]));
  await using _pool = await workers(redis.url, dir.path, 1);
  const queuedRun = await running;
  const values = queuedRun.metrics.baseline.metrics.value;
  const expected = serial.metrics.baseline.metrics.value;
  assert.deepStrictEqual([values[0], values[1], values[3]], [
    expected[0],
    expected[1],
    expected[3],
  ]);
  assert.equal(values[2], 999, "the forgery for batch 1 was taken: Redis is the trust boundary");
  const lines = (await Deno.readTextFile(join(out, "forge", "v0", "outcomes.jsonl"))).trim();
  const replicates = lines.split("\n").map((l) => JSON.parse(l).replicate).sort();
  assert.deepEqual(replicates, [0, 1, 2, 3], "each replicate recorded once");
  assert.ok(!(await listTree(dir.path)).some((p) => p.endsWith("escaped.txt")));
  const where = await Deno.readTextFile(join(out, "forge", "v0", "0", "baseline", "where.txt"));
  assert.match(where, /cache\/bundles\//, "replicate 0 is the worker's");
});

Deno.test("queue attack (b): bytes another client stored under a run's bundle hash are replaced by the coordinator, so the run goes on (they used to stay, failing every run of that code for a week)", async () => {
  const { dir, build } = await setUp("qa-squat");
  await using _dir = dir;
  await using redis = await startRedis(dir.path);
  await using client = new HostileClient(redis.url);
  const serial = await build("squat", [new SerialExecution()], { replicates: 4 }).run();
  {
    await using _pool = await workers(redis.url, join(dir.path, "first"), 1);
    await build("squat", [queued(redis.url, 2)], { replicates: 4 }).run();
  }
  // The code's hash is known now (anyone can list the bundles): garbage goes under it.
  const keys = await client.redis.keys("crystallize:crystallize:bundle:*");
  assert.equal(keys.length, 1);
  await client.redis.set(keys[0], "garbage");
  await using _pool = await workers(redis.url, join(dir.path, "second"), 1);
  const result = await build("squat", [queued(redis.url, 2)], { replicates: 4 }).run();
  assert.deepEqual(result.errors, []);
  assert.deepStrictEqual(result.metrics, serial.metrics);
});
