/**
 * The folder-experiment examples run as shipped: each is copied into
 * `.test-tmp/` (the only place tests write; the copy sits at the same depth,
 * so its imports of mod.ts resolve) and run as a user would, with its
 * documented command, then checked in-process.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { Experiment, ExperimentGraph, type GraphEvent } from "../mod.ts";
import { assertClose } from "./assert_close.ts";
import { tempTree } from "./fixtures/config/folders.ts";

/** Copies `from` (without stored runs) into a fresh folder under `.test-tmp/`. */
async function copyExample(from: string): Promise<Awaited<ReturnType<typeof tempTree>>> {
  const files: Record<string, string> = {};
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory && entry.name !== ".crystallize") await walk(path);
      else if (entry.isFile) files[relative(from, path)] = await Deno.readTextFile(path);
    }
  };
  await walk(from);
  return await tempTree("example", files);
}

async function runMain(args: string[]): Promise<string> {
  const out = await new Deno.Command("deno", { args: ["run", ...args] }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `deno run ${args.join(" ")} failed:\n${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

const RUN_FLAGS = ["--allow-read=.", "--allow-env=LOG_TOKENS,LOG_STREAM", "--allow-run=git"];

Deno.test("examples/folder_experiment: main.ts runs it as shipped; wider windows smooth better", async () => {
  await using dir = await copyExample("examples/folder_experiment");
  const stdout = await runMain([
    ...RUN_FLAGS,
    `--allow-write=${dir.at(".crystallize")}`,
    dir.at("main.ts"),
  ]);
  assert.match(stdout, /Experiment 'smoothing' v0: 12 replicates per condition\n/);
  assert.match(stdout, /\n {2}seed 2024, serial\n/);
  assert.match(stdout, /Hypothesis 'smoother_is_better' on mae: best \([^)]*\): window_9/);
  assert.match(stdout, /\n {2}window_5\s+\d\S*\s+\d\S*\s+yes\s/); // p, adjusted p, significant
  assert.match(stdout, /stored in .*\.crystallize\/smoothing\/v0/);

  const experiment = await Experiment.fromYaml(dir.path);
  const result = await experiment.run();
  assert.deepEqual(result.errors, []);
  const mean = (name: string) => {
    const m = name === "baseline"
      ? result.metrics.baseline.metrics.mae
      : result.metrics.treatments[name].metrics.mae;
    return (m as number[]).reduce((a, b) => a + b, 0) / m.length;
  };
  assert.ok(mean("baseline") > mean("window_5") && mean("window_5") > mean("window_9"));
  const drop = result.getHypothesis("biggest_drop");
  assert.equal(drop?.ranking.best, "window_9");
  assertClose(drop!.results[1].drop as number, mean("baseline") - mean("window_9"), 1e-12);
  assert.ok(result.getHypothesis("smoother_is_better")?.results.every((r) => r.significant));
});

Deno.test("examples/dag: the consumer reads producer#readings; a second run with --resume skips both", async () => {
  await using dir = await copyExample("examples/dag");
  const flags = [...RUN_FLAGS, `--allow-write=${dir.path}`, dir.at("main.ts")];
  const first = await runMain(flags);
  assert.match(first, /producer -> consumer \(readings\.json\)/);
  assert.match(
    first,
    /experiment-started: producer\nexperiment-finished: producer\nexperiment-started: consumer\nexperiment-finished: consumer/,
  );
  assert.match(
    first,
    /Hypothesis 'drift_raises_mean' on mean_temperature: best \([^)]*\): drifted/,
  );
  const second = await runMain([...flags, "--resume"]);
  assert.match(second, /experiment-skipped: producer\nexperiment-skipped: consumer/);

  const graph = await ExperimentGraph.fromYaml(dir.path);
  const events: GraphEvent[] = [];
  const results = await graph.run({ strategy: "rerun", onEvent: (e) => events.push(e) });
  const { producer, consumer } = results;
  assert.deepEqual([...producer.errors, ...consumer.errors], []);
  assert.equal(consumer.provenance.replicates, 6, "the consumer follows the producer's replicates");
  const base = consumer.metrics.baseline.metrics.mean_temperature as number[];
  const drifted = consumer.metrics.treatments.drifted.metrics.mean_temperature as number[];
  assert.deepEqual(base, producer.metrics.baseline.metrics.mean_reading);
  drifted.forEach((d, i) => assertClose(d - base[i], 0.5, 1e-9));
});
