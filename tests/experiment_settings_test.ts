/**
 * Seed, logging and storage are options of an experiment; SeedPlugin,
 * LoggingPlugin and ArtifactPlugin are their plugin forms. Both forms set
 * the same settings, a setting given both ways is a validation problem,
 * and Result.toString() prints the summary the CLI prints.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import {
  ArtifactPlugin,
  Experiment,
  hypothesis,
  LoggingPlugin,
  type LogRecord,
  pipelineStep,
  SeedPlugin,
  ValidationError,
} from "../mod.ts";
import { formatSummary } from "../src/cli/summary.ts";
import { addDelta, boostTotal, fetchNumbers, trackSum, welchTTest } from "./fixtures/tutorial.ts";
import { tempDir } from "./temp_dir.ts";

const recordSeed = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("seed", ctx.seed ?? -1);
  ctx.metrics.add("draw", ctx.rng.random());
  return data;
}, { name: "record_seed" });

const silent = { level: "silent" } as const;

/** The message of the ValidationError `validate()` throws. */
function problemsOf(experiment: Experiment): string {
  try {
    experiment.validate();
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.message;
  }
  throw new Error("validate() found no problem");
}

function seeded(options: { seed?: number | { seed?: number; autoSeed?: boolean } }) {
  return new Experiment({
    name: "seeded",
    datasource: fetchNumbers(),
    pipeline: [recordSeed()],
    replicates: 3,
    logging: silent,
    ...options,
  });
}

Deno.test("seed option: the same seeds and draws as a SeedPlugin with that seed", async () => {
  const byOption = await seeded({ seed: 11 }).run();
  const byPlugin = await new Experiment({
    name: "seeded",
    datasource: fetchNumbers(),
    pipeline: [recordSeed()],
    replicates: 3,
    plugins: [new SeedPlugin({ seed: 11 }), new LoggingPlugin(silent)],
  }).run();
  assert.deepEqual(byOption.metrics.baseline.metrics.seed, [11, 11 + 31337, 11 + 2 * 31337]);
  assert.deepEqual(byOption.metrics, byPlugin.metrics);
  assert.equal(byOption.provenance.seed, 11);
  assert.equal(byOption.provenance.seedDrawn, false);
  const fixed = await seeded({ seed: { seed: 5, autoSeed: false } }).run();
  assert.deepEqual(fixed.metrics.baseline.metrics.seed, [5, 5, 5]);
});

Deno.test("seed option: the experiment exposes it and its plugin form", () => {
  const experiment = seeded({ seed: 9 });
  assert.deepEqual([experiment.seeding.seed, experiment.seeding.drawn], [9, false]);
  assert.equal(experiment.getPlugin(SeedPlugin)?.seed, 9);
  assert.deepEqual(experiment.plugins.map((p) => p.pluginName), ["SeedPlugin", "LoggingPlugin"]);
  const drawn = seeded({});
  assert.equal(drawn.seeding.drawn, true);
  assert.equal(drawn.storage, undefined);
});

Deno.test("settings are read from any plugin form, subclasses included", async () => {
  class CountingSeeds extends SeedPlugin {}
  const experiment = new Experiment({
    datasource: fetchNumbers(),
    pipeline: [recordSeed()],
    plugins: [new CountingSeeds({ seed: 3 }), new LoggingPlugin(silent)],
  });
  assert.equal(experiment.seeding.seed, 3);
  assert.equal((await experiment.run()).metrics.baseline.metrics.seed[0], 3);
});

Deno.test("logging option: records go to its sink at its level", async () => {
  const records: LogRecord[] = [];
  const experiment = Experiment.builder("logged").datasource(fetchNumbers()).addStep(trackSum())
    .logging({ level: "info", sink: (r) => records.push(r) }).build();
  await experiment.run();
  assert.ok(records.some((r) => r.level === "info" && /'logged' finished/.test(r.message)));
  assert.equal(experiment.getPlugin(LoggingPlugin)?.logger, experiment.logger);
});

Deno.test("storage option: runs are stored, resumed and retained like with an ArtifactPlugin", async () => {
  await using dir = await tempDir("settings-storage");
  const experiment = Experiment.builder("stored").datasource(fetchNumbers()).addStep(addDelta())
    .addStep(trackSum()).treatments([boostTotal]).replicates(2).seed(1).logging(silent)
    .outputDir(dir.path).storage({ retention: 2 }).build();
  assert.equal(experiment.storage?.retention, 2);
  assert.ok(experiment.getPlugin(ArtifactPlugin) !== undefined);
  const first = await experiment.run();
  assert.equal(first.outputDir, resolve(dir.path, "stored/v0"));
  const again = await experiment.run({ strategy: "resume" });
  assert.equal(again.provenance.stored?.upToDate, true); // nothing changed: the stored run
  await experiment.run();
  const third = await experiment.run();
  assert.equal(third.provenance.stored?.version, 2);
  assert.deepEqual(third.provenance.stored?.removed, [0]); // retention 2 keeps v1 and v2
  const debugged = await experiment.debug();
  assert.equal(debugged.outputDir, undefined, "a debug pass is not stored");
});

Deno.test("storage: true uses the defaults; without it resume says how to store runs", async () => {
  await using dir = await tempDir("settings-storage-default");
  const base = { datasource: fetchNumbers(), pipeline: [trackSum()], logging: silent };
  const stored = new Experiment({ ...base, name: "plain", outputDir: dir.path, storage: true });
  assert.equal(stored.storage?.retention, 3);
  assert.equal((await stored.run()).outputDir, resolve(dir.path, "plain/v0"));
  const unstored = new Experiment({ ...base, name: "plain", outputDir: dir.path });
  await assert.rejects(
    unstored.run({ strategy: "resume" }),
    /has no ArtifactPlugin; add new ArtifactPlugin\(\) to its plugins \(or give it storage: true\)/,
  );
});

Deno.test("a setting given as an option and by a plugin, or a bad option value, fails validation", () => {
  const base = { datasource: fetchNumbers(), pipeline: [trackSum()] };
  const twice = new Experiment({
    ...base,
    seed: 1,
    storage: true,
    plugins: [new SeedPlugin({ seed: 2 }), new ArtifactPlugin()],
  });
  const message = problemsOf(twice);
  assert.match(
    message,
    /seed is set twice: by the seed option and by plugins\[0\] \(SeedPlugin\); keep one/,
  );
  assert.match(message, /storage is set twice: by the storage option and by plugins\[1\]/);
  const bad = new Experiment({ ...base, seed: -1, storage: { retention: 1.5 } });
  const problems = problemsOf(bad);
  assert.match(problems, /seed: A seed must be an integer in \[0, 2\^32\), got -1/);
  assert.match(problems, /storage: retention of stored runs .* must be a whole number >= 0/);
});

Deno.test("Result.toString() is the CLI's summary, its fixes worded for code", async () => {
  const experiment = Experiment.builder("summary").datasource(fetchNumbers()).addStep(addDelta())
    .addStep(trackSum()).treatments([boostTotal]).replicates(3).logging(silent)
    .hypotheses([hypothesis({ name: "by_p", verifier: welchTTest(), metrics: "total" })]).build();
  const result = await experiment.run();
  const code = result.toString().split("\n");
  const cli = formatSummary(result.toJSON()).split("\n");
  assert.equal(code.length, cli.length);
  const differing = code.flatMap((line, i) => line === cli[i] ? [] : [[line, cli[i]]]);
  assert.deepEqual(differing, [[
    code.find((l) => l.startsWith("  seed ")),
    cli.find((l) => l.startsWith("  seed ")),
  ]]);
  assert.match(differing[0][0]!, /\(drawn; repeat with run\(\{ seed: \d+ \}\)\)/);
  assert.match(differing[0][1]!, /\(drawn; repeat with --seed \d+\)/);
  assert.ok(code.includes("Metrics (mean ± 95% CI)"));
});
