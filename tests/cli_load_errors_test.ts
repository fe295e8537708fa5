/**
 * A module that does not load says where: the file, line and column of the
 * syntax error, the import that failed, or the top-level line that threw —
 * for `run` and, one line per file, for `list`.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli, MOD, writeFiles } from "./fixtures/cli/run_cli.ts";

Deno.test("a module that does not load is reported at its file:line:col by run and list", async () => {
  await using dir = await tempDir("cli-load-errors");
  await writeFiles(dir.path, {
    "syntax.ts": `import { Experiment } from ${
      JSON.stringify(MOD)
    };\nconst x = ;\nexport default x;\n`,
    "missing.ts": `export { Experiment } from ${JSON.stringify(MOD)};\nimport "./nowhere.ts";\n`,
    "throws.ts": `export { Experiment } from ${
      JSON.stringify(MOD)
    };\n\nthrow new RangeError("top level says no");\n`,
    // The library notices (in Experiment.run), but the place shown is the experiment's line.
    "runs.ts": `import { dataSource, Experiment, pipelineStep } from ${JSON.stringify(MOD)};
const e = new Experiment({ name: "e", datasource: dataSource(() => 1, { name: "d" })(),
  pipeline: [pipelineStep((x: number) => x, { name: "s" })()] });
export default e;
await e.run();
`,
  });
  const root = resolve(dir.path);
  const expected = {
    "syntax.ts": `${join(root, "syntax.ts")}:2:11: SyntaxError: Expression expected`,
    "missing.ts": `${join(root, "missing.ts")}:2:8: TypeError: Module not found`,
    "throws.ts": `${join(root, "throws.ts")}:3:7: RangeError: top level says no`,
    "runs.ts": `${join(root, "runs.ts")}:5:9: CrystallizeError: experiment.run() was called`,
  };
  for (const [file, where] of Object.entries(expected)) {
    const run = await cli(["run", join(dir.path, file), "--out", join(dir.path, "runs")]);
    assert.equal(run.code, 2, run.stderr);
    assert.ok(run.stderr.includes(`could not load the experiment: ${where}`), run.stderr);
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
  }
  const list = await cli(["list", dir.path]);
  assert.equal(list.code, 2);
  for (const where of Object.values(expected)) assert.ok(list.stdout.includes(where), list.stdout);
});
