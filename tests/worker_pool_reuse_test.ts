/**
 * ParallelExecution({ executorType: "process", keepAlive: true }): worker
 * processes reused across runs, checked with real process ids.
 */
import assert from "node:assert/strict";
import {
  ArtifactPlugin,
  Experiment,
  LoggingPlugin,
  ParallelExecution,
  type ParallelExecutionOptions,
  RunCancelledError,
  SeedPlugin,
  SerialExecution,
} from "../mod.ts";
import type { BasePlugin, Result } from "../mod.ts";
import { doubled, noisyRows, scale, summarise, wide } from "./fixtures/workers/cpu.ts";
import { fault, index } from "./fixtures/workers/faults.ts";
import { workerPid } from "./fixtures/workers/pids.ts";

const quiet = () => new LoggingPlugin({ level: "silent" });
const keptAlive = (options: ParallelExecutionOptions = {}) =>
  new ParallelExecution({
    executorType: "process",
    maxWorkers: 2,
    cancelGraceMs: 200,
    keepAlive: true,
    ...options,
  });

/** An experiment whose replicates record the pid of the process that ran them. */
function pidExperiment(
  execution: BasePlugin,
  options: {
    kind?: string;
    spin?: boolean;
    sleepMs?: number;
    outputDir?: string;
    replicates?: number;
  } = {},
) {
  return new Experiment({
    name: "pids",
    datasource: index(),
    pipeline: [
      fault({ kind: options.kind ?? "none" }),
      workerPid({ spin: options.spin ?? false, sleepMs: options.sleepMs ?? 10 }),
    ],
    plugins: [execution, quiet()],
    outputDir: options.outputDir,
    replicates: options.replicates ?? 6,
  });
}

function pidsOf(result: Result): Set<number> {
  return new Set(result.metrics.baseline.metrics.pid as number[]);
}

/** Which of `pids` are running processes, asked of a separate Deno process. */
async function alive(pids: Iterable<number>): Promise<number[]> {
  const list = JSON.stringify([...pids]);
  const out = await new Deno.Command("deno", {
    args: [
      "eval",
      `const up = ${list}.filter((pid) => { try { Deno.kill(pid, "SIGCONT"); return true; } ` +
      `catch (e) { if (e instanceof Deno.errors.NotFound) return false; throw e; } }); ` +
      `console.log(JSON.stringify(up));`,
    ],
    stdout: "piped",
  }).output();
  assert.ok(out.success);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

function isSubset(a: Iterable<number>, b: readonly number[]): boolean {
  return [...a].every((x) => b.includes(x));
}

Deno.test("keepAlive: the next run reuses the same worker processes; close() stops them", async () => {
  const execution = keptAlive();
  try {
    const first = await pidExperiment(execution).run();
    const pool = [...execution.idleWorkerPids];
    assert.equal(pool.length, 2, "both workers kept");
    assert.ok(!pool.includes(Deno.pid));
    assert.ok(isSubset(pidsOf(first), pool), `${[...pidsOf(first)]} ran, ${pool} kept`);
    assert.deepEqual(await alive(pool), pool, "idle workers are running processes");

    const second = await pidExperiment(execution, { replicates: 8 }).run();
    assert.deepEqual(second.errors, []);
    assert.equal(second.metrics.baseline.metrics.pid.length, 8);
    assert.ok(isSubset(pidsOf(second), pool), `${[...pidsOf(second)]} ran, ${pool} were kept`);
    assert.deepEqual([...execution.idleWorkerPids].sort(), [...pool].sort());

    await execution.close();
    assert.deepEqual(execution.idleWorkerPids, []);
    assert.deepEqual(await alive(pool), [], "no worker process is left after close()");
  } finally {
    await execution.close();
  }
});

Deno.test("without keepAlive every run starts new workers, and none outlives its run", async () => {
  const execution = new ParallelExecution({ executorType: "process", maxWorkers: 2 });
  const first = pidsOf(await pidExperiment(execution).run());
  assert.deepEqual(execution.idleWorkerPids, []);
  assert.deepEqual(await alive(first), []);
  const second = pidsOf(await pidExperiment(execution).run());
  assert.ok(first.size >= 1 && second.size >= 1);
  assert.deepEqual([...second].filter((p) => first.has(p)), [], "no process reused");
  assert.deepEqual(await alive(second), []);
});

Deno.test("keepAlive: warm runs give the metrics of serial runs, whatever the run before", async () => {
  const make = (execution: BasePlugin) =>
    new Experiment({
      name: "cpu",
      datasource: noisyRows(),
      pipeline: [scale(), summarise()],
      plugins: [execution, new SeedPlugin({ seed: 99 }), quiet()],
      treatments: [wide, doubled],
      replicates: 10,
    });
  const runs = [{}, { seed: 7, replicates: 5 }, { treatments: ["doubled"] }, {}];
  const serial = [];
  for (const options of runs) serial.push(await make(new SerialExecution()).run(options));
  const execution = keptAlive();
  try {
    let pool: readonly number[] = [];
    for (const [i, options] of runs.entries()) {
      const warm = await make(execution).run(options);
      assert.equal(
        JSON.stringify(warm.toJSON().metrics),
        JSON.stringify(serial[i].toJSON().metrics),
        `run ${i}`,
      );
      assert.deepEqual(warm.provenance.seeds, serial[i].provenance.seeds);
      const kept = [...execution.idleWorkerPids].sort();
      assert.equal(kept.length, 2);
      if (i > 0) assert.deepEqual(kept, pool, `run ${i} reused the workers`);
      pool = kept;
    }
  } finally {
    await execution.close();
  }
});

for (
  // Timed so the order below holds under load: 'exit' ends its worker while the other still has
  // 300 ms replicates to run; the 1.5 s timeout fires long after the other finished the rest.
  const [kind, sleepMs, options, name] of [
    ["exit", 300, {}, "WorkerExitError"],
    ["spin", 10, { timeoutMs: 1500 }, "TimeoutError"],
  ] as const
) {
  Deno.test(`keepAlive: a warm worker lost to '${kind}' is replaced; the next run is clean`, async () => {
    const execution = keptAlive();
    try {
      await pidExperiment(execution).run();
      const warm = [...execution.idleWorkerPids];
      const broken = await pidExperiment(execution, { kind, sleepMs, replicates: 5 }).run(options);
      assert.deepEqual(broken.errors.map((e) => [e.replicate, e.name]), [[1, name]]);
      assert.deepEqual(broken.metrics.baseline.metrics.pid.length, 4);
      assert.ok([...pidsOf(broken)].some((p) => warm.includes(p)), "it ran on the warm workers");
      // 'exit' happens while replicates are pending, so a replacement starts at once;
      // the timeout only when the other worker has done the rest, so the next run starts it.
      const kept = [...execution.idleWorkerPids];
      assert.equal(kept.length, kind === "exit" ? 2 : 1, `kept ${kept}`);
      assert.deepEqual(await alive(kept), kept, "only live workers are kept");
      assert.equal(warm.filter((p) => !kept.includes(p)).length, 1, "one warm worker was lost");

      const clean = await pidExperiment(execution).run();
      assert.deepEqual(clean.errors, []);
      assert.deepEqual(clean.metrics.baseline.metrics.pid.length, 6);
      const pool = [...execution.idleWorkerPids];
      assert.equal(pool.length, 2);
      assert.ok(isSubset(kept, pool), "the kept workers were reused");
      assert.ok(isSubset(pidsOf(clean), pool));
    } finally {
      await execution.close();
    }
  });
}

Deno.test("keepAlive: a cancelled run stops the workers it was using; the pool stays usable", async () => {
  const execution = keptAlive();
  try {
    await pidExperiment(execution).run();
    const before = [...execution.idleWorkerPids];
    assert.equal(before.length, 2);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    await assert.rejects(
      pidExperiment(execution, { spin: true, replicates: 4 }).run({ signal: controller.signal }),
      RunCancelledError,
    );
    assert.ok(performance.now() - started < 5_000);
    assert.deepEqual(await alive(before), [], "the spinning workers were killed");
    assert.deepEqual(execution.idleWorkerPids, []);

    const after = await pidExperiment(execution).run();
    assert.deepEqual(after.errors, []);
    assert.equal(after.metrics.baseline.metrics.pid.length, 6);
    assert.ok(![...pidsOf(after)].some((p) => before.includes(p)), "new workers");
    assert.equal(execution.idleWorkerPids.length, 2);
  } finally {
    await execution.close();
  }
});

Deno.test("keepAlive: a run started another way (other output root, so other permissions) replaces the idle workers", async () => {
  const execution = keptAlive();
  try {
    await pidExperiment(execution, { outputDir: ".test-tmp/reuse-a" }).run();
    const first = [...execution.idleWorkerPids];
    const other = await pidExperiment(execution, { outputDir: ".test-tmp/reuse-b" }).run();
    assert.deepEqual(other.errors, []);
    assert.ok(![...pidsOf(other)].some((p) => first.includes(p)), "not the old workers");
    assert.deepEqual(await alive(first), [], "the old workers were stopped");
    assert.equal(execution.idleWorkerPids.length, 2);
  } finally {
    await execution.close();
    for (const dir of [".test-tmp/reuse-a", ".test-tmp/reuse-b"]) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
});

for (const place of ["under the output root", "under its own root"] as const) {
  Deno.test(`keepAlive: stored runs (a new version folder per run, ${place}) still reuse the workers`, async () => {
    const root = ".test-tmp/reuse-store";
    const execution = keptAlive();
    const artifacts = place === "under the output root"
      ? new ArtifactPlugin()
      : new ArtifactPlugin({ root: `${root}-artifacts` });
    const stored = () =>
      new Experiment({
        name: "stored",
        datasource: index(),
        pipeline: [fault({ kind: "none" }), workerPid()],
        plugins: [execution, artifacts, quiet()],
        outputDir: root,
        replicates: 4,
      });
    try {
      const first = await stored().run();
      const pool = [...execution.idleWorkerPids];
      assert.equal(pool.length, 2);
      const second = await stored().run();
      assert.deepEqual([first.errors, second.errors], [[], []]);
      assert.notEqual(first.provenance.runId, second.provenance.runId);
      assert.ok(isSubset(pidsOf(second), pool), `${[...pidsOf(second)]} ran, ${pool} were kept`);
      assert.deepEqual([...execution.idleWorkerPids].sort(), pool.sort());
    } finally {
      await execution.close();
      await Deno.remove(root, { recursive: true }).catch(() => {});
      await Deno.remove(`${root}-artifacts`, { recursive: true }).catch(() => {});
    }
  });
}

Deno.test("keepAlive: `await using` stops the workers at the end of the block", async () => {
  let pool: readonly number[];
  {
    await using execution = keptAlive();
    await pidExperiment(execution).run();
    pool = [...execution.idleWorkerPids];
    assert.equal(pool.length, 2);
  }
  assert.deepEqual(await alive(pool), []);
});

Deno.test("keepAlive: a program that never calls close() still ends, and its workers with it", async () => {
  const child = new Deno.Command("deno", {
    args: [
      "run",
      "--allow-read=.",
      "--allow-run=deno",
      "tests/fixtures/workers/keep_alive_exit.ts",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const started = performance.now();
  const out = await child.output();
  clearTimeout(killer);
  assert.equal(out.signal, null, "the script had to be killed: an idle worker kept it alive");
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.ok(performance.now() - started < 10_000);
  const { pids } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(pids.length, 2, "the workers were kept between the two runs");
  // They see their stdin close when the program ends, and exit.
  for (let tries = 0; (await alive(pids)).length > 0; tries++) {
    assert.ok(tries < 50, `workers ${pids} still running 5 s after the program ended`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
