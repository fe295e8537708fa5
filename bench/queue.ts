/**
 * `QueueExecution` against the local process pool, side by side in one run,
 * on a private `redis-server` (loopback, no persistence) with 2 local
 * `crystallize worker` processes (concurrency 1 each) versus
 * `ParallelExecution({ executorType: "process", maxWorkers: 2 })`, both warm
 * (workers started by an earlier run of the same experiment: a queue worker
 * sandboxes each computation in worker processes of its own, writing only
 * its work root, so an experiment with other parameters starts new ones,
 * while the pool's serve every experiment of this folder; measuring the
 * slow and the trivial experiment in turn would charge the queue a start of
 * worker processes per run, a one-off cost, not the per-replicate one
 * measured):
 *
 * 1. throughput on 40 replicates of 50 ms (one per job; ideal 40/s), and the ratio
 *    queue ÷ pool;
 * 2. per-replicate cost on 4,000 trivial replicates in jobs of 50, and the
 *    queue's own overhead: its cost minus the pool's (the rest is the run
 *    itself: aggregation, provenance, messaging to worker processes); the
 *    same on 1,000 replicates splits that overhead into a part fixed per run
 *    (publishing, the first jobs' latency, the workers' set-up of a new run,
 *    clean-up) and a part per replicate (jobs, results, recording):
 *    overhead(n) = fixed + n × per-replicate; and the CPU time per
 *    replicate of each process group (Linux, from `/proc`): on a busy
 *    machine the CPU spent, not waiting, is what the overhead is made of;
 * 3. redelivery: a worker is SIGKILLed while it holds a job; the time until
 *    another worker takes that job again (workers run with `--lock-ms 500`,
 *    so about 2 × 500 ms is expected: BullMQ's stalled-job check — or, as
 *    here, until the other worker, busy with 1.5 s jobs, has room: ~1.5 s;
 *    the killed worker also held its next job, and the stalled check puts
 *    both back in an arbitrary order, so in about half the runs the other
 *    job goes first and this one waits a job more: ~3 s).
 *
 * Rounds alternate the two executors so load from other programs hits both
 * alike (first all rounds of part 1, then all of part 2, each after a
 * warm-up run of its experiment); medians and best rounds are printed.
 *
 * Run: `deno task bench:queue [rounds]` (default 3). Targets (issue #14):
 * queue ≥ 0.9× the pool's throughput for 50 ms replicates; ≤ 50 µs per
 * trivial replicate in jobs of 50.
 * @module
 */
import { join, resolve } from "node:path";
import {
  dataSource,
  Experiment,
  LoggingPlugin,
  ParallelExecution,
  pipelineStep,
  QueueExecution,
  SeedPlugin,
} from "../mod.ts";
import type { BasePlugin } from "../mod.ts";

/** The replicate index. */
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });

/** Waits `ms`, then records the index. */
export const nap = pipelineStep(async (r: number, ctx, { ms }) => {
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  ctx.metrics.add("r", r);
  return r;
}, { name: "nap", params: { ms: 0 } });

function experiment(execution: BasePlugin, replicates: number, ms: number) {
  return new Experiment({
    name: "bench_queue",
    datasource: index(),
    pipeline: [nap({ ms })],
    plugins: [execution, new SeedPlugin({ seed: 1 }), new LoggingPlugin({ level: "silent" })],
    replicates,
  });
}

async function timed(execution: BasePlugin, replicates: number, ms: number): Promise<number> {
  const start = performance.now();
  const result = await experiment(execution, replicates, ms).run();
  const elapsed = performance.now() - start;
  if (result.errors.length > 0) throw new Error(`bench run failed: ${result.errors[0].message}`);
  return elapsed;
}

/** CPU time (user + system) of process `pid`, ms; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const fields = Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
  } catch {
    return 0;
  }
}

/** CPU time of `pid` and every process below it, ms; NaN where `/proc` cannot be listed. */
function treeCpuMs(pid: number): number {
  const parents = new Map<number, number>();
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync("/proc")]; // Deno lets only --allow-all read /proc
  } catch {
    return NaN;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      parents.set(Number(entry.name), Number(stat.split(") ")[1].split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const below = (p: number): boolean =>
    p === pid || (parents.has(p) && p > 1 && below(parents.get(p)!));
  return [...parents.keys()].filter(below).reduce((sum, p) => sum + cpuMs(p), 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs: number[]) => Math.min(...xs);

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function startWorker(url: string, dir: string): Deno.ChildProcess {
  const cli = new URL("../cli.ts", import.meta.url).pathname;
  return new Deno.Command("deno", {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      `--allow-write=${dir}`,
      "--allow-run=deno",
      "--allow-net=127.0.0.1",
      "--ignore-env",
      cli,
      "worker",
      "--redis",
      url,
      "--concurrency",
      "1",
      "--cache",
      join(dir, "cache"),
      "--lock-ms",
      "500",
      "--heartbeat-ms",
      "50",
    ],
    cwd: dir,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** Waits until a worker's heartbeat shows it holding a job; returns that job's id. */
async function heldJob(url: string, pid: number): Promise<string> {
  const { openRedis, redisAddress } = await import("../src/execution/queue/redis_connection.ts");
  const redis = await openRedis(redisAddress(url));
  try {
    for (;;) {
      for (const id of await redis.smembers("crystallize:crystallize:workers")) {
        const record = await redis.hgetall(`crystallize:crystallize:worker:${id}`);
        const current = JSON.parse(record.current ?? "[]");
        if (Number(record.pid) === pid && current.length > 0) {
          return `${current[0].run}.${current[0].batch}`;
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    redis.disconnect();
  }
}

/** Kills `victim` while it holds a job and measures how long until the job is taken again, ms. */
async function redelivery(url: string, victim: Deno.ChildProcess): Promise<number> {
  const { loadQueueLibrary, openRedis, redisAddress } = await import(
    "../src/execution/queue/redis_connection.ts"
  );
  const run = timed(new QueueExecution({ connection: url, batchSize: 1 }), 6, 1500);
  const id = await heldJob(url, victim.pid);
  const { Queue } = await loadQueueLibrary();
  const connection = await openRedis(redisAddress(url));
  const queue = new Queue("crystallize", { connection });
  try {
    const before = (await queue.getJob(id))?.processedOn;
    victim.kill("SIGKILL");
    const killed = Date.now();
    for (;;) {
      const job = await queue.getJob(id);
      if (job === undefined) {
        // Completed and removed between two looks (it used to make this loop wait forever).
        await run;
        return NaN;
      }
      if (job.processedOn !== undefined && job.processedOn !== before) {
        await run;
        return job.processedOn - killed;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 3);
  const dir = resolve(await Deno.makeTempDir({ prefix: "bench-queue-" }));
  const port = freePort();
  const redis = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `redis://127.0.0.1:${port}`;
  await new Promise((r) => setTimeout(r, 300));
  const workers = [startWorker(url, dir), startWorker(url, dir)];
  const queue = () => new QueueExecution({ connection: url, batchSize: 1 });
  const batched = () => new QueueExecution({ connection: url, batchSize: 50 });
  await using pool = new ParallelExecution({
    executorType: "process",
    maxWorkers: 2,
    keepAlive: true,
  });
  try {
    const slow = { queue: [] as number[], pool: [] as number[] };
    const fast = { queue: [] as number[], pool: [] as number[] };
    const short = { queue: [] as number[], pool: [] as number[] };
    const cpu = {
      queue: { coordinator: 0, redis: 0, workers: 0 },
      pool: { parent: 0, processes: 0 },
    };
    // Warm-up of each experiment: both workers take jobs (bundle unpacked, worker processes
    // started and kept).
    await timed(queue(), 8, 50);
    await timed(pool, 8, 50);
    for (let i = 0; i < rounds; i++) {
      slow.queue.push(await timed(queue(), 40, 50));
      slow.pool.push(await timed(pool, 40, 50));
    }
    await timed(batched(), 1000, 0);
    await timed(pool, 1000, 0);
    for (let i = 0; i < rounds; i++) {
      const groups = () => ({
        coordinator: cpuMs(Deno.pid),
        redis: cpuMs(redis.pid),
        workers: workers.reduce((sum, w) => sum + treeCpuMs(w.pid), 0),
        pool: treeCpuMs(Deno.pid) - cpuMs(Deno.pid),
      });
      let before = groups();
      fast.queue.push(await timed(batched(), 4000, 0));
      let after = groups();
      cpu.queue.coordinator += after.coordinator - before.coordinator;
      cpu.queue.redis += after.redis - before.redis;
      cpu.queue.workers += after.workers - before.workers;
      before = groups();
      fast.pool.push(await timed(pool, 4000, 0));
      after = groups();
      cpu.pool.parent += after.coordinator - before.coordinator;
      // The bench's descendants less Redis and the queue workers: the pool's processes.
      cpu.pool.processes += after.pool - before.pool - (after.redis - before.redis) -
        (after.workers - before.workers);
      short.queue.push(await timed(batched(), 1000, 0));
      short.pool.push(await timed(pool, 1000, 0));
    }
    const perSecond = (ms: number) => (40 / (ms / 1000)).toFixed(1);
    console.log(
      `QueueExecution (2 crystallize workers) vs process pool (2 workers), ${rounds} rounds`,
    );
    console.log(
      `50 ms replicates, 40 in jobs of 1: queue ${perSecond(median(slow.queue))}/s, pool ${
        perSecond(median(slow.pool))
      }/s (median); ratio queue/pool ${(median(slow.pool) / median(slow.queue)).toFixed(2)}× ` +
        `(best rounds ${(best(slow.pool) / best(slow.queue)).toFixed(2)}×; goal ≥ 0.9×)`,
    );
    const micros = (ms: number) => (ms * 1000 / 4000).toFixed(1);
    const own = micros(median(fast.queue) - median(fast.pool));
    console.log(
      `trivial replicates, 4000 in jobs of 50: queue ${micros(median(fast.queue))} µs/replicate, ` +
        `pool ${micros(median(fast.pool))} µs/replicate (median; best ${
          micros(best(fast.queue))
        } ` +
        `vs ${
          micros(best(fast.pool))
        }); the queue's own overhead (queue − pool): ${own} µs/replicate ` +
        "(goal ≤ 50 µs)",
    );
    const own4000 = median(fast.queue) - median(fast.pool);
    const own1000 = median(short.queue) - median(short.pool);
    const perReplicate = (own4000 - own1000) / 3000;
    console.log(
      `  of which: 1000 in jobs of 50: queue ${median(short.queue).toFixed(1)} ms, pool ${
        median(short.pool).toFixed(1)
      } ms; the overhead is ${(own1000 - 1000 * perReplicate).toFixed(1)} ms fixed per run ` +
        `+ ${(perReplicate * 1000).toFixed(1)} µs per replicate (${
          (perReplicate * 50).toFixed(2)
        } ms per job of 50)`,
    );
    const perRep = (ms: number) => (ms * 1000 / (4000 * rounds)).toFixed(1);
    if (Number.isNaN(cpu.queue.workers)) {
      console.log("  (CPU per replicate: run with -A on Linux to see it)");
    } else {console.log(
        `  CPU per trivial replicate: queue: coordinator ${
          perRep(cpu.queue.coordinator)
        } µs, Redis ${
          perRep(cpu.queue.redis)
        } µs, crystallize workers with their worker processes ${perRep(cpu.queue.workers)} µs; ` +
          `pool: parent ${perRep(cpu.pool.parent)} µs, worker processes ${
            perRep(cpu.pool.processes)
          } µs`,
      );}
    const ms = await redelivery(url, workers[0]);
    console.log(
      Number.isNaN(ms)
        ? "redelivery: not measured (the killed worker's job finished and went before it was seen again)"
        : `redelivery after a worker's SIGKILL (--lock-ms 500): ${ms} ms until another worker took the job`,
    );
  } finally {
    for (const w of workers) {
      try {
        w.kill("SIGKILL");
      } catch {
        // already gone
      }
      await w.status;
    }
    redis.kill("SIGKILL");
    await redis.status;
    await Deno.remove(dir, { recursive: true });
  }
}
