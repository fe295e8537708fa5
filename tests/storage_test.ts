import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import {
  type ArtifactMeta,
  listRuns,
  loadRun,
  type Logger,
  type Result,
  RunCancelledError,
  StoredRunError,
  treatment,
} from "../mod.ts";
import { RunRecorder } from "../src/storage/run_recorder.ts";
import { calls, evaluate, train } from "./fixtures/storage/experiments.ts";
import { tempDir } from "./temp_dir.ts";

const metricsOf = (r: Result) => JSON.stringify(r.metrics);
const files = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of Deno.readDirSync(d)) {
      if (e.isDirectory) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, "");
  return out.sort();
};

Deno.test("ArtifactPlugin: versioned layout with artifacts, metadata, manifest, outcomes and run.json", async () => {
  await using dir = await tempDir("store-layout");
  const result = await train(dir.path).run({ replicates: 2 });
  const v0 = resolve(dir.path, "train", "v0");
  assert.equal(result.outputDir, v0);
  assert.deepEqual(files(v0), [
    "0/baseline/model.json",
    "0/baseline/model.json.meta.json",
    "0/doubled/model.json",
    "0/doubled/model.json.meta.json",
    "1/baseline/model.json",
    "1/baseline/model.json.meta.json",
    "1/doubled/model.json",
    "1/doubled/model.json.meta.json",
    "manifest.json",
    "outcomes.jsonl",
    "run.json",
  ]);
  const bytes = Deno.readFileSync(join(v0, "1/doubled/model.json"));
  const stored = JSON.parse(new TextDecoder().decode(bytes));
  assert.equal(stored.replicate, 1);
  const meta: ArtifactMeta = JSON.parse(
    Deno.readTextFileSync(join(v0, "1/doubled/model.json.meta.json")),
  );
  assert.equal(meta.runId, result.provenance.runId);
  assert.equal(meta.step, "fit");
  assert.equal(meta.condition, "doubled");
  assert.equal(meta.replicate, 1);
  assert.equal(meta.seed, result.provenance.seeds.doubled[1]);
  assert.equal(meta.sha256, createHash("sha256").update(bytes).digest("hex"));
  assert.ok(!Number.isNaN(Date.parse(meta.writtenAt)));
  assert.deepEqual(result.artifacts, {
    "model.json": {
      baseline: [join(v0, "0/baseline/model.json"), join(v0, "1/baseline/model.json")],
      doubled: [join(v0, "0/doubled/model.json"), join(v0, "1/doubled/model.json")],
    },
  });
  assert.deepEqual(result.provenance.stored, {
    version: 0,
    dir: v0,
    resumedFrom: undefined,
    reused: {},
  });

  const second = await train(dir.path).run({ replicates: 2 });
  assert.equal(second.outputDir, resolve(dir.path, "train", "v1"));
  assert.deepEqual(listRuns(resolve(dir.path, "train")).map((r) => [r.version, r.complete]), [
    [0, true],
    [1, true],
  ]);
});

Deno.test("loadRun: reads the newest finished run, a pinned version or a version folder; clear errors otherwise", async () => {
  await using dir = await tempDir("store-load");
  const first = await train(dir.path).run({ replicates: 2 });
  const second = await train(dir.path).run({ replicates: 3 });
  const expDir = join(dir.path, "train");
  const latest = await loadRun(expDir);
  assert.equal(latest.version, 1);
  assert.equal(latest.experiment, "train");
  assert.equal(JSON.stringify(latest.result.metrics), JSON.stringify(second.toJSON().metrics));
  assert.deepEqual(latest.result.provenance.runId, second.provenance.runId);
  assert.deepEqual(latest.artifacts, second.artifacts);
  assert.equal(
    (await loadRun(expDir, { version: 0 })).result.provenance.runId,
    first.provenance.runId,
  );
  assert.equal((await loadRun(join(expDir, "v0"))).version, 0);

  await assert.rejects(
    loadRun(expDir, { version: 7 }),
    (e: unknown) =>
      e instanceof StoredRunError &&
      e.message === `${resolve(expDir)} has no version v7; it has v0, v1`,
  );
  await assert.rejects(
    loadRun(join(dir.path, "nothing")),
    (e: unknown) =>
      e instanceof StoredRunError &&
      e.message ===
        `no stored runs in ${
          resolve(dir.path, "nothing")
        }; run the experiment with an ArtifactPlugin (folder experiments and the CLI attach one) first`,
  );
  // An unfinished version (no run.json) is skipped by "latest" and explained when asked for.
  Deno.removeSync(join(expDir, "v1", "run.json"));
  assert.equal((await loadRun(expDir)).version, 0);
  await assert.rejects(
    loadRun(join(expDir, "v1")),
    /holds no finished run \(no run\.json\); resume it/,
  );
});

Deno.test("ArtifactPlugin: retention keeps the newest versions; unversioned runs replace v0", async () => {
  await using dir = await tempDir("store-retention");
  for (let i = 0; i < 4; i++) await train(dir.path, { retention: 2 }).run({ replicates: 1 });
  assert.deepEqual(listRuns(join(dir.path, "train")).map((r) => r.version), [2, 3]);
  assert.deepEqual([...Deno.readDirSync(join(dir.path, "train"))].map((e) => e.name).sort(), [
    "v2",
    "v3",
  ]);

  await using flat = await tempDir("store-unversioned");
  const a = await train(flat.path, { versioned: false }).run({ replicates: 1 });
  const b = await train(flat.path, { versioned: false }).run({ replicates: 2 });
  assert.equal(a.outputDir, b.outputDir);
  assert.deepEqual([...Deno.readDirSync(join(flat.path, "train"))].map((e) => e.name), ["v0"]);
  assert.equal(
    (await loadRun(join(flat.path, "train"))).result.provenance.runId,
    b.provenance.runId,
  );
  assert.deepEqual(Object.keys(b.artifacts["model.json"].baseline), ["0", "1"]);
});

Deno.test("ArtifactPlugin: a failing disk fails the affected replicates and leaves earlier versions intact", async () => {
  await using dir = await tempDir("store-disk-full");
  await train(dir.path, { retention: 1 }).run({ replicates: 2 });
  const v0 = join(dir.path, "train", "v0");
  const before = files(v0).map((f) => [f, Deno.readFileSync(join(v0, f))] as const);

  let writes = 0;
  const diskFull = (path: string, data: Uint8Array) => {
    if (path.includes("/1/") && path.includes("model.json")) {
      throw new Error("No space left on device (os error 28)");
    }
    writes++;
    Deno.writeFileSync(path, data);
  };
  const result = await train(dir.path, { retention: 1, writeFile: diskFull }).run({
    replicates: 2,
  });
  assert.ok(writes > 0);
  assert.deepEqual(result.errors.map((e) => [e.replicate, e.condition, e.step, e.name]), [
    [1, "baseline", "ArtifactPlugin", "ArtifactWriteError"],
    [1, "doubled", "ArtifactPlugin", "ArtifactWriteError"],
  ]);
  assert.match(
    result.errors[0].message,
    /^could not write artifact 'model\.json' \(step 'fit'\) to .*\/train\/v1\/1\/baseline\/model\.json: No space left on device \(os error 28\); check that the output folder is writable and has space, then resume the run$/,
  );
  // Replicate 0 is stored; retention (1) did not remove v0 because storing failed.
  assert.equal(result.metrics.baseline.metrics.loss.length, 1);
  assert.deepEqual(files(v0), before.map(([f]) => f));
  for (const [f, bytes] of before) assert.deepEqual(Deno.readFileSync(join(v0, f)), bytes);
  // Nothing half-written is left behind.
  assert.deepEqual(files(join(dir.path, "train", "v1")).filter((f) => f.endsWith(".tmp")), []);
});

Deno.test("ArtifactPlugin: an output root the process may not write fails the run before any replicate", async () => {
  // The tests may only write under .test-tmp.
  calls.fit = 0;
  await assert.rejects(
    train("tests/fixtures/storage/readonly-root").run({ replicates: 1 }),
    (e: unknown) =>
      e instanceof StoredRunError &&
      e.message.startsWith(
        `Experiment 'train' cannot store its run under ${
          resolve("tests/fixtures/storage/readonly-root/train")
        }: `,
      ) &&
      e.message.endsWith(
        "; make that folder writable, or point the output root elsewhere (outputDir, $CRYSTALLIZE_HOME, ArtifactPlugin({ root }))",
      ),
  );
  assert.equal(calls.fit, 0);
});

Deno.test("resume: more replicates or a new treatment compute only what is missing", async () => {
  await using dir = await tempDir("store-resume");
  await train(dir.path).run({ replicates: 3 });
  calls.fit = 0;
  const more = await train(dir.path).run({ replicates: 5, strategy: "resume" });
  assert.equal(calls.fit, 4, "replicates 3 and 4, baseline and doubled");
  assert.deepEqual(more.provenance.stored?.reused, { baseline: 3, doubled: 3 });
  assert.equal(more.provenance.stored?.resumedFrom, 0);
  await using fresh = await tempDir("store-fresh");
  assert.equal(metricsOf(more), metricsOf(await train(fresh.path).run({ replicates: 5 })));
  // The new version is complete on its own: artifacts of reused replicates are there too.
  assert.equal(more.artifacts["model.json"].baseline.filter((p) => p !== null).length, 5);
  for (const p of more.artifacts["model.json"].doubled) Deno.statSync(p!);

  calls.fit = 0;
  const tripled = treatment("tripled", { scale: 3 });
  const added = await train(dir.path).run({
    replicates: 5,
    strategy: "resume",
    treatments: [treatment("doubled", { scale: 2 }), tripled],
  });
  assert.equal(calls.fit, 5, "only the new treatment runs");
  assert.deepEqual(added.provenance.stored?.reused, { baseline: 5, doubled: 5 });
  assert.equal(added.metrics.treatments.tripled.metrics.loss.length, 5);

  calls.fit = 0;
  const changed = await train(dir.path).run({
    replicates: 5,
    strategy: "resume",
    treatments: [treatment("doubled", { scale: 2.5 })],
  });
  assert.equal(calls.fit, 5, "changed values: that condition is recomputed");
  assert.deepEqual(changed.provenance.stored?.reused, { baseline: 5 });

  await assert.rejects(
    evaluate(dir.path).run({ strategy: "bogus" as "resume" }),
    /strategy must be "rerun" or "resume", got "bogus"/,
  );
});

// Slow replicates reach outcomes.jsonl one or two at a time; fast ones in buffered batches
// (200 ms of work), so the kill loses a buffered tail that resume must compute again.
for (const [delayMs, replicates] of [[40, 12], [1, 400]]) {
  Deno.test(`resume: a run killed with SIGKILL mid-run (${delayMs} ms steps) recomputes exactly the unrecorded replicates, each once`, async () => {
    await using dir = await tempDir("store-kill");
    const fixture = new URL("./fixtures/storage/experiments.ts", import.meta.url).pathname;
    const child = new Deno.Command("deno", {
      args: [
        "run",
        "--allow-read=.",
        "--allow-write=.test-tmp",
        fixture,
        dir.path,
        String(replicates),
        String(delayMs),
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const outcomes = join(dir.path, "train", "v0", "outcomes.jsonl");
    const text = () => {
      try {
        return Deno.readTextFileSync(outcomes);
      } catch {
        return "";
      }
    };
    const lines = () => text().split("\n").filter((l) => l !== "").length;
    const deadline = Date.now() + 20_000;
    while (lines() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGKILL");
    const status = await child.status;
    await child.stderr.cancel();
    assert.equal(status.signal, "SIGKILL");
    // Only whole lines reach the file, and in order: the recorded replicates are 0..k-1.
    const onDisk = text();
    assert.ok(onDisk.endsWith("\n"), "no torn last line");
    const recorded = onDisk.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).replicate);
    assert.ok(
      recorded.length >= 3 && recorded.length < replicates,
      `killed mid-run (${recorded.length} of ${replicates} recorded)`,
    );
    assert.deepEqual(recorded, recorded.map((_, i) => i));
    assert.equal(listRuns(join(dir.path, "train"))[0].complete, false);

    calls.fit = 0;
    const started: string[] = [];
    const resumed = await train(dir.path, { delayMs }).run({
      replicates,
      strategy: "resume",
      onEvent: (e) => {
        if (e.type === "replicate-started") started.push(`${e.replicate}/${e.condition}`);
      },
    });
    assert.equal(resumed.errors.length, 0);
    const missing = Array.from(
      { length: replicates - recorded.length },
      (_, i) => recorded.length + i,
    )
      .flatMap((r) => [`${r}/baseline`, `${r}/doubled`]);
    assert.deepEqual(started, missing, "exactly the unrecorded replicates run again");
    assert.equal(calls.fit, missing.length);
    const stored = await loadRun(join(dir.path, "train"));
    assert.equal(stored.version, 1);
    assert.deepEqual(stored.result.metrics.baseline.loss.length, replicates);
    // Exactly once: one record per replicate and condition in the new version.
    const records = Deno.readTextFileSync(join(dir.path, "train", "v1", "outcomes.jsonl"))
      .split("\n").filter((l) => l !== "").flatMap((l) => {
        const o = JSON.parse(l);
        return o.conditions.map((c: { condition: string }) => `${o.replicate}/${c.condition}`);
      }).sort();
    assert.equal(records.length, 2 * replicates);
    assert.equal(new Set(records).size, 2 * replicates);
    await using fresh = await tempDir("store-kill-fresh");
    assert.equal(metricsOf(resumed), metricsOf(await train(fresh.path).run({ replicates })));
  });
}

Deno.test("resume: without an ArtifactPlugin is refused with the fix", async () => {
  const { Experiment, dataSource, pipelineStep } = await import("../mod.ts");
  const bare = new Experiment({
    name: "bare",
    datasource: dataSource(() => 1)(),
    pipeline: [pipelineStep((x: number) => x, { name: "id" })()],
  });
  await assert.rejects(
    bare.run({ strategy: "resume" }),
    /strategy "resume" continues from stored runs, but the experiment has no ArtifactPlugin; add new ArtifactPlugin\(\) to its plugins/,
  );
});

Deno.test("ExperimentInput: reads the upstream artifact of the same replicate and condition, baseline as fallback", async () => {
  await using dir = await tempDir("input-read");
  const upstream = await train(dir.path).run();
  const result = await evaluate(dir.path).run();
  assert.equal(result.errors.length, 0, JSON.stringify(result.errors));
  assert.equal(result.provenance.replicates, 3, "the upstream count is the default");
  const weights = (c: string) =>
    upstream.artifacts["model.json"][c].map((p) => JSON.parse(Deno.readTextFileSync(p!)).weight);
  assert.deepEqual(result.metrics.baseline.metrics.weight, weights("baseline"));
  assert.deepEqual(result.metrics.treatments.doubled.metrics.weight, weights("doubled"));
  assert.deepEqual(result.metrics.treatments.only_downstream.metrics.weight, weights("baseline"));
  assert.deepEqual(result.metrics.baseline.metrics.upstream_replicate, [0, 1, 2]);

  // Workers read the same files.
  const parallel = await evaluate(dir.path, { workers: 2 }).run();
  assert.equal(metricsOf(parallel), metricsOf(result));
  // Workers may read upstream runs stored under another root.
  await using elsewhere = await tempDir("input-elsewhere");
  const apart = await evaluate(elsewhere.path, { workers: 1, upstreamRoot: dir.path }).run();
  assert.equal(metricsOf(apart), metricsOf(result));
});

Deno.test("ExperimentInput: replicate counts must agree; missing runs and artifacts name the experiment", async () => {
  await using dir = await tempDir("input-errors");
  await assert.rejects(
    evaluate(dir.path).run(),
    (e: Error) =>
      e.message.includes(
        `input 'model' (train#model.json): experiment 'train' has no finished run under ${
          resolve(dir.path, "train")
        }; run 'train' first (with an ArtifactPlugin), or check the output root`,
      ),
  );
  await train(dir.path).run();
  await assert.rejects(
    evaluate(dir.path).run({ replicates: 5 }),
    /run\(\): 5 replicates were asked for, but the upstream runs this experiment reads have 3; run it with replicates: 3, or re-run the upstream experiments with 5/,
  );
  const { ExperimentInput } = await import("../mod.ts");
  const wrongName = new ExperimentInput({ m: "train#weights.bin" }, { root: dir.path });
  assert.throws(
    () => wrongName.replicates,
    /input 'm' \(train#weights\.bin\): experiment 'train' v0 stored no artifact 'weights\.bin' \(it stored 'model\.json'\); check the artifact name and that its steps write it/,
  );
  assert.throws(
    () => new ExperimentInput({ m: "train-model.json" }),
    /input 'm' is "train-model\.json"; write it as "experiment#artifact"/,
  );
});

Deno.test("ArtifactPlugin: worker processes store artifacts and records through the same code path", async () => {
  await using serialDir = await tempDir("store-serial");
  await using workerDir = await tempDir("store-workers");
  const serial = await train(serialDir.path).run({ replicates: 4 });
  const parallel = await train(workerDir.path, { workers: 2 }).run({ replicates: 4 });
  assert.equal(parallel.errors.length, 0, JSON.stringify(parallel.errors));
  assert.equal(metricsOf(parallel), metricsOf(serial));
  const relative = (r: Result, root: string) =>
    JSON.stringify(r.artifacts).replaceAll(resolve(root), "<root>");
  assert.equal(relative(parallel, workerDir.path), relative(serial, serialDir.path));
  for (const paths of Object.values(parallel.artifacts["model.json"])) {
    for (const p of paths) {
      const twin = p!.replace(resolve(workerDir.path), resolve(serialDir.path));
      assert.deepEqual(Deno.readFileSync(p!), Deno.readFileSync(twin));
    }
  }
  const lines = Deno.readTextFileSync(join(parallel.outputDir!, "outcomes.jsonl")).trim().split(
    "\n",
  );
  assert.equal(lines.length, 4, "one record per replicate, written by the workers");
});

Deno.test("ExperimentInput: the newest finished run by default, or a pinned version", async () => {
  const { ExperimentInput, standaloneContext } = await import("../mod.ts");
  await using dir = await tempDir("input-pinned");
  const v0 = await train(dir.path).run({ replicates: 3 });
  const v1 = await train(dir.path).run({ replicates: 2, treatments: [] });
  const latest = new ExperimentInput({ model: "train#model.json" }, { root: dir.path });
  const pinned = new ExperimentInput({
    model: { experiment: "train", artifact: "model.json", version: 0, format: "json" },
  }, { root: dir.path });
  assert.equal(latest.replicates, 2);
  assert.equal(pinned.replicates, 3);
  const read = (input: typeof latest, run: Result) => {
    const value = input.fetch(standaloneContext({}, { replicate: 1 })).model as { weight: number };
    const path = run.artifacts["model.json"].baseline[1]!;
    assert.equal(value.weight, JSON.parse(Deno.readTextFileSync(path)).weight);
  };
  read(latest, v1);
  read(pinned, v0);
  // Workers get the version this process resolved, even if the producer runs again meanwhile.
  assert.deepEqual(latest.params, {
    inputs: { model: { experiment: "train", artifact: "model.json", root: dir.path, version: 1 } },
  });
});

Deno.test("debug() is not a stored run", async () => {
  await using dir = await tempDir("store-debug");
  await train(dir.path).debug();
  assert.deepEqual(listRuns(join(dir.path, "train")), []);
});

Deno.test("resume on worker processes: workers skip the reused replicates", async () => {
  await using dir = await tempDir("store-resume-workers");
  await train(dir.path, { workers: 2 }).run({ replicates: 3 });
  const started: string[] = [];
  const more = await train(dir.path, { workers: 2 }).run({
    replicates: 5,
    strategy: "resume",
    onEvent: (e) => {
      if (e.type === "replicate-started") started.push(`${e.replicate}/${e.condition}`);
    },
  });
  assert.deepEqual(started.sort(), ["3/baseline", "3/doubled", "4/baseline", "4/doubled"]);
  assert.deepEqual(more.provenance.stored?.reused, { baseline: 3, doubled: 3 });
  await using fresh = await tempDir("store-resume-workers-fresh");
  assert.equal(metricsOf(more), metricsOf(await train(fresh.path).run({ replicates: 5 })));
});

Deno.test("RunRecorder: outcome lines are buffered until 200 ms of work or 64 KiB, written whole and in order", () => {
  const writes: string[] = [];
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
  let failing = false;
  const recorder = new RunRecorder(
    { dir: "/nowhere", runId: "r" },
    logger,
    undefined,
    (path, bytes) => {
      if (failing) throw new Error("disk full");
      assert.equal(path, join("/nowhere", "outcomes.jsonl"));
      writes.push(new TextDecoder().decode(bytes));
    },
  );
  const outcome = (replicate: number, durationMs: number) => ({
    replicate,
    conditions: [{
      condition: "baseline",
      seed: 1,
      metrics: { x: [replicate] },
      durationMs,
      stepMs: [],
    }],
  });
  for (let r = 0; r < 19; r++) recorder.appendOutcome(outcome(r, 10));
  assert.equal(writes.length, 0, "190 ms of work stays buffered");
  recorder.appendOutcome(outcome(19, 10));
  assert.equal(writes.length, 1, "200 ms: written");
  assert.deepEqual(writes[0].split("\n").slice(0, -1).map((l) => JSON.parse(l).replicate), [
    ...Array(20).keys(),
  ]);
  recorder.appendOutcome(outcome(20, 250));
  assert.equal(writes.length, 2, "a slow replicate is written at once");
  recorder.appendOutcome(outcome(21, 0.01));
  recorder.appendOutcome({ replicate: 22, conditions: [] });
  assert.equal(writes.length, 2);
  recorder.flush();
  recorder.flush();
  assert.equal(writes.length, 3, "flush writes the tail, once");
  assert.equal(writes[2], JSON.stringify(outcome(21, 0.01)) + "\n");
  const big = { x: Array.from({ length: 70_000 }, () => 1) };
  recorder.appendOutcome({
    ...outcome(23, 0),
    conditions: [{ ...outcome(23, 0).conditions[0], metrics: big }],
  });
  assert.equal(writes.length, 4, "64 KiB: written");
  failing = true;
  recorder.appendOutcome(outcome(24, 300));
  recorder.appendOutcome(outcome(25, 300));
  assert.equal(warnings.length, 1, "a failing disk is reported once, not thrown");
  assert.match(warnings[0], /could not record 1 replicate in .*outcomes\.jsonl: disk full/);
});

Deno.test("a cancelled stored run has written every replicate it finished to outcomes.jsonl", async () => {
  await using dir = await tempDir("store-cancel");
  const controller = new AbortController();
  let finished = 0;
  const error = await train(dir.path).run({
    replicates: 1000,
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === "replicate-finished" && e.condition === "doubled" && ++finished === 40) {
        controller.abort();
      }
    },
  }).catch((e) => e);
  assert.ok(error instanceof RunCancelledError, String(error));
  const done = error.result.metrics.baseline.metrics.loss.length;
  assert.ok(done >= 40 && done < 1000, `${done} done`);
  const lines = Deno.readTextFileSync(join(dir.path, "train", "v0", "outcomes.jsonl"))
    .split("\n").filter((l) => l !== "");
  assert.equal(lines.length, done, "the buffered tail was written when the run stopped");
});
