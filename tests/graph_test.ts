/**
 * ExperimentGraph: dependency order, upstream artifacts feeding downstream
 * inputs, treatment inheritance, resume skipping complete and unchanged
 * experiments, failure isolation, and the errors for cycles and missing
 * experiments or artifacts — built in code and from folder trees.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import {
  Artifact,
  ArtifactPlugin,
  ConfigError,
  dataSource,
  Experiment,
  ExperimentGraph,
  ExperimentInput,
  GraphError,
  type GraphEvent,
  GraphRunError,
  hypothesis,
  LoggingPlugin,
  pipelineStep,
  SeedPlugin,
  stats,
  treatment,
} from "../mod.ts";
import { DATASOURCES, STEPS, tempTree, writeFiles } from "./fixtures/config/folders.ts";

export const constant = dataSource(() => [1, 2, 3], { name: "constant" });
export const drawn = dataSource((ctx) => [ctx.rng.random(), ctx.rng.random()], { name: "drawn" });
export const nums = new Artifact<number[]>("nums.json", { format: "json" });

/** Multiplies by `factor`, records the sum, stores the numbers as `nums.json`. */
export const scale = pipelineStep((data: number[], ctx, { factor }) => {
  const out = data.map((x) => x * factor);
  ctx.metrics.add("sum", out.reduce((a, b) => a + b, 0));
  nums.write(ctx, out);
  return out;
}, { name: "scale", params: { factor: 1 } });

/** Sums the upstream numbers plus `offset`. */
export const readSum = pipelineStep((data: { nums: number[] }, ctx, { offset }) => {
  ctx.metrics.add("sum", data.nums.reduce((a, b) => a + b, 0) + offset);
  return data;
}, { name: "read_sum", params: { offset: 0 } });

/** Waits `ms` (so independent experiments visibly overlap), then records 1. */
export const wait = pipelineStep(async (data: number[], ctx, { ms }) => {
  await new Promise((r) => setTimeout(r, ms));
  ctx.metrics.add("done", 1);
  return data;
}, { name: "wait", params: { ms: 30 } });

const quiet = () => new LoggingPlugin({ level: "silent" });

function producer(root: string, options: { factor?: number; seed?: number } = {}): Experiment {
  return Experiment.builder("producer")
    .datasource(constant())
    .addStep(scale())
    .outputs([nums])
    .treatments([treatment("double", { factor: options.factor ?? 2 })])
    .plugins([new ArtifactPlugin({ root }), new SeedPlugin({ seed: options.seed ?? 1 }), quiet()])
    .replicates(3)
    .build();
}

function consumer(root: string, upstream: Experiment, offset = 0): Experiment {
  return Experiment.builder("consumer")
    .datasource(new ExperimentInput({ nums: upstream.output("nums.json") }))
    .addStep(readSum({ offset }))
    .hypotheses([hypothesis({ name: "bigger", verifier: stats.welch(), metrics: "sum" })])
    .plugins([new ArtifactPlugin({ root }), new SeedPlugin({ seed: 2 }), quiet()])
    .build();
}

function nodeEvents(events: GraphEvent[]): string[] {
  return events.filter((e) => e.type.startsWith("experiment-")).map((e) =>
    `${e.type.slice("experiment-".length)} ${e.experiment}`
  );
}

Deno.test("graph in code: producers run first; downstream reads their artifacts per condition; treatments flow down", async () => {
  await using dir = await tempTree("graph", {});
  const root = dir.at("out");
  const up = producer(root);
  const down = consumer(root, up);
  const graph = new ExperimentGraph([down, up]);
  assert.deepEqual(graph.order, ["producer", "consumer"]);
  assert.equal(graph.name, "consumer");
  assert.deepEqual(graph.edges, [{ from: "producer", to: "consumer", artifact: "nums.json" }]);
  assert.deepEqual(graph.treatmentsOf("consumer").map((t) => t.name), ["double"]);
  assert.equal(
    graph.toString(),
    "Dependencies:\n  producer -> consumer (nums.json)\nExecution order: producer -> consumer",
  );
  const events: GraphEvent[] = [];
  const results = await graph.run({ onEvent: (e) => events.push(e) });
  assert.deepEqual(Object.keys(results), ["producer", "consumer"]);
  assert.deepEqual(nodeEvents(events), [
    "started producer",
    "finished producer",
    "started consumer",
    "finished consumer",
  ]);
  assert.ok(events.some((e) => e.type === "run-started" && e.experiment === "consumer"));
  const c = results.consumer;
  assert.deepEqual(c.errors, []);
  assert.equal(c.provenance.replicates, 3);
  assert.deepEqual(c.metrics.baseline.metrics.sum, [6, 6, 6]);
  assert.deepEqual(c.metrics.treatments.double.metrics.sum, [12, 12, 12]);
  assert.equal(c.getHypothesis("bigger")?.ranking.best, "double");
});

Deno.test("graph errors: cycles are reported with the path of names", async () => {
  await using dir = await tempTree("graph", {});
  const root = dir.at("out");
  const reading = (name: string, from: string) =>
    Experiment.builder(name)
      .datasource(new ExperimentInput({ x: { experiment: from, artifact: "nums.json", root } }))
      .addStep(readSum())
      .outputs([nums])
      .plugins([new ArtifactPlugin({ root })])
      .build();
  assert.throws(
    () => new ExperimentGraph([reading("a", "b"), reading("b", "a")]),
    (e: unknown) =>
      e instanceof GraphError &&
      e.message ===
        "Experiment graph has a cycle: a -> b -> a; an experiment cannot read its own outputs, directly or through others",
  );
  assert.throws(
    () => new ExperimentGraph([reading("a", "c"), reading("b", "a"), reading("c", "b")]),
    /^GraphError: Experiment graph has a cycle: a -> b -> c -> a;/,
  );
});

Deno.test("graph errors: missing experiments, undeclared artifacts, producers that store nothing, wrong roots, twin names", async () => {
  await using dir = await tempTree("graph", {});
  const root = dir.at("out");
  const up = producer(root);
  const reads = (ref: ConstructorParameters<typeof ExperimentInput>[0]) =>
    Experiment.builder("consumer").datasource(new ExperimentInput(ref)).addStep(readSum())
      .plugins([new ArtifactPlugin({ root })]).build();
  const expectMessage = (experiments: Experiment[], message: string) =>
    assert.throws(
      () => new ExperimentGraph(experiments),
      (e: unknown) => e instanceof GraphError && e.message === message,
    );
  expectMessage(
    [reads({ nums: { experiment: "prodcer", artifact: "nums.json", root } })],
    "experiment 'consumer' reads 'prodcer#nums.json', but the graph has no experiment 'prodcer' (it has: consumer); add it to the graph",
  );
  expectMessage(
    [up, reads({ nums: { experiment: "producer", artifact: "model.json", root } })],
    "experiment 'consumer' reads 'producer#model.json', but 'producer' declares no output 'model.json' (it declares: nums.json); declare it in its outputs",
  );
  const storesNothing = Experiment.builder("producer").datasource(constant()).addStep(scale())
    .outputs([nums]).build();
  expectMessage(
    [storesNothing, reads({ nums: { experiment: "producer", artifact: "nums.json", root } })],
    "experiment 'consumer' reads 'producer#nums.json', but 'producer' stores no runs; add new ArtifactPlugin() to its plugins",
  );
  const elsewhere = join(Deno.cwd(), dir.at("elsewhere"));
  expectMessage(
    [up, reads({ nums: { experiment: "producer", artifact: "nums.json", root: elsewhere } })],
    `experiment 'consumer' reads 'producer#nums.json' from ${elsewhere}/producer, but 'producer' stores its runs in ${
      join(Deno.cwd(), root)
    }/producer; build the input from the producer (new ExperimentInput({ x: producer.output("nums.json") })) or give it that root`,
  );
  expectMessage(
    [up, producer(root)],
    "two experiments are named 'producer'; names must be unique in a graph (they name stored runs and references)",
  );
});

Deno.test("graph resume: complete, unchanged experiments are skipped; a change re-runs it and everything downstream", async () => {
  await using dir = await tempTree("graph", {});
  const root = dir.at("out");
  const first = await new ExperimentGraph([producer(root), consumer(root, producer(root))]).run();

  const events: GraphEvent[] = [];
  const again = await new ExperimentGraph([producer(root), consumer(root, producer(root))])
    .run({ strategy: "resume", onEvent: (e) => events.push(e) });
  assert.deepEqual(nodeEvents(events), ["skipped producer", "skipped consumer"]);
  assert.deepEqual(again.consumer.metrics, first.consumer.metrics);
  assert.equal(
    resolve(again.consumer.outputDir!),
    resolve(first.consumer.outputDir!),
    "no new version is stored",
  );
  assert.equal(again.consumer.getHypothesis("bigger")?.ranking.best, "double");

  events.length = 0;
  const changedUp = producer(root, { factor: 3 });
  const rerun = await new ExperimentGraph([changedUp, consumer(root, changedUp)])
    .run({ strategy: "resume", onEvent: (e) => events.push(e) });
  assert.deepEqual(nodeEvents(events), [
    "started producer",
    "finished producer",
    "started consumer",
    "finished consumer",
  ]);
  assert.deepEqual(rerun.consumer.metrics.treatments.double.metrics.sum, [18, 18, 18]);

  events.length = 0;
  const onlyDown = await new ExperimentGraph([
    producer(root, { factor: 3 }),
    consumer(root, producer(root, { factor: 3 }), 100),
  ]).run({ strategy: "resume", onEvent: (e) => events.push(e) });
  assert.deepEqual(nodeEvents(events), [
    "skipped producer",
    "started consumer",
    "finished consumer",
  ]);
  assert.deepEqual(onlyDown.consumer.metrics.baseline.metrics.sum, [106, 106, 106]);
});

// What `save` writes comes from this list, not from its own code (as when a step calls a helper
// of another module): adding an output changes no code hash the pipeline signature sees.
const one = new Artifact<number[]>("one.json", { format: "json" });
const two = new Artifact<number[]>("two.json", { format: "json" });
const written: Artifact<number[]>[] = [];
export const save = pipelineStep((data: number[], ctx) => {
  for (const artifact of written) artifact.write(ctx, data);
  return data;
}, { name: "save" });
/** Sums every upstream artifact it reads. */
export const sumInputs = pipelineStep((data: Record<string, number[]>, ctx) => {
  ctx.metrics.add("sum", Object.values(data).flat().reduce((a, b) => a + b, 0));
  return data;
}, { name: "sum_inputs" });

Deno.test("graph resume: a producer that declares a new output is recomputed, not resumed from stale replicates", async () => {
  await using dir = await tempTree("graph", {});
  const root = dir.at("out");
  const graph = (outputs: Artifact<number[]>[]) => {
    written.splice(0, written.length, ...outputs);
    const a = Experiment.builder("a").datasource(constant()).addStep(save()).outputs(outputs)
      .plugins([new ArtifactPlugin({ root }), new SeedPlugin({ seed: 1 }), quiet()])
      .replicates(2).build();
    const reads = Object.fromEntries(outputs.map((o) => [o.name.split(".")[0], a.output(o.name)]));
    const b = Experiment.builder("b").datasource(new ExperimentInput(reads)).addStep(sumInputs())
      .plugins([new ArtifactPlugin({ root }), new SeedPlugin({ seed: 2 }), quiet()])
      .replicates(2).build();
    return new ExperimentGraph([a, b]);
  };
  const first = await graph([one]).run();
  assert.deepEqual(first.b.metrics.baseline.metrics.sum, [6, 6]);

  const events: GraphEvent[] = [];
  const again = await graph([one, two]).run({
    strategy: "resume",
    onEvent: (e) => events.push(e),
  });
  assert.deepEqual(nodeEvents(events), ["started a", "finished a", "started b", "finished b"]);
  assert.deepEqual(again.b.errors, []);
  assert.deepEqual(again.a.provenance.stored?.reused, {}, "no stored replicate lacks two.json");
  assert.equal(again.a.artifacts["two.json"].baseline.filter((f) => f !== null).length, 2);
  assert.deepEqual(again.b.metrics.baseline.metrics.sum, [12, 12]);
});

Deno.test("graph run twice in one process: the downstream reads the producer's new run", async () => {
  await using dir = await tempTree("graph", {});
  const root = dir.at("out");
  const up = Experiment.builder("producer").datasource(drawn()).addStep(scale()).outputs([nums])
    .plugins([new ArtifactPlugin({ root }), quiet()]).replicates(2).build();
  const graph = new ExperimentGraph([up, consumer(root, up)]);
  const a = await graph.run({ strategy: "rerun", seed: 1 });
  const b = await graph.run({ strategy: "rerun", seed: 2 });
  assert.notDeepEqual(
    a.producer.metrics.baseline.metrics.sum,
    b.producer.metrics.baseline.metrics.sum,
  );
  assert.deepEqual(
    a.consumer.metrics.baseline.metrics.sum,
    a.producer.metrics.baseline.metrics.sum,
  );
  assert.deepEqual(
    b.consumer.metrics.baseline.metrics.sum,
    b.producer.metrics.baseline.metrics.sum,
  );
});

Deno.test("graph failures: a failing experiment stops only what depends on it", async () => {
  await using dir = await tempTree("graph", {});
  const root = dir.at("out");
  const broken = Experiment.builder("producer").datasource(constant()).addStep(scale())
    .outputs([nums]).treatments([treatment("double", { factor: 2 })])
    .hypotheses([hypothesis({ name: "h", verifier: stats.welch(), metrics: "missing" })])
    .plugins([new ArtifactPlugin({ root }), quiet()]).build();
  const independent = Experiment.builder("independent").datasource(constant()).addStep(wait())
    .plugins([quiet()]).build();
  const error = await new ExperimentGraph([broken, consumer(root, broken), independent]).run()
    .catch((e) => e);
  assert.ok(error instanceof GraphRunError);
  assert.deepEqual(Object.keys(error.results), ["independent"]);
  assert.deepEqual(Object.keys(error.failures).sort(), ["consumer", "producer"]);
  assert.equal(error.failures.producer.name, "MissingMetricError");
  assert.equal(
    error.failures.consumer.message,
    "not run: experiment 'producer', which it reads from, failed",
  );
  assert.match(
    error.message,
    /^Experiment graph run failed:\n {2}- producer: Hypothesis 'h' needs metric 'missing'/,
  );
});

Deno.test("graph concurrency: independent experiments overlap unless concurrency is 1", async () => {
  const make = (name: string) =>
    Experiment.builder(name).datasource(constant()).addStep(wait({ ms: 40 })).plugins([quiet()])
      .build();
  const graph = new ExperimentGraph([make("a"), make("b")]);
  assert.equal(graph.name, "ExperimentGraph");
  const together: GraphEvent[] = [];
  await graph.run({ onEvent: (e) => together.push(e) });
  // Both start before either finishes; which of two equal waits ends first is the scheduler's call.
  const overlapped = nodeEvents(together);
  assert.deepEqual(overlapped.slice(0, 2), ["started a", "started b"]);
  assert.deepEqual(overlapped.slice(2).sort(), ["finished a", "finished b"]);
  const oneByOne: GraphEvent[] = [];
  await graph.run({ concurrency: 1, onEvent: (e) => oneByOne.push(e) });
  assert.deepEqual(nodeEvents(oneByOne), ["started a", "finished a", "started b", "finished b"]);
});

Deno.test("graph options: treatments by name apply across the graph; replicates override every experiment", async () => {
  await using dir = await tempTree("graph", {});
  const root = dir.at("out");
  const up = producer(root);
  const graph = new ExperimentGraph([up, consumer(root, up)]);
  const baselineOnly = await graph.run({ treatments: [], replicates: 2 });
  assert.deepEqual(Object.keys(baselineOnly.consumer.metrics.treatments), []);
  assert.deepEqual(baselineOnly.consumer.hypotheses, []);
  assert.equal(baselineOnly.producer.provenance.replicates, 2);
  assert.equal(baselineOnly.consumer.provenance.replicates, 2);
  const picked = await graph.run({ treatments: ["double"] });
  assert.deepEqual(picked.consumer.metrics.treatments.double.metrics.sum, [12, 12, 12]);
  await assert.rejects(
    () => graph.run({ treatments: ["tripple"] }),
    (e: unknown) =>
      e instanceof GraphError &&
      e.message === "unknown treatment 'tripple'; the graph's experiments have 'double'",
  );
});

const PRODUCER_STEPS = STEPS + `import { model } from "./outputs.ts";
export const save = pipelineStep((data: number[], ctx) => {
  model.write(ctx, data);
  return data;
}, { name: "save" });
`;
const PRODUCER_OUTPUTS = `import { Artifact } from "MOD";
export const model = new Artifact("model.json", { format: "json" });
`;
const CONSUMER_STEPS = `import { pipelineStep } from "MOD";
export const read = pipelineStep((data: { m: number[] }, ctx) => {
  ctx.metrics.add("sum", data.m.reduce((a, b) => a + b, 0));
  return data;
}, { name: "read" });
`;

function producerFolder(prefix: string, name = "producer"): Record<string, string> {
  return {
    [`${prefix}/config.yaml`]: `name: ${name}
replicates: 2
datasource: {n: constant}
steps: [add_delta, save]
outputs:
  m: {artifact: model}
treatments:
  up: {delta: 1}
`,
    [`${prefix}/datasources.ts`]: DATASOURCES,
    [`${prefix}/steps.ts`]: PRODUCER_STEPS,
    [`${prefix}/outputs.ts`]: PRODUCER_OUTPUTS,
  };
}

function consumerFolder(prefix: string, reads = "producer#m"): Record<string, string> {
  return {
    [`${prefix}/config.yaml`]: `datasource:\n  m: ${reads}\nsteps: [read]\n`,
    [`${prefix}/steps.ts`]: CONSUMER_STEPS,
  };
}

Deno.test("graph from a folder tree: every config.yaml below, references by name, run in order", async () => {
  await using dir = await tempTree("graph", {
    ...producerFolder("exps/a/producer"),
    ...consumerFolder("exps/b/consumer"),
    "exps/other/config.yaml": "name: other\ndatasource: {n: constant}\nsteps: [total]\n",
    "exps/other/datasources.ts": DATASOURCES,
    "exps/other/steps.ts": STEPS,
    "exps/node_modules/pkg/config.yaml": "not: an experiment\n",
    "exps/.hidden/config.yaml": "not: an experiment\n",
  });
  const graph = await ExperimentGraph.fromYaml(dir.at("exps"));
  assert.deepEqual([...graph.experiments.keys()], ["producer", "consumer", "other"]);
  assert.deepEqual(graph.edges, [{ from: "producer", to: "consumer", artifact: "model.json" }]);
  const events: GraphEvent[] = [];
  const results = await graph.run({ onEvent: (e) => events.push(e) });
  assert.deepEqual(results.consumer.metrics.baseline.metrics.sum, [6, 6]);
  assert.deepEqual(results.consumer.metrics.treatments.up.metrics.sum, [9, 9]);
  assert.deepEqual(results.other.metrics.baseline.metrics.total, [6]);
  const resumed: GraphEvent[] = [];
  await (await ExperimentGraph.fromYaml(dir.at("exps"))).run({
    strategy: "resume",
    onEvent: (e) => resumed.push(e),
  });
  // "other" is independent, so it may be checked before or after the consumer.
  const skipped = nodeEvents(resumed);
  assert.deepEqual([...skipped].sort(), ["skipped consumer", "skipped other", "skipped producer"]);
  assert.ok(skipped.indexOf("skipped producer") < skipped.indexOf("skipped consumer"));
});

Deno.test("graph from one experiment: it and what it reads, not its unrelated siblings", async () => {
  await using dir = await tempTree("graph", {
    ...producerFolder("dag/producer"),
    ...consumerFolder("dag/consumer"),
    "dag/broken/config.yaml": "steps: [x]\n",
  });
  const graph = await ExperimentGraph.fromYaml(dir.at("dag", "consumer"));
  assert.deepEqual(graph.order, ["producer", "consumer"]);
  const results = await graph.run();
  assert.deepEqual(results.consumer.metrics.treatments.up.metrics.sum, [9, 9]);
});

Deno.test("graph from folders: every config's problems in one ConfigError; cycles with their path", async () => {
  await using dir = await tempTree("graph", {
    ...producerFolder("exps/a", "twin"),
    ...producerFolder("exps/b", "twin"),
    ...consumerFolder("exps/c", "nobody#m"),
    "exps/d/config.yaml": "datasource: {n: constant}\nsteps: [total]\nreplicate: 2\n",
  });
  const error = await ExperimentGraph.fromYaml(dir.at("exps")).catch((e) => e);
  assert.ok(error instanceof ConfigError);
  assert.equal(
    error.message,
    [
      `${dir.at("exps/b/config.yaml")}:1:7: experiment name 'twin' is also used by ${
        dir.at("exps/a/config.yaml")
      }; names must be unique (they name stored runs and references)`,
      `${
        dir.at("exps/c/config.yaml")
      }:2:6: datasource 'm' reads 'nobody#m', but no experiment named 'nobody' was found under ${
        dir.at("exps")
      } (experiments there: twin, twin, c)`,
      // A schema problem does not hide the others of the same file.
      `${
        dir.at("exps/d/config.yaml")
      }:1:17: datasources.ts not found next to config.yaml; create it and export the datasource factories (export const numbers = dataSource(...))`,
      `${
        dir.at("exps/d/config.yaml")
      }:2:9: steps.ts not found next to config.yaml; create it and export the step factories (export const total = pipelineStep(...))`,
      `${
        dir.at("exps/d/config.yaml")
      }:3:1: unknown key 'replicate' at the top level; did you mean 'replicates'?`,
    ].join("\n"),
  );

  await writeFiles(dir.path, {
    "cycle/a/config.yaml": "datasource:\n  m: b#m\nsteps: [read]\noutputs:\n  m:\n",
    "cycle/a/steps.ts": CONSUMER_STEPS,
    "cycle/b/config.yaml": "datasource:\n  m: a#m\nsteps: [read]\noutputs:\n  m:\n",
    "cycle/b/steps.ts": CONSUMER_STEPS,
  });
  await assert.rejects(
    () => ExperimentGraph.fromYaml(dir.at("cycle")),
    (e: unknown) =>
      e instanceof GraphError &&
      e.message ===
        "Experiment graph has a cycle: a -> b -> a; an experiment cannot read its own outputs, directly or through others",
  );
});
