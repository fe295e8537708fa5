/**
 * `crystallize run/new/show/clean/list/graph` end to end: the real CLI in a
 * child process, real folders under .test-tmp, exit codes and files checked.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli, CLI_FLAGS, copyExample, MOD, writeFiles } from "./fixtures/cli/run_cli.ts";

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("new scaffolds an experiment that runs as generated; show and clean use its stored run", async () => {
  await using dir = await tempDir("cli-new");
  const made = await cli(["new", "demo", "--dir", dir.path]);
  assert.equal(made.code, 0, made.stderr);
  const folder = join(dir.path, "demo");
  assert.ok(await exists(join(folder, "config.yaml")));

  const run = await cli(["run", folder, "--json", "--seed", "5"]);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.ok, true);
  const [result] = doc.results;
  assert.equal(result.metrics.treatments.add_one.total.length, 10);
  assert.equal(result.provenance.seed, 5);
  assert.equal(result.hypotheses[0].ranking.best, "add_one");
  const version = resolve(folder, ".crystallize", "demo", "v0");
  assert.equal(result.outputDir, version);
  assert.ok(await exists(join(version, "run.json")), "the run is stored");

  const shown = await cli(["show", folder]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /Experiment 'demo' v0: 10 replicates per condition/);
  assert.match(shown.stdout, /add_one +total +10 +[\d.]+ ± [\d.]+/);
  assert.match(
    shown.stdout,
    /Hypothesis 'delta_raises_total' on total: best \(lowest p-value\): add_one \(above the baseline/,
  );
  assert.match(shown.stdout, /seed 5, serial/);
  const asJson = JSON.parse((await cli(["show", version, "--json"])).stdout);
  assert.deepEqual(asJson.result.metrics, result.metrics);

  const refused = await cli(["clean", folder]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /add --yes/);
  assert.ok(await exists(version), "nothing deleted without confirmation");
  const dry = await cli(["clean", folder, "--dry-run"]);
  assert.equal(dry.code, 0);
  assert.ok(await exists(version));
  const cleaned = await cli(["clean", folder, "--yes"]);
  assert.equal(cleaned.code, 0, cleaned.stderr);
  assert.ok(!(await exists(join(folder, ".crystallize"))));
  assert.ok(await exists(join(folder, "config.yaml")), "the experiment itself stays");

  const again = await cli(["new", "demo", "--dir", dir.path]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists/);
  assert.equal((await cli(["new", "Bad Name", "--dir", dir.path])).code, 2);
});

Deno.test("run: a module with several experiments needs #name; seeds reproduce; exit codes follow failures", async () => {
  await using dir = await tempDir("cli-module");
  const out = ["--out", dir.path];
  const ambiguous = await cli(["run", "tests/fixtures/cli/several.ts", ...out]);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /several\.ts exports 2 experiments; pick one with #large, #small/);

  const small = await cli([
    "run",
    "tests/fixtures/cli/several.ts#small",
    "--json",
    "--seed",
    "3",
    ...out,
  ]);
  assert.equal(small.code, 1, "a failed replicate gives exit code 1");
  const doc = JSON.parse(small.stdout);
  assert.equal(doc.results[0].errors.length, 1);
  assert.equal(doc.results[0].errors[0].message, "planned failure");

  const a = JSON.parse(
    (await cli(["run", "tests/fixtures/cli/several.ts#large", "--json", "--seed", "9", ...out]))
      .stdout,
  );
  const b = JSON.parse(
    (await cli([
      "run",
      "tests/fixtures/cli/several.ts#large",
      "--json",
      "--seed",
      "9",
      "--executor",
      "thread",
      "--workers",
      "2",
      ...out,
    ])).stdout,
  );
  assert.equal(a.exitCode, 0);
  assert.deepEqual(
    a.results[0].metrics,
    b.results[0].metrics,
    "same seed, same metrics, any executor",
  );
  assert.match(b.results[0].provenance.executionStrategy, /^thread/);

  const strict = await cli([
    "run",
    "tests/fixtures/cli/several.ts#large",
    "--seed",
    "9",
    "--fail-on-hypothesis",
    ...out,
  ]);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /hypothesis 'nudge_helps' is not significant for 'nudge'/);

  const baselineOnly = JSON.parse(
    (await cli([
      "run",
      "tests/fixtures/cli/several.ts#large",
      "--no-treatments",
      "--replicates",
      "2",
      "--json",
      ...out,
    ])).stdout,
  );
  assert.deepEqual(Object.keys(baselineOnly.results[0].metrics.treatments), []);
  assert.equal(baselineOnly.results[0].metrics.baseline.total.length, 2);
  assert.ok(await exists(join(dir.path, "large")), "module runs are stored under --out");
});

Deno.test("run prints validate() warnings: a step parameter fixed in config.yaml cancels a treatment", async () => {
  await using dir = await tempDir("cli-warn");
  assert.equal((await cli(["new", "demo", "--dir", dir.path])).code, 0);
  const config = join(dir.path, "demo", "config.yaml");
  const text = await Deno.readTextFile(config);
  await Deno.writeTextFile(config, text.replace(/- add_delta #.*/, "- add_delta: {delta: 0}"));
  const run = await cli(["run", join(dir.path, "demo"), "--replicates", "3", "--quiet"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /WARN Experiment 'demo': treatment 'add_one' sets 'delta', but step 'add_delta' fixes it explicitly, so the treatment changes nothing; remove delta: 0 from step add_delta in \S*demo\/config\.yaml so the treatment can set it/,
  );
});

Deno.test("run: usage and configuration errors exit 2 with the file, line and column", async () => {
  await using dir = await tempDir("cli-usage");
  assert.equal((await cli(["run"])).code, 2);
  assert.equal((await cli(["run", "x", "--replicates", "0"])).code, 2);
  assert.equal((await cli(["bogus"])).code, 2);
  const missing = await cli(["run", join(dir.path, "nothing")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no experiment at/);
  await writeFiles(join(dir.path, "broken"), {
    "config.yaml": "name: broken\ndatasource: { n: numbers }\nsteps: [nope]\nreplicatez: 3\n",
  });
  const broken = await cli(["run", join(dir.path, "broken")]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /config\.yaml:4:1/);
  assert.match(broken.stderr, /replicatez/);
  // The schema's problem and the loader's come in one report, not one per run.
  assert.match(broken.stderr, /config\.yaml:3:9: steps\.ts not found/);
});

Deno.test("run, graph and list on a copy of the two-experiment DAG example", async () => {
  await using dir = await tempDir("cli-dag");
  const dag = join(dir.path, "dag");
  await copyExample("examples/dag", dag);
  const graph = await cli(["graph", dag]);
  assert.equal(graph.code, 0, graph.stderr);
  assert.match(graph.stdout, /reads readings ← producer#readings/);
  assert.match(graph.stdout, /Run order: producer → consumer/);

  const run = await cli(["run", dag, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.deepEqual(doc.results.map((r: { experiment: string }) => r.experiment), [
    "producer",
    "consumer",
  ]);
  assert.deepEqual(Object.keys(doc.results[1].metrics.treatments), ["drifted"]);
  assert.ok(await exists(join(dag, "consumer", ".crystallize", "consumer", "v0", "run.json")));

  // --executor applies to every experiment of a graph, workers started by the CLI.
  const onWorkers = await cli(["run", dag, "--json", "--executor", "process", "--workers", "1"]);
  assert.equal(onWorkers.code, 0, onWorkers.stderr);
  const parallel = JSON.parse(onWorkers.stdout).results;
  assert.deepEqual(
    parallel.map((r: { provenance: { executionStrategy: string } }) =>
      r.provenance.executionStrategy
    ),
    ["process(maxWorkers=1)", "process(maxWorkers=1)"],
  );
  assert.deepEqual(parallel[1].metrics, doc.results[1].metrics);

  // The consumer alone runs with the producer it reads (and inherits its treatment).
  const consumer = await cli(["run", join(dag, "consumer"), "--json"]);
  assert.equal(consumer.code, 0, consumer.stderr);
  const alone = JSON.parse(consumer.stdout).results;
  assert.deepEqual(alone.map((r: { experiment: string }) => r.experiment), [
    "producer",
    "consumer",
  ]);
  assert.deepEqual(Object.keys(alone[1].metrics.treatments), ["drifted"]);

  const list = await cli(["list", dir.path]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /Experiments\n .*dag\/producer {2}producer · 6 replicates/);
  assert.match(list.stdout, /Graphs\n .*dag\/consumer {2}consumer \(graph\)/);
});

Deno.test("list orders by cli group and priority, hides hidden ones, and finds exported experiments", async () => {
  await using dir = await tempDir("cli-list");
  const config = (name: string, cli: string) =>
    `name: ${name}\ncli: ${cli}\ndatasource: { n: numbers }\nsteps: [same]\n`;
  await writeFiles(dir.path, {
    "b/config.yaml": config("b_exp", "{ group: Alpha, priority: 2 }"),
    "a/config.yaml": config("a_exp", "{ group: Alpha, priority: 5 }"),
    "z/config.yaml": config("z_exp", "{ group: Beta, priority: 1 }"),
    "data/d/config.yaml": config("d_exp", "{ group: Beta, priority: 2 }"),
    "h/config.yaml": config("h_exp", "{ group: Alpha, hidden: true }"),
    "mods/exported.ts": `import { dataSource, Experiment, pipelineStep } from ${
      JSON.stringify(MOD)
    };
export const numbers = dataSource(() => 1, { name: "numbers" });
export const same = pipelineStep((d: number) => d, { name: "same" });
export const coded = new Experiment({ name: "coded", datasource: numbers(), pipeline: [same()], replicates: 4 });
`,
    "mods/at_import.ts": `import { Experiment } from ${JSON.stringify(MOD)};
export const x = Experiment; Deno.writeTextFileSync("escaped.txt", "x");
`,
  });
  const listed = await cli(["list", dir.path, "--json"]);
  assert.equal(listed.code, 2, "a module that fails to load is reported and exits 2");
  const doc = JSON.parse(listed.stdout);
  assert.deepEqual(doc.experiments.map((e: { name: string }) => e.name), [
    "b_exp",
    "a_exp",
    "z_exp",
    "d_exp", // a folder named "data" is searched like any other
    "coded",
  ]);
  assert.equal(doc.experiments[4].replicates, 4);
  assert.match(doc.experiments[4].target, /mods\/exported\.ts#coded$/);
  assert.match(doc.errors[0].message, /Requires write access/);
  assert.ok(!(await exists("escaped.txt")), "module code in list runs without write permission");
  const all = JSON.parse((await cli(["list", dir.path, "--json", "--all"])).stdout);
  assert.ok(all.experiments.some((e: { name: string }) => e.name === "h_exp"));
});

Deno.test("Ctrl-C cancels the run: exit code 130 and the partial result in --json", async () => {
  await using dir = await tempDir("cli-cancel");
  const child = new Deno.Command("deno", {
    args: [
      "run",
      ...CLI_FLAGS,
      "cli.ts",
      "run",
      "tests/fixtures/cli/slow.ts",
      "--replicates",
      "200",
      "--json",
      "--out",
      dir.path,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/\d+% \(/.test(seen)) seen += (await stderr.read()).value ?? "";
  child.kill("SIGINT");
  const [status, stdout] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    (async () => {
      while (!(await stderr.read()).done) { /* drain */ }
    })(),
  ]);
  assert.equal(status.code, 130);
  const doc = JSON.parse(stdout);
  assert.equal(doc.error.name, "RunCancelledError");
  const done = doc.results[0].metrics.baseline.value.length;
  assert.ok(done > 0 && done < 200, `${done} replicates before the cancel`);
});

Deno.test("run --out stores a folder experiment's runs under another root", async () => {
  await using dir = await tempDir("cli-out");
  assert.equal((await cli(["new", "demo", "--dir", dir.path])).code, 0);
  const folder = join(dir.path, "demo");
  const out = join(dir.path, "elsewhere");
  const run = await cli(["run", folder, "--json", "--replicates", "2", "--out", out]);
  assert.equal(run.code, 0, run.stderr);
  const [result] = JSON.parse(run.stdout).results;
  assert.equal(result.outputDir, resolve(out, "demo", "v0"));
  assert.ok(await exists(join(out, "demo", "v0", "run.json")));
  assert.ok(!(await exists(join(folder, ".crystallize"))), "nothing written in the folder");
});
