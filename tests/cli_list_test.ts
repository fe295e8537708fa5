/**
 * `crystallize list` end to end: one broken module is one error, the other
 * modules are still listed.
 */
import assert from "node:assert/strict";
import { tempDir } from "./temp_dir.ts";
import { join } from "node:path";
import { cli, copyExample, MOD, writeFiles } from "./fixtures/cli/run_cli.ts";

const experimentModule = (name: string, extra = "") =>
  `import { dataSource, Experiment, pipelineStep } from ${JSON.stringify(MOD)};
export const numbers = dataSource(() => 1, { name: "numbers" });
export const same = pipelineStep((d: number) => d, { name: "same" });
export const experiment = new Experiment({ name: "${name}", datasource: numbers(), pipeline: [same()] });
${extra}
`;

Deno.test("list: a module starting an unawaited run, or exiting, fails alone; the others are listed", async () => {
  await using dir = await tempDir("cli-list-isolation");
  await writeFiles(dir.path, {
    "a_good.ts": experimentModule("first"),
    // Top-level code that starts a run nobody awaits: an unhandled rejection in the runner.
    "b_runs.ts": experimentModule("runs", "experiment.run();"),
    "c_good.ts": experimentModule("second"),
    // Top-level code that ends the process: the runner dies with it.
    "d_exits.ts": experimentModule("exits", "Deno.exit(3);"),
    "e_good.ts": experimentModule("third"),
    "f_writes.ts": experimentModule("writes", 'Deno.writeTextFileSync("x.txt", "x");'),
  });
  const listed = await cli(["list", dir.path, "--json"]);
  assert.equal(listed.code, 2, listed.stderr);
  const doc = JSON.parse(listed.stdout);
  assert.deepEqual(doc.experiments.map((e: { name: string }) => e.name), [
    "first",
    "second",
    "third",
  ]);
  const errors = Object.fromEntries(
    doc.errors.map((e: { path: string; message: string }) => [e.path.split("/").at(-1), e.message]),
  );
  assert.deepEqual(Object.keys(errors).sort(), ["b_runs.ts", "d_exits.ts", "f_writes.ts"]);
  assert.match(errors["b_runs.ts"], /experiment\.run\(\) was called .*import\.meta\.main/);
  assert.match(errors["d_exits.ts"], /stopped the sandboxed runner while loading/);
  assert.match(errors["f_writes.ts"], /Requires write access .*list imports modules read-only/);
  assert.doesNotMatch(errors["f_writes.ts"], /run again with the --allow-write flag/);

  const text = await cli(["list", dir.path]);
  assert.doesNotMatch(text.stdout, /could not inspect modules/);
  assert.match(text.stdout, /Errors\n/);
});

Deno.test("list: a graph entry shows the replicates it runs (its producer's), and cli.color is accepted", async () => {
  await using dir = await tempDir("cli-list-graph");
  await copyExample("examples/dag", join(dir.path, "dag"));
  const consumer = join(dir.path, "dag", "consumer", "config.yaml");
  await Deno.writeTextFile(
    consumer,
    `${await Deno.readTextFile(consumer)}cli: { color: "#85C1E9" }\n`,
  );
  const listed = await cli(["list", dir.path, "--json"]);
  assert.equal(listed.code, 0, listed.stdout);
  const byName = Object.fromEntries(
    JSON.parse(listed.stdout).experiments.map((e: { name: string }) => [e.name, e]),
  );
  assert.equal(byName.producer.replicates, 6);
  assert.equal(byName.consumer.kind, "graph");
  assert.equal(byName.consumer.replicates, 6, "the consumer runs as many as the producer's run");
  assert.equal(byName.consumer.color, "#85C1E9");
  const plain = await cli(["list", dir.path]);
  assert.match(plain.stdout, /consumer \(graph\) · 6 replicates/);
});
