/**
 * ParallelExecution({ executorType: "process" }): real worker processes,
 * real permissions, real crashes.
 */
import assert from "node:assert/strict";
import {
  BasePlugin,
  dataSource,
  DEFAULT_WORKER_V8_FLAGS,
  Experiment,
  LoggingPlugin,
  ParallelExecution,
  type ParallelExecutionOptions,
  pipelineStep,
  type ProgressEvent,
  resourceFactory,
  RunCancelledError,
  SeedPlugin,
  SerialExecution,
  treatment,
} from "../mod.ts";
import { doubled, noisyRows, scale, summarise, tagged, wide } from "./fixtures/workers/cpu.ts";
import { access, fault, index, nap, record } from "./fixtures/workers/faults.ts";
import { harmless } from "./fixtures/workers/broken_import.ts";
import { v8Settings } from "./fixtures/workers/v8.ts";
import { applied } from "./fixtures/workers/lazy_imports.ts";
import { launchFlags } from "../src/execution/worker/launch_flags.ts";
import { v8FlagsArguments } from "../src/execution/worker/v8_flags.ts";

const quiet = () => new LoggingPlugin({ level: "silent" });
const processes = (options: ParallelExecutionOptions = {}) =>
  new ParallelExecution({ executorType: "process", maxWorkers: 2, cancelGraceMs: 200, ...options });

function cpuExperiment(execution: BasePlugin, replicates = 10) {
  return new Experiment({
    name: "cpu",
    datasource: noisyRows(),
    pipeline: [scale(), summarise()],
    plugins: [execution, new SeedPlugin({ seed: 99 }), quiet()],
    treatments: [wide, doubled],
    replicates,
  });
}

Deno.test("process mode: metrics and seeds bit-identical to serial for 1, 2 and 3 workers", async () => {
  const serial = await cpuExperiment(new SerialExecution()).run();
  for (const maxWorkers of [1, 2, 3]) {
    const r = await cpuExperiment(processes({ maxWorkers })).run();
    assert.equal(
      JSON.stringify(r.toJSON().metrics),
      JSON.stringify(serial.toJSON().metrics),
      `maxWorkers=${maxWorkers}`,
    );
    assert.deepEqual(r.provenance.seeds, serial.provenance.seeds);
    assert.deepEqual(r.errors, []);
    assert.equal(r.provenance.executionStrategy, `process(maxWorkers=${maxWorkers})`);
    assert.deepEqual(r.provenance.timings.steps.map((s) => [s.step, s.calls]), [["scale", 30], [
      "summarise",
      30,
    ]]);
  }
});

Deno.test("process mode: resourceFactory builds once per worker, once per process in-isolate", async () => {
  const make = (execution: BasePlugin) =>
    new Experiment({
      datasource: noisyRows(),
      pipeline: [tagged()],
      plugins: [execution, quiet()],
      treatments: [wide],
      replicates: 40,
    });
  const inProcess = await make(new SerialExecution()).run();
  assert.equal(new Set(inProcess.metrics.baseline.metrics.isolate).size, 1);
  const r = await make(processes({ maxWorkers: 2 })).run();
  const ids = [...r.metrics.baseline.metrics.isolate, ...r.metrics.treatments.wide.metrics.isolate];
  assert.equal(ids.length, 80);
  const distinct = new Set(ids);
  assert.ok(distinct.size >= 1 && distinct.size <= 2, `${distinct.size} builds for 2 workers`);
  assert.ok(
    !distinct.has(inProcess.metrics.baseline.metrics.isolate[0] as string),
    "never sent across",
  );
});

Deno.test("process mode: progress events arrive from the workers", async () => {
  const events: ProgressEvent[] = [];
  await cpuExperiment(processes(), 4).run({ onEvent: (e) => events.push(e) });
  const finished = events.filter((e) => e.type === "replicate-finished");
  assert.equal(finished.length, 12);
  assert.equal(events.filter((e) => e.type === "step-finished").length, 24);
  assert.deepEqual(
    [...new Set(finished.map((e) => e.type === "replicate-finished" ? e.condition : ""))],
    ["baseline", "wide", "doubled"],
  );
});

Deno.test("rebuild by reference: problems are reported before any worker starts, each with its fix", async () => {
  const started: string[] = [];
  const inline = pipelineStep((d: number) => d, { name: "inline_step" });
  const notExported = dataSource(() => 1, { name: "local_source" });
  class Connection {
    query() {}
  }
  class HookPlugin extends BasePlugin {
    override afterStep() {}
  }
  const localResource = resourceFactory(() => 1);
  const experiment = new Experiment({
    name: "unbuildable",
    datasource: notExported(),
    pipeline: [inline(), record({}), harmless()],
    plugins: [processes(), new HookPlugin(), quiet()],
    initialContext: { conn: new Connection(), pool: localResource },
    treatments: [
      treatment("fn_values", { transform: (x: number) => x }),
      treatment("local_fn", () => {}),
    ],
  });
  await assert.rejects(experiment.run({ onEvent: (e) => started.push(e.type) }), (e: Error) => {
    assert.equal(e.name, "RebuildError");
    const m = e.message;
    assert.match(m, /Experiment 'unbuildable' cannot run in worker processes/);
    assert.match(
      m,
      /datasource 'local_source' is not exported from .*workers_test\.ts; declare it at the top level of a module with `export const local_source = dataSource\(\.\.\.\)`/,
    );
    assert.match(
      m,
      /step 'inline_step' is not exported from .*workers_test\.ts; .*`export const inlineStep = pipelineStep\(\.\.\.\)` \(steps created inline cannot be rebuilt\)/,
    );
    assert.match(
      m,
      /the context of condition 'baseline', 'conn' is an instance of Connection \(its methods would be lost\).*resourceFactory/,
    );
    assert.match(
      m,
      /the resource factory at the context of condition 'baseline', 'pool' is not exported/,
    );
    assert.match(
      m,
      /the context of condition 'fn_values', 'transform' is a function \(transform\)/,
    );
    assert.match(
      m,
      /function treatment 'local_fn' is not exported .*export const localFn = treatment\("local_fn"/,
    );
    assert.match(m, /plugin HookPlugin has a afterStep hook, which cannot run in worker processes/);
    assert.doesNotMatch(m, /step 'record'/);
    return true;
  });
  assert.deepEqual(started.filter((t) => t !== "run-started"), [], "no replicate ran");
});

function faultExperiment(kind: string, options: ParallelExecutionOptions = {}) {
  return new Experiment({
    name: `fault_${kind}`,
    datasource: index(),
    pipeline: [fault({ kind }), record()],
    plugins: [processes(options), quiet()],
    treatments: [treatment("t", {})],
    replicates: 5,
  });
}

for (
  const [kind, name, message, options] of [
    ["throw", "RangeError", /^replicate 1 is bad$/, {}],
    ["async-throw", "Error", /worker process crashed: thrown from a timer/, {}],
    ["exit", "WorkerExitError", /worker process exited \(code 3\) while running replicate 1/, {}],
    ["close", "WorkerExitError", /worker process exited \(code 0\) while running replicate 1/, {}],
    ["oom", "OutOfMemoryError", /worker process ran out of memory .* while running replicate 1/, {
      maxHeapMb: 64,
    }],
  ] as const
) {
  Deno.test(`faults: a step that does '${kind}' fails its replicate; the worker is replaced; the rest completes`, async () => {
    const r = await faultExperiment(kind, options).run();
    assert.deepEqual(r.metrics.baseline.metrics.r, [0, 2, 3, 4]);
    const failed = r.errors.filter((e) => e.replicate === 1);
    assert.ok(failed.length >= 1, JSON.stringify(r.errors));
    assert.ok(
      failed.every((e) => e.name === name && message.test(e.message)),
      JSON.stringify(failed),
    );
    assert.deepEqual(r.errors.filter((e) => e.replicate !== 1), []);
  });
}

Deno.test("faults: a replicate over timeoutMs is killed inside while(true) and recorded; others complete", async () => {
  const started = performance.now();
  const r = await faultExperiment("spin").run({ timeoutMs: 400 });
  assert.deepEqual(r.metrics.baseline.metrics.r, [0, 2, 3, 4]);
  assert.deepEqual(r.metrics.treatments.t.metrics.r, [0, 2, 3, 4]);
  const failed = r.errors.filter((e) => e.replicate === 1);
  assert.ok(
    failed.length >= 1 && failed.every((e) => e.name === "TimeoutError"),
    JSON.stringify(r.errors),
  );
  assert.match(
    failed[0].message,
    /replicate 1 ran longer than timeoutMs=400; its worker process was killed/,
  );
  assert.ok(performance.now() - started < 10_000);
});

Deno.test("faults: a module that cannot load in a worker fails every replicate with the reason, without hanging", async () => {
  const r = await new Experiment({
    name: "broken",
    datasource: index(),
    pipeline: [harmless()],
    plugins: [processes(), quiet()],
    replicates: 4,
  }).run();
  assert.equal(r.errors.length, 4);
  assert.ok(
    r.errors.every((e) =>
      /worker process could not load the experiment .*Uncaught.*this module cannot be loaded in a worker/
        .test(e.message)
    ),
  );
});

Deno.test("run() at import time inside a worker fails with the import.meta.main advice", async () => {
  const { passThrough } = await import("./fixtures/workers/unguarded.ts");
  const r = await new Experiment({
    name: "unguarded",
    datasource: index(),
    pipeline: [passThrough()],
    plugins: [processes(), quiet()],
    replicates: 2,
  }).run();
  assert.equal(r.errors.length, 2);
  assert.match(
    r.errors[0].message,
    /experiment\.run\(\) was called while a worker imported .*unguarded\.ts.*`if \(import\.meta\.main\)/,
  );
});

for (
  const [kind, target, permission] of [
    ["read", "/etc/hostname", { read: ["/etc/hostname"] }],
    ["write", "/tmp/crystallize-denied.txt", { write: ["/tmp/crystallize-denied.txt"] }],
    ["env", "HOME", { env: ["HOME"] }],
  ] as const
) {
  Deno.test(`permissions: ${kind} outside the sandbox fails the replicate with the fix; granting it works`, async () => {
    const make = (options: ParallelExecutionOptions) =>
      new Experiment({
        name: `perm_${kind}`,
        datasource: index(),
        pipeline: [access({ kind, target }), record()],
        plugins: [processes(options), quiet()],
        replicates: 2,
      });
    const denied = await make({}).run();
    assert.equal(denied.errors.length, 2);
    assert.equal(denied.errors[0].step, "access");
    assert.match(
      denied.errors[0].message,
      new RegExp(
        `Requires ${kind} access to "${target}".*grant it with ParallelExecution\\(\\{ permissions: \\{ ${kind}: \\["${target}"\\] \\} \\}\\)`,
      ),
    );
    const granted = await make({ permissions: permission }).run();
    assert.deepEqual(granted.errors, []);
    assert.deepEqual(granted.metrics.baseline.metrics.r, [0, 1]);
  });
}

Deno.test("permissions: workers may read and write the output root (step cache, stored runs) by default", async () => {
  const root = ".test-tmp/worker-output-root";
  await Deno.mkdir(root, { recursive: true });
  try {
    await Deno.writeTextFile(`${root}/input.txt`, "12345");
    const make = (kind: string, target: string) =>
      new Experiment({
        name: `root_${kind}`,
        datasource: index(),
        pipeline: [access({ kind, target: `${Deno.cwd()}/${target}` }), record()],
        plugins: [processes(), quiet()],
        outputDir: root,
        replicates: 2,
      });
    const read = await make("read", `${root}/input.txt`).run();
    assert.deepEqual(read.errors, []);
    assert.deepEqual(read.metrics.baseline.metrics.bytes, [5, 5]);
    const written = await make("write", `${root}/written.txt`).run();
    assert.deepEqual(written.errors, []);
    assert.equal(await Deno.readTextFile(`${root}/written.txt`), "x");
    const outside = await make("read", "tests/fixtures/tutorial.ts").run();
    assert.equal(outside.errors.length, 2, "only the root, not the working directory");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("permissions: opening a socket fails unless net is granted", async () => {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    for await (const conn of server) conn.close();
  })();
  const port = String(server.addr.port);
  const make = (options: ParallelExecutionOptions) =>
    new Experiment({
      name: "perm_net",
      datasource: index(),
      pipeline: [access({ kind: "net", target: port }), record()],
      plugins: [processes(options), quiet()],
      replicates: 2,
    });
  try {
    const denied = await make({}).run();
    assert.equal(denied.errors.length, 2);
    assert.match(
      denied.errors[0].message,
      new RegExp(`Requires net access to "127\\.0\\.0\\.1:${port}".*permissions: \\{ net:`),
    );
    const granted = await make({ permissions: { net: [`127.0.0.1:${port}`] } }).run();
    assert.deepEqual(granted.errors, []);
  } finally {
    server.close();
    await accepting.catch(() => {});
  }
});

for (const mode of ["timeout", "cancel"]) {
  Deno.test(`stops for real: a script whose replicates spin forever exits by itself after a ${mode}`, async () => {
    const child = new Deno.Command("deno", {
      args: ["run", "--allow-read=.", "--allow-run=deno", "tests/fixtures/workers/stops.ts", mode],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const out = await child.output();
    clearTimeout(killer);
    assert.equal(out.signal, null, "the script had to be killed: a worker kept it alive");
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const report = JSON.parse(new TextDecoder().decode(out.stdout));
    if (mode === "timeout") {
      assert.deepEqual(report.errors, ["TimeoutError", "TimeoutError", "TimeoutError"]);
    } else assert.equal(report.cancelled, true);
    assert.ok(report.ms < 10_000, `took ${report.ms} ms`);
  });
}

Deno.test("cancel: workers still starting drop the batches sent with their init, and exit without running them", async () => {
  // Each worker's first batch goes with its init, before it is ready; a cancel sent then must
  // still stop it (not wait for its 8 s replicate, nor for the 30 s grace before the kill).
  const controller = new AbortController();
  const experiment = new Experiment({
    name: "cancel_starting",
    datasource: index(),
    pipeline: [nap({ ms: 8_000 })],
    plugins: [processes({ cancelGraceMs: 30_000 }), quiet()],
    replicates: 4,
  });
  const started = performance.now();
  const running = experiment.run({ signal: controller.signal });
  setTimeout(() => controller.abort(), 0);
  await assert.rejects(running, RunCancelledError);
  const ms = performance.now() - started;
  assert.ok(ms < 6_000, `took ${ms.toFixed(0)} ms: a worker ran a replicate after the cancel`);
});

Deno.test("process mode without --allow-run says which permission to add, before any worker", async () => {
  const out = await new Deno.Command("deno", {
    args: ["run", "--allow-read=.", "--no-prompt", "examples/process_pool.ts"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.success, false);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /Process workers are separate Deno processes, and this process may not start them: run it with --allow-run=\S+ \(or --allow-run=deno when deno is on PATH\)/,
  );
});

Deno.test("v8Flags reach the workers, together with maxHeapMb; by default workers start with DEFAULT_WORKER_V8_FLAGS", async () => {
  const run = (options: ParallelExecutionOptions) =>
    new Experiment({
      datasource: index(),
      pipeline: [v8Settings()],
      plugins: [processes({ maxWorkers: 1, ...options }), quiet()],
      replicates: 1,
    }).run();
  const flagged = await run({ v8Flags: ["--expose-gc"], maxHeapMb: 300 });
  assert.deepEqual(flagged.errors, []);
  assert.deepEqual(flagged.metrics.baseline.metrics.exposedGc, [1]);
  const limit = flagged.metrics.baseline.metrics.heapLimitMb[0] as number;
  assert.ok(limit >= 300 && limit < 600, `heap limit ${limit} MiB`);
  const plain = await run({});
  assert.deepEqual(plain.metrics.baseline.metrics.exposedGc, [0]);
  assert.deepEqual(processes().v8Flags, DEFAULT_WORKER_V8_FLAGS);
  assert.deepEqual(DEFAULT_WORKER_V8_FLAGS, ["--no-concurrent-recompilation"]);
  assert.deepEqual(processes({ v8Flags: [] }).v8Flags, []);
});

Deno.test("lazy imports: a worker's step that runs a library path the worker did not load at start-up (experiment.apply) works", async () => {
  const flags = { read: ["/exp"], write: [], config: "none" } as const;
  assert.ok(
    launchFlags({ ...flags, lazyImports: true }).includes("--unstable-lazy-dynamic-imports"),
  );
  assert.ok(!launchFlags(flags).includes("--unstable-lazy-dynamic-imports"));
  // The worker reads the library's files only when the step calls apply(): it must be allowed to.
  const result = await new Experiment({
    datasource: index(),
    pipeline: [applied()],
    plugins: [processes(), quiet()],
    replicates: 3,
  }).run();
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.metrics.baseline.metrics.applied, [1, 2, 3]);
});

Deno.test("v8Flags: a flag Deno would split or misread is refused when the plugin is made", () => {
  for (const flag of ["--a,--b", "expose-gc", "--stack-size 100", ""]) {
    assert.throws(() => processes({ v8Flags: [flag] }), /v8Flags entries must look like "--flag"/);
  }
  assert.deepEqual(v8FlagsArguments(["--a", "--b=1"], 64), [
    "--v8-flags=--a,--b=1,--max-old-space-size=64",
  ]);
  assert.deepEqual(v8FlagsArguments([], 64), ["--v8-flags=--max-old-space-size=64"]);
  assert.deepEqual(v8FlagsArguments([]), []);
});
