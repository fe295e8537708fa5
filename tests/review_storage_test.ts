/**
 * Review findings on stored runs and experiment inputs, with real runs on
 * disk under .test-tmp.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ExperimentGraph } from "../mod.ts";
import { evaluate, train } from "./fixtures/storage/experiments.ts";
import { tempDir } from "./temp_dir.ts";

Deno.test("ExperimentInput: a lost artifact of a condition the producer ran fails that replicate, never reads the baseline's", async () => {
  await using dir = await tempDir("review-input-lost");
  const upstream = await train(dir.path).run();
  const lost = upstream.artifacts["model.json"].doubled[1]!;
  await Deno.remove(lost);
  const result = await evaluate(dir.path).run();
  const failed = result.errors.map((e) => `${e.condition}/${e.replicate}`);
  assert.deepEqual(failed, ["doubled/1"], "only the replicate whose input is gone fails");
  assert.match(result.errors[0].message, /stored no artifact 'model\.json' for replicate 1/);
  assert.ok(result.errors[0].message.includes(lost), "the message names the missing file");
  // A condition the producer never ran still reads the baseline's copy.
  assert.equal(result.metrics.treatments.only_downstream.metrics.weight.length, 3);
  assert.ok(!JSON.stringify(result.metrics).includes("null"));
  await Deno.stat(join(dir.path, "train")); // the producer's store is untouched
});

Deno.test("graph resume: a producer whose stored artifact file was lost is not skipped; the consumer gets it back", async () => {
  await using dir = await tempDir("review-graph-lost");
  const graph = () => new ExperimentGraph([train(dir.path), evaluate(dir.path)]);
  const first = await graph().run();
  await Deno.remove(first.train.artifacts["model.json"].doubled[2]!);
  const events: string[] = [];
  const again = await graph().run({
    strategy: "resume",
    onEvent: (e) => {
      if (e.type.startsWith("experiment-")) events.push(`${e.type} ${e.experiment}`);
    },
  });
  assert.ok(!events.includes("experiment-skipped train"), events.join(", "));
  assert.deepEqual(again.evaluate.errors, []);
  assert.deepEqual(again.evaluate.metrics, first.evaluate.metrics);
  const restored = again.train.artifacts["model.json"].doubled[2]!;
  assert.ok(Deno.statSync(restored).isFile, "the producer's new version has the file again");
});

Deno.test("resume: a reused replicate whose artifact file was lost is computed again (the run does not fail)", async () => {
  await using dir = await tempDir("review-resume-lost");
  const first = await train(dir.path).run();
  await Deno.remove(first.artifacts["model.json"].baseline[0]!);
  const resumed = await train(dir.path).run({ strategy: "resume" });
  assert.deepEqual(resumed.errors, []);
  assert.deepEqual(resumed.metrics, first.metrics);
  assert.deepEqual(resumed.provenance.stored?.reused, { baseline: 2, doubled: 3 });
  const again = resumed.artifacts["model.json"].baseline[0]!;
  assert.equal(JSON.parse(Deno.readTextFileSync(again)).replicate, 0, "the lost file is back");
});
