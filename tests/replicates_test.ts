/**
 * Replicate counts are whole numbers from 1 to MAX_REPLICATES wherever they
 * come from: the code API, config.yaml (written in digits, reported at the
 * value's line and column) and the CLI's --replicates (plain digits only).
 * Before, `1e9`, `9007199254740993` or `--replicates 1e6` ran for ages.
 */
import assert from "node:assert/strict";
import {
  ConfigError,
  dataSource,
  Experiment,
  LoggingPlugin,
  MAX_REPLICATES,
  pipelineStep,
  quickExperiment,
} from "../mod.ts";
import { replicatesProblem } from "../src/run/replicates.ts";
import { wholeNumberProblem } from "../src/cli/flags/whole_number.ts";
import { CLI_FLAGS } from "./fixtures/cli/run_cli.ts";
import { DATASOURCES, STEPS, tempTree } from "./fixtures/config/folders.ts";

const numbers = dataSource(() => [1, 2, 3], { name: "numbers" });
const total = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
  return data;
}, { name: "total" });

/** The CLI, stopped after a minute: a regression would otherwise run 1e6 replicates. */
async function cli(args: readonly string[]) {
  const out = await new Deno.Command("deno", {
    args: ["run", ...CLI_FLAGS, "cli.ts", ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("replicates: the limit is exact and refuses fractions, non-finite and unsafe numbers", () => {
  assert.equal(MAX_REPLICATES, 1_000_000);
  for (const ok of [1, 20, MAX_REPLICATES]) assert.equal(replicatesProblem(ok), undefined);
  for (const bad of [0, -1, 1.5, NaN, Infinity, 1e9, 2 ** 53 + 2, 1e308, MAX_REPLICATES + 1]) {
    assert.match(
      replicatesProblem(bad)!,
      /^replicates must be a whole number from 1 to 1000000, got /,
    );
  }
  assert.match(replicatesProblem("5")!, /got "5"/);
});

Deno.test("replicates: the code API refuses counts out of range before running anything", async () => {
  let ran = 0;
  const counted = pipelineStep((d: number[]) => (ran++, d), { name: "counted" });
  const quiet = new LoggingPlugin({ sink: () => {} });
  for (const replicates of [1e9, 2 ** 53 + 2, 1e308, 1.5, 0]) {
    assert.throws(
      () =>
        Experiment.builder("big").datasource(numbers()).addStep(total()).replicates(replicates)
          .build(),
      (e: Error) =>
        e.message.includes(
          `replicates must be a whole number from 1 to 1000000, got ${replicates}; set it with`,
        ),
    );
    const experiment = new Experiment({
      name: "big",
      datasource: numbers(),
      pipeline: [counted()],
      plugins: [quiet],
    });
    await assert.rejects(
      experiment.run({ replicates }),
      /run\(\): replicates must be a whole number from 1 to 1000000/,
    );
    await assert.rejects(
      quickExperiment(() => ran++, { a: {} }, { replicates }),
      /quickExperiment\(\): replicates must be a whole number from 1 to 1000000/,
    );
  }
  assert.equal(ran, 0);
  const max = Experiment.builder("max").datasource(numbers()).addStep(total()).replicates(
    MAX_REPLICATES,
  ).build();
  assert.equal(max.replicates, MAX_REPLICATES);
});

Deno.test("replicates: config.yaml needs digits from 1 to MAX_REPLICATES, reported as written at line:col", async () => {
  for (
    const written of [
      "1e9",
      "9007199254740993",
      "1e308",
      "12345678901234567890",
      "1e3",
      "0x10",
      "3.0",
      "1000001",
      ".inf",
    ]
  ) {
    await using dir = await tempTree("replicates-config", {
      "config.yaml":
        `name: demo\nreplicates: ${written}\ndatasource: { numbers: constant }\nsteps: [total]\n`,
      "datasources.ts": DATASOURCES,
      "steps.ts": STEPS,
    });
    const error = await Experiment.fromYaml(dir.path).catch((e) => e);
    assert.ok(error instanceof ConfigError, `${written}: ${error}`);
    assert.equal(
      error.message,
      `${
        dir.at("config.yaml")
      }:2:13: replicates must be a whole number from 1 to 1000000 written in digits, ` +
        `e.g. \`replicates: 20\`, got ${written}`,
    );
  }
  await using fine = await tempTree("replicates-config", {
    "config.yaml":
      `name: demo\nreplicates: 1000000\ndatasource: { numbers: constant }\nsteps: [total]\n`,
    "datasources.ts": DATASOURCES,
    "steps.ts": STEPS,
  });
  assert.equal((await Experiment.fromYaml(fine.path)).replicates, 1_000_000);
});

Deno.test("replicates: --replicates takes plain digits only, and the CLI exits 2 naming the flag", async () => {
  const spec = { flag: "--replicates", min: 1, max: MAX_REPLICATES, example: 20 };
  assert.equal(wholeNumberProblem("1000000", spec), undefined);
  assert.equal(wholeNumberProblem("007", spec), undefined);
  for (
    const bad of [
      "1e6",
      "0x10",
      "3.5",
      "-1",
      "+5",
      " 7",
      "1_000",
      "",
      "9007199254740993",
      "0",
      "1000001",
    ]
  ) {
    assert.equal(
      wholeNumberProblem(bad, spec),
      `--replicates takes a whole number from 1 to 1000000 in plain digits, e.g. --replicates 20; got '${bad}'`,
    );
  }
  await using dir = await tempTree("replicates-cli", {
    "demo/config.yaml": "name: demo\ndatasource: { numbers: constant }\nsteps: [total]\n",
    "demo/datasources.ts": DATASOURCES,
    "demo/steps.ts": STEPS,
    "huge/config.yaml":
      "name: huge\nreplicates: 1e9\ndatasource: { numbers: constant }\nsteps: [total]\n",
    "huge/datasources.ts": DATASOURCES,
    "huge/steps.ts": STEPS,
  });
  for (const value of ["1e6", "0x10", "3.5", "-1", "9007199254740993"]) {
    const run = await cli(["run", dir.at("demo"), "--replicates", value, "--quiet"]);
    assert.equal(run.code, 2, `${value}: ${run.stderr}`);
    assert.match(
      run.stderr,
      new RegExp(
        `--replicates takes a whole number from 1 to 1000000 in plain digits, e\\.g\\. --replicates 20; got '${
          value.replace(".", "\\.")
        }'`,
      ),
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  }
  const seed = await cli(["run", dir.at("demo"), "--seed", "1e3", "--quiet"]);
  assert.equal(seed.code, 2);
  assert.match(seed.stderr, /--seed takes a whole number from 0 to 4294967295 in plain digits/);
  const huge = await cli(["run", dir.at("huge"), "--quiet"]);
  assert.equal(huge.code, 2, huge.stderr);
  assert.match(
    huge.stderr,
    /huge\/config\.yaml:2:13: replicates must be a whole number from 1 to 1000000 written in digits/,
  );
  const ok = await cli(["run", dir.at("demo"), "--replicates", "2", "--json"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).results[0].provenance.replicates, 2);
});
