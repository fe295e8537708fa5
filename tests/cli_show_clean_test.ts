/**
 * `crystallize show` and `clean` end to end: experiments found by name,
 * names that match nothing, graph folders, stored failures explained as a
 * live run explains them; and messages worded for the CLI, not the API.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli, copyExample, MOD, writeFiles } from "./fixtures/cli/run_cli.ts";

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

Deno.test("show and clean find a folder experiment by name; a name that matches nothing exits 2", async () => {
  await using dir = await tempDir("cli-by-name");
  const made = await cli(["new", "demo"], dir.path);
  assert.equal(made.code, 0, made.stderr);
  const store = join(dir.path, "experiments", "demo", ".crystallize");

  const before = await cli(["show", "demo"], dir.path);
  assert.equal(before.code, 2);
  assert.match(
    before.stderr,
    /no stored runs in .*; run it first: crystallize run experiments\/demo/,
  );
  assert.doesNotMatch(before.stderr, /ArtifactPlugin/);

  assert.equal((await cli(["run", "experiments/demo", "--quiet"], dir.path)).code, 0);
  const shown = await cli(["show", "demo"], dir.path);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /Experiment 'demo' v0: 10 replicates per condition/);

  for (const command of ["show", "clean"]) {
    const missing = await cli(
      [command, "nosuch", "--yes"].slice(0, command === "show" ? 2 : 3),
      dir.path,
    );
    assert.equal(missing.code, 2, `${command} nosuch: ${missing.stdout}`);
    assert.match(missing.stderr, /no experiment named 'nosuch'/);
  }
  const cleaned = await cli(["clean", "demo", "--yes"], dir.path);
  assert.equal(cleaned.code, 0, cleaned.stderr);
  assert.ok(!(await exists(store)), "the folder experiment's .crystallize is deleted");
});

Deno.test("run <consumer>: an unrelated broken config.yaml beside it does not matter; a broken producer is shown", async () => {
  await using dir = await tempDir("cli-consumer");
  const dag = join(dir.path, "dag");
  await copyExample("examples/dag", dag);
  await writeFiles(dag, { "broken/config.yaml": "name: broken\nsteps: 3\n" });
  const ran = await cli(["run", join(dag, "consumer"), "--json", "--replicates", "2"]);
  assert.equal(ran.code, 0, ran.stdout);
  assert.deepEqual(
    JSON.parse(ran.stdout).results.map((r: { experiment: string }) => r.experiment),
    ["producer", "consumer"],
  );

  const producer = join(dag, "producer", "config.yaml");
  await Deno.writeTextFile(producer, `${await Deno.readTextFile(producer)}steps: 3\n`);
  const failed = await cli(["run", join(dag, "consumer")]);
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /producer\/config\.yaml:\d+:\d+: /);
  assert.doesNotMatch(failed.stderr, /no treatment is run|hypotheses: \[\]/);

  const shown = await cli(["show", dag]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(
    shown.stdout,
    /consumer \(.*dag\/consumer\): v0; latest finished v0; see it with crystallize show/,
  );
  assert.match(shown.stdout, /broken \(.*dag\/broken\): config\.yaml has errors: /);
});

Deno.test("fixes shown to a CLI user name flags, not run() options", async () => {
  await using dir = await tempDir("cli-wording");
  await writeFiles(dir.path, {
    "lonely.ts": `import { dataSource, Experiment, hypothesis, pipelineStep, stats } from ${
      JSON.stringify(MOD)
    };
export const one = dataSource(() => 1, { name: "one" });
export const total = pipelineStep((d: number, ctx) => { ctx.metrics.add("total", d); return d; }, { name: "total" });
export default new Experiment({
  name: "lonely", datasource: one(), pipeline: [total()],
  hypotheses: [hypothesis({ name: "h", verifier: stats.welch(), metrics: "total" })],
});
`,
  });
  const out = ["--out", join(dir.path, "out")];
  const ran = await cli(["run", join(dir.path, "lonely.ts"), ...out]);
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /no treatment is run: add a treatment .*--no-treatments/);
  assert.doesNotMatch(ran.stderr, /\{ hypotheses: \[\] \}|run\(\)/);
  const json = JSON.parse(
    (await cli(["run", join(dir.path, "lonely.ts"), "--json", ...out])).stdout,
  );
  assert.match(json.error.message, /--no-treatments/);
});

Deno.test("show explains a stored permission failure as the live run does", async () => {
  await using dir = await tempDir("cli-show-hint");
  const probes = "tests/fixtures/cli/sandbox_probes.ts#readsHostname";
  assert.equal((await cli(["run", probes, "--quiet", "--out", dir.path])).code, 1);
  const hint =
    /Requires read access to "\/etc\/hostname" \(experiment code runs sandboxed; grant it with --allow-read=\/etc\/hostname/;
  const shown = await cli(["show", join(dir.path, "reads_hostname")]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, hint);
  const json = JSON.parse((await cli(["show", join(dir.path, "reads_hostname"), "--json"])).stdout);
  assert.match(json.result.errors[0].message, hint);
});

Deno.test("cliWording: every fix worded for code that reaches the CLI gets its CLI wording", async () => {
  const { cliWording } = await import("../src/cli/cli_wording.ts");
  const cases: [string, RegExp][] = [
    ["no treatment is run: add treatments or run with { hypotheses: [] }", /--no-treatments/],
    ["got 0; set it with .replicates(n) or run({ replicates: n })", /--replicates N/],
    ["run: run it with replicates: 6, or re-run", /run it with --replicates 6/],
    ["input 'x': ...; run this experiment with replicates: 4", /with --replicates 4/],
    [
      "no stored runs in d; run the experiment with an ArtifactPlugin (folder experiments and the CLI attach one) first",
      /run it first \(crystallize run <experiment>\)/,
    ],
    [
      'resume it with run({ strategy: "resume" }) (crystallize run --strategy resume) or pick',
      /resume it with crystallize run --strategy resume or pick/,
    ],
    ['so run({ strategy: "resume" }) can finish it', /so crystallize run --strategy resume can/],
    ["run 'train' first (with an ArtifactPlugin), or check", /run 'train' first \(crystallize run/],
    [
      "point the output root elsewhere (outputDir, $CRYSTALLIZE_HOME, ArtifactPlugin({ root }))",
      /\(--out <folder>, or \$CRYSTALLIZE_HOME\)/,
    ],
    ["Run of experiment 'x' is not valid:\n  - run(): unknown treatment 'y'", /\n {2}- unknown/],
  ];
  for (const [api, cli] of cases) {
    const worded = cliWording(api);
    assert.match(worded, cli);
    assert.doesNotMatch(worded, /run\(\{|\{ hypotheses|run\(\): |ArtifactPlugin\(/, worded);
    assert.equal(cliWording(worded), worded, "idempotent");
  }
});
