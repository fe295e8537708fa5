/**
 * Folder experiments (`Experiment.fromYaml`): bad configs give ConfigErrors
 * whose messages are checked verbatim (file:line:column: what was expected),
 * good configs load and run with the right metrics and hypotheses, including
 * on worker processes configured from `plugins:`.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import {
  ArtifactPlugin,
  ConfigError,
  Experiment,
  FolderExperiment,
  loadRun,
  ParallelExecution,
  PATH_NAME_RULE,
  SeedPlugin,
} from "../mod.ts";
import { DATASOURCES, STEPS, tempTree, VERIFIERS, writeFiles } from "./fixtures/config/folders.ts";

const BASE = `name: demo
replicates: 3
datasource:
  numbers: constant
steps:
  - add_delta
  - total
treatments:
  boost: {delta: 10}
hypotheses:
  - verifier: mean_diff
    metrics: total
`;

const MODULES = { "datasources.ts": DATASOURCES, "steps.ts": STEPS, "verifiers.ts": VERIFIERS };

/**
 * Loads `config` from `<tmp>/demo/` with the standard modules (`files`
 * overrides them; `null` removes one) and returns the ConfigError with the
 * paths messages use.
 */
async function loadError(
  config: string,
  files: Record<string, string | null> = {},
): Promise<{ error: ConfigError; config: string; folder: string; tmp: string }> {
  const all: Record<string, string> = {};
  for (const [name, text] of Object.entries({ ...MODULES, ...files, "config.yaml": config })) {
    if (text !== null) all[`demo/${name}`] = text;
  }
  await using dir = await tempTree("cfg", all);
  const error = await Experiment.fromYaml(dir.at("demo")).then(
    () => assert.fail("the config loaded"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
  return { error, config: dir.at("demo", "config.yaml"), folder: dir.at("demo"), tmp: dir.path };
}

/** Asserts the error's message is exactly `lines`, each prefixed with the config's path. */
async function assertMessage(
  config: string,
  lines: readonly string[],
  files: Record<string, string | null> = {},
): Promise<ConfigError> {
  const { error, config: path } = await loadError(config, files);
  assert.equal(error.message, lines.map((l) => `${path}:${l}`).join("\n"));
  return error;
}

const OUTPUTS = `import { Artifact } from "MOD";
export const model = new Artifact("model.json", { format: "json" });
`;

// ---------------------------------------------------------------- bad configs

Deno.test("bad config: YAML syntax error names the line and column", async () => {
  const error = await assertMessage(BASE.replace("  - add_delta\n", "  - [add_delta\n"), [
    "7:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ]);
  assert.equal(error.line, 7);
  assert.equal(error.column, 3);
  assert.equal(error.file, resolve(error.file));
  assert.match(error.file, /demo\/config\.yaml$/);
});

Deno.test("bad config: a duplicated key and tab indentation are syntax errors", async () => {
  await assertMessage(BASE + "replicates: 4\n", [
    "13:1: YAML syntax error: Map keys must be unique",
  ]);
  await assertMessage(BASE.replace("  numbers: constant", "\tnumbers: constant"), [
    "4:1: YAML syntax error: Tabs are not allowed as indentation",
  ]);
});

Deno.test("bad config: unknown keys get a did-you-mean, or the list of valid keys", async () => {
  await assertMessage(BASE.replace("replicates: 3", "replicate: 3"), [
    "2:1: unknown key 'replicate' at the top level; did you mean 'replicates'?",
  ]);
  await assertMessage(BASE + "cli:\n  group: x\n  colour: red\n  shortcut: s\n", [
    "15:3: unknown key 'colour' in cli; did you mean 'color'?",
    "16:3: unknown key 'shortcut' in cli; expected one of: group, priority, icon, color, hidden",
  ]);
});

Deno.test("bad config: wrong types and ranges name the value found; all problems at once", async () => {
  await assertMessage(
    BASE.replace("replicates: 3", "replicates: three") + "cli:\n  hidden: maybe\n  priority: [1]\n",
    [
      '2:13: replicates must be a whole number, got "three"',
      '14:11: cli.hidden must be true or false, got "maybe"',
      "15:13: cli.priority must be a number, got a list",
    ],
  );
  await assertMessage(BASE.replace("replicates: 3", "replicates: 0"), [
    "2:13: replicates must be a whole number from 1 to 1000000 written in digits, e.g. `replicates: 20`, got 0",
  ]);
  await assertMessage(BASE.replace("name: demo", "name: a#b"), [
    `1:7: name must not contain '#', '/' or '\\', got "a#b"`,
  ]);
});

Deno.test("bad config: schema, parameter and reference problems come in one ConfigError", async () => {
  const steps = STEPS + `export const scaleBy = pipelineStep(
  (data: number[], _ctx, { scale }) => data.map((x) => x * scale),
  { name: "scale_by", params: { scale: 1 } },
);
`;
  const error = await assertMessage(
    "replicate: 3\ndatasource: {n: constant}\nsteps: [{scale_by: {scal: 2}}]\n",
    [
      "1:1: unknown key 'replicate' at the top level; did you mean 'replicates'?",
      "3:21: step 'scale_by' has no parameter 'scal'; did you mean 'scale'? (it declares: scale)",
    ],
    { "steps.ts": steps },
  );
  assert.equal(error.issues.length, 2);
  // An entry the schema refuses is left out of later checks; the others are still checked.
  await assertMessage(
    BASE.replace("boost: {delta: 10}", "boost: 10").replace("- total", "- {total: 1}")
      .replace("- add_delta", "- add_delta: {delt: 2}") +
      "  - verifier: welsh\n    metrics: total\n",
    [
      "6:17: step 'add_delta' has no parameter 'delt'; did you mean 'delta'? (it declares: delta)",
      "7:13: steps[1].total must be a mapping or empty, got 1",
      "9:10: treatments.boost must be a mapping or empty, got 10",
      "13:15: verifier 'welsh' is not exported from verifiers.ts; did you mean 'welch'? (available: mean_diff (export meanDiff), welch, student_t, mann_whitney)",
    ],
  );
});

Deno.test("bad config: a missing required key says what it is for; an empty file is refused", async () => {
  await assertMessage("name: demo\nsteps: [total]\n", [
    "1:1: missing key 'datasource': declare where each replicate's data comes from, e.g. `datasource: { numbers: numbers }` (a factory exported from datasources.ts)",
  ]);
  await assertMessage("", [
    "1:1: config.yaml must be a mapping of keys (datasource, steps, ...), got an empty file",
  ]);
});

Deno.test("bad config: plugins and their options are checked, with suggestions", async () => {
  await assertMessage(
    BASE +
      "plugins:\n  - ParallelExecutor\n  - ParallelExecution: {executorType: proces, maxWorkers: 0}\n  - SeedPlugin: {seed: -1}\n",
    [
      '14:5: plugins[0] must be one of "SerialExecution", "AsyncExecution", "ParallelExecution", "SeedPlugin", "LoggingPlugin", "ArtifactPlugin", got "ParallelExecutor"; did you mean \'ParallelExecution\'?',
      '15:39: plugins[1].ParallelExecution.executorType must be one of "thread", "process", got "proces"; did you mean \'process\'?',
      "15:59: plugins[1].ParallelExecution.maxWorkers must be >= 1, got 0",
      "16:24: plugins[2].SeedPlugin.seed must be >= 0, got -1",
    ],
  );
  await assertMessage(
    BASE +
      "plugins:\n  - AsyncExecution\n  - ParallelExecution\n  - SeedPlugin\n  - SeedPlugin: {seed: 1}\n",
    [
      "15:5: plugins[0] already sets the execution strategy; list one of SerialExecution, AsyncExecution, ParallelExecution, QueueExecution",
      "17:5: plugins[2] and plugins[3] are both SeedPlugin; list it once",
    ],
  );
});

Deno.test("bad config: a step not exported from steps.ts lists what is, with a did-you-mean", async () => {
  await assertMessage(BASE.replace("- add_delta", "- add_detla"), [
    "6:5: step 'add_detla' is not exported from steps.ts; did you mean 'add_delta'? (available: add_delta (export addDelta), total)",
  ]);
  await assertMessage(BASE.replace("numbers: constant", "numbers: constnt"), [
    "4:12: datasource 'constnt' is not exported from datasources.ts; did you mean 'constant'? (available: constant, noisy)",
  ]);
  await assertMessage(BASE.replace("numbers: constant", "numbers: notAFactory"), [
    "4:12: 'notAFactory' in datasources.ts is not a datasource factory (declare it with dataSource(...))",
  ]);
});

Deno.test("bad config: wrong parameter names list the declared ones; wrong types name the default", async () => {
  await assertMessage(BASE.replace("- add_delta", "- add_delta: {delt: 2}"), [
    "6:17: step 'add_delta' has no parameter 'delt'; did you mean 'delta'? (it declares: delta)",
  ]);
  await assertMessage(BASE.replace("- add_delta", "- add_delta: {delta: ten}"), [
    `6:24: step 'add_delta' parameter 'delta' must be a number like its default (0), got "ten"`,
  ]);
  await assertMessage(BASE.replace("numbers: constant", "numbers: {noisy: {centre: 1}}"), [
    "4:21: datasource 'noisy' has no parameter 'centre'; did you mean 'center'? (it declares: center)",
  ]);
  await assertMessage(BASE.replace("verifier: mean_diff", "verifier: {welch: {alpah: 0.01}}"), [
    "11:24: verifier 'welch' has no parameter 'alpah'; did you mean 'alpha'? (it declares: alpha, alternative, metric, confidence, resamples, ciMethod)",
  ]);
  await assertMessage(BASE.replace("- add_delta", "- {add_delta: {delta: 1}, total: null}"), [
    "6:5: steps[0] must have exactly one key, the name, with its parameters under it (got 2: add_delta, total)",
  ]);
});

Deno.test("bad config: a missing or broken module is reported where it is needed, or where it breaks", async () => {
  await assertMessage(BASE, [
    "6:5: steps.ts not found next to config.yaml; create it and export the step factories (export const total = pipelineStep(...))",
  ], { "steps.ts": null });
  const { error, folder, config } = await loadError(BASE, { "steps.ts": "export const x = ;\n" });
  assert.equal(
    error.message,
    `${folder}/steps.ts:1:18: steps.ts could not be imported (config.yaml:6:5 needs it): SyntaxError: Expression expected`,
  );
  assert.equal(error.file, resolve(folder, "steps.ts"));
  assert.notEqual(error.file, resolve(config));
});

Deno.test("bad config: unknown verifiers, duplicate hypotheses, hypotheses without treatments", async () => {
  await assertMessage(BASE.replace("verifier: mean_diff", "verifier: welsh"), [
    "11:15: verifier 'welsh' is not built in (welch, student_t, mann_whitney) and there is no verifiers.ts next to config.yaml to export it from; create verifiers.ts with export const welsh = verifier(...)",
  ], { "verifiers.ts": null });
  await assertMessage(BASE.replace("verifier: mean_diff", "verifier: mean_dif"), [
    "11:15: verifier 'mean_dif' is not exported from verifiers.ts; did you mean 'mean_diff'? (available: mean_diff (export meanDiff), welch, student_t, mann_whitney)",
  ]);
  await assertMessage(BASE + "  - verifier: mean_diff\n    metrics: total\n", [
    "13:5: hypotheses[0] and hypotheses[1] are both named 'mean_diff'; give each a distinct name",
  ]);
  await assertMessage(BASE.replace("treatments:\n  boost: {delta: 10}\n", ""), [
    "8:1: hypotheses compare treatments with the baseline, but no treatment is declared; add one under treatments",
  ]);
  await assertMessage(BASE.replace("metrics: total", "metrics: total\n    rank_by: p value"), [
    "13:14: rank_by 'p value' is neither a function exported from verifiers.ts nor a field of the verifier's output (such as pValue, or -effectSize to rank higher first)",
  ]);
});

Deno.test("bad config: treatments must be mappings without reserved keys", async () => {
  await assertMessage(BASE.replace("boost: {delta: 10}", "boost: 10"), [
    "9:10: treatments.boost must be a mapping or empty, got 10",
  ]);
  await assertMessage(BASE.replace("boost: {delta: 10}", "boost: {replicate: 10}"), [
    "9:3: Treatment 'boost' sets 'replicate', which the framework sets itself; rename the key",
  ]);
});

Deno.test("bad config: references to missing experiments or outputs, and malformed ones", async () => {
  const { error, config, tmp } = await loadError(
    BASE.replace("numbers: constant", "numbers: producer#model"),
  );
  assert.equal(
    error.message,
    `${config}:4:12: datasource 'numbers' reads 'producer#model', but no experiment named 'producer' was found in ${tmp} (experiments there: demo)`,
  );
  await assertMessage(BASE.replace("numbers: constant", "numbers: producer#model#x"), [
    `4:12: datasource 'numbers' is "producer#model#x"; a reference is written experiment#output, e.g. train#model`,
  ]);
});

Deno.test("bad config: outputs are checked against outputs.ts and artifact naming rules", async () => {
  await assertMessage(BASE + "outputs:\n  model: {artifact: modle}\n", [
    "14:21: outputs.ts exports no Artifact 'modle'; did you mean 'model'? (Artifacts there: model)",
  ], { "outputs.ts": OUTPUTS });
  await assertMessage(BASE + "outputs:\n  model: {format: text}\n", [
    `14:19: outputs.model.format is "text", but the Artifact exported as 'model' from outputs.ts has format "json"; remove one of them`,
  ], { "outputs.ts": OUTPUTS });
  await assertMessage(BASE + "outputs:\n  ../x:\n", [
    `14:3: artifact name "../x" cannot be used as a folder or file name: it contains "/"; ${PATH_NAME_RULE}`,
  ]);
});

Deno.test("bad config: permissions must use Deno's descriptor shape", async () => {
  await assertMessage(BASE + "permissions:\n  read: ./data\n  network: true\n", [
    '14:9: permissions.read must be true or false or a list, got "./data"',
    "15:3: unknown key 'network' in permissions; expected one of: read, write, net, env, run, sys, ffi",
  ]);
});

Deno.test("bad config: a missing config.yaml is a ConfigError too", async () => {
  await using dir = await tempTree("cfg", { "readme.txt": "no config here" });
  const error = await Experiment.fromYaml(dir.path).catch((e) => e);
  assert.ok(error instanceof ConfigError);
  assert.equal(
    error.message,
    `${
      dir.at("config.yaml")
    }:1:1: config.yaml not found; a folder experiment is a folder with a config.yaml`,
  );
});

// ---------------------------------------------------------------- good configs

/** Writes the standard modules plus `files` into `<tmp>/demo/` and loads it. */
async function loadGood(
  config: string,
  files: Record<string, string> = {},
): Promise<{ experiment: FolderExperiment; dir: Awaited<ReturnType<typeof tempTree>> }> {
  const all: Record<string, string> = {};
  for (const [name, text] of Object.entries({ ...MODULES, ...files, "config.yaml": config })) {
    all[`demo/${name}`] = text;
  }
  const dir = await tempTree("cfg", all);
  const experiment = await Experiment.fromYaml(dir.at("demo"));
  assert.ok(experiment instanceof FolderExperiment);
  return { experiment, dir };
}

Deno.test("good config: loads, runs serially, gives the right metrics and hypotheses, stores the run", async () => {
  const { experiment, dir } = await loadGood(BASE);
  await using _ = dir;
  const folder = resolve(dir.at("demo"));
  assert.equal(experiment.name, "demo");
  assert.equal(experiment.replicates, 3);
  assert.equal(experiment.folder, folder);
  assert.equal(experiment.configFile, resolve(folder, "config.yaml"));
  assert.equal(experiment.outputDir, resolve(folder, ".crystallize"));
  assert.deepEqual(experiment.cli, {
    group: "Experiments",
    priority: 999,
    icon: "🧪",
    color: null,
    hidden: false,
  });
  assert.ok(experiment.getPlugin(ArtifactPlugin) !== undefined, "folder experiments store runs");
  const result = await experiment.run();
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.metrics.baseline.metrics.total, [6, 6, 6]);
  assert.deepEqual(result.metrics.treatments.boost.metrics.total, [36, 36, 36]);
  const h = result.getHypothesis("mean_diff");
  assert.deepEqual(h?.results.map((r) => [r.treatment, r.diff]), [["boost", 30]]);
  assert.equal(h?.ranking.best, "boost");
  assert.equal(result.outputDir, resolve(folder, ".crystallize", "demo", "v0"));
  const stored = await loadRun(resolve(folder, ".crystallize", "demo"));
  assert.deepEqual(stored.result.metrics.treatments.boost.total, [36, 36, 36]);
});

Deno.test("good config: validate() warns when a step parameter fixed in config.yaml cancels a treatment", async () => {
  await using dir = await tempTree("cfg", {
    "demo/config.yaml": BASE.replace("- add_delta", "- add_delta: {delta: 0}"),
    "demo/datasources.ts": DATASOURCES,
    "demo/steps.ts": STEPS,
    "demo/verifiers.ts": VERIFIERS,
  });
  const experiment = await Experiment.fromYaml(dir.at("demo"));
  assert.deepEqual(experiment.validate(), [{
    treatment: "boost",
    key: "delta",
    message: "treatment 'boost' sets 'delta', but step 'add_delta' fixes it explicitly, so the " +
      `treatment changes nothing; remove delta: 0 from step add_delta in ${
        dir.at("demo", "config.yaml")
      } so the treatment can set it`,
  }]);
  await writeFiles(dir.path, {
    "demo/config.yaml": BASE.replace("boost: {delta: 10}", "boost: {delat: 10}"),
  });
  const typo = await Experiment.fromYaml(dir.at("demo/config.yaml"));
  assert.match(
    typo.validate()[0].message,
    /^treatment 'boost' sets 'delat', .*rename it to 'delta' if that was meant, .* remove it from treatments\.boost in .*demo\/config\.yaml$/,
  );
  await writeFiles(dir.path, { "demo/config.yaml": BASE });
  assert.deepEqual((await Experiment.fromYaml(dir.at("demo"))).validate(), []);
});

Deno.test("good config: the name defaults to the folder's; the config file path works too", async () => {
  const { experiment, dir } = await loadGood(BASE.replace("name: demo\n", ""));
  await using _ = dir;
  assert.equal(experiment.name, "demo");
  const again = await Experiment.fromYaml(dir.at("demo", "config.yaml"));
  assert.equal(again.name, "demo");
});

Deno.test("good config: treatments merge nested values over initial_context; `baseline` sets the baseline", async () => {
  const steps = `import { pipelineStep } from "MOD";
export const score = pipelineStep((data: number[], ctx, { model }) => {
  ctx.metrics.add("score", model.lr * model.depth);
  ctx.metrics.add("width", model.width ?? 0);
  return data;
}, { name: "score", params: { model: { lr: 0, depth: 0 } as { lr: number; depth: number; width?: number } } });
`;
  const { experiment, dir } = await loadGood(
    `datasource: {numbers: constant}
steps: [score]
initial_context:
  model: {lr: 0.5, depth: 2}
treatments:
  baseline: {model: {depth: 3}}
  fast: {model: {lr: 2}}
  wide: {model: {width: 8}}
`,
    { "steps.ts": steps },
  );
  await using _ = dir;
  const result = await experiment.run();
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.metrics.baseline.metrics.score, [1.5]);
  assert.deepEqual(result.metrics.treatments.fast.metrics.score, [4]);
  assert.deepEqual(result.metrics.treatments.wide.metrics.score, [1]);
  assert.deepEqual(result.metrics.treatments.wide.metrics.width, [8]);
});

const COMBINED_STEPS = `import { pipelineStep } from "MOD";
export const sums = pipelineStep((data: { a: number[]; b: number[] }, ctx) => {
  ctx.metrics.add("a", data.a.reduce((x, y) => x + y, 0));
  ctx.metrics.add("b", data.b.reduce((x, y) => x + y, 0) / data.b.length);
  return data;
}, { name: "sums" });
`;

Deno.test("good config: several datasource aliases give {alias: data}; factory params apply", async () => {
  const { experiment, dir } = await loadGood(
    `replicates: 4
datasource:
  a: constant
  b: {noisy: {center: 100}}
steps: [sums]
`,
    { "steps.ts": COMBINED_STEPS },
  );
  await using _ = dir;
  const result = await experiment.run();
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.metrics.baseline.metrics.a, [6, 6, 6, 6]);
  const b = result.metrics.baseline.metrics.b as number[];
  assert.equal(b.length, 4);
  assert.ok(b.every((v) => v > 96 && v < 104), `means near 100: ${b}`);
  assert.equal(new Set(b).size, 4, "each replicate draws its own numbers");
});

Deno.test("good config: rank_by takes an exported function or a verifier field (-field: higher first)", async () => {
  const config = (rankBy: string) =>
    BASE.replace("  boost: {delta: 10}\n", "  boost: {delta: 10}\n  small: {delta: 1}\n")
      .replace("metrics: total", `metrics: total\n    rank_by: ${rankBy}`);
  for (const [rankBy, best] of [["byDiff", "boost"], ["diff", "small"], ["-diff", "boost"]]) {
    const { experiment, dir } = await loadGood(config(rankBy));
    await using _ = dir;
    const h = (await experiment.run()).getHypothesis("mean_diff");
    assert.deepEqual(h?.results.map((r) => r.diff), [30, 3]);
    assert.equal(h?.ranking.best, best, `rank_by ${rankBy}`);
  }
});

Deno.test("good config: outputs from outputs.ts and declared in YAML are stored per replicate", async () => {
  const steps = STEPS + `import { model } from "./outputs.ts";
export const save = pipelineStep((data: number[], ctx) => {
  model.write(ctx, { sum: data.reduce((a, b) => a + b, 0) });
  ctx.artifacts.add("summary.txt", \`n=\${data.length}\`);
  return data;
}, { name: "save" });
`;
  const { experiment, dir } = await loadGood(
    BASE.replace("  - total\n", "  - total\n  - save\n") +
      "outputs:\n  model:\n  summary: {file_name: summary.txt, format: text}\n",
    { "steps.ts": steps, "outputs.ts": OUTPUTS },
  );
  await using _ = dir;
  assert.deepEqual(Object.keys(experiment.outputsByAlias), ["model", "summary"]);
  assert.deepEqual(experiment.outputs.map((o) => [o.name, o.format]), [
    ["model.json", "json"],
    ["summary.txt", "text"],
  ]);
  const result = await experiment.run();
  assert.deepEqual(result.errors, []);
  const boost = result.artifacts["model.json"].boost;
  assert.equal(boost.length, 3);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(boost[0]!)), { sum: 36 });
  assert.equal(await Deno.readTextFile(result.artifacts["summary.txt"].baseline[2]!), "n=3");
});

Deno.test("good config: process workers from plugins rebuild the folder's factories; metrics equal serial", async () => {
  const config = (execution: string) =>
    `replicates: 6
datasource:
  a: constant
  b: {noisy: {center: 5}}
steps: [sums]
plugins:
  - SeedPlugin: {seed: 99}
  - ${execution}
`;
  const files = { "steps.ts": COMBINED_STEPS };
  const parallel = await loadGood(
    config("ParallelExecution: {executorType: process, maxWorkers: 2}"),
    files,
  );
  await using _p = parallel.dir;
  const serial = await loadGood(config("SerialExecution"), files);
  await using _s = serial.dir;
  assert.equal(parallel.experiment.getPlugin(SeedPlugin)?.seed, 99);
  const [p, s] = [await parallel.experiment.run(), await serial.experiment.run()];
  assert.deepEqual(p.errors, []);
  assert.equal(p.provenance.executionStrategy, "process(maxWorkers=2)");
  assert.deepEqual(p.metrics.baseline.metrics, s.metrics.baseline.metrics);
  assert.deepEqual(p.metrics.baseline.metrics.a, [6, 6, 6, 6, 6, 6]);
});

Deno.test("good config: permissions resolve against the folder and scope process workers", async () => {
  const steps = `import { pipelineStep } from "MOD";
export const readOutside = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("chars", Deno.readTextFileSync(new URL("../outside.txt", import.meta.url)).length);
  return data;
}, { name: "read_outside" });
`;
  const config = (permissions: string) =>
    `datasource: {numbers: constant}
steps: [read_outside]
plugins:
  - ParallelExecution: {executorType: process, maxWorkers: 1}
  - LoggingPlugin: {level: silent}
${permissions}`;
  const denied = await loadGood(config(""), { "steps.ts": steps, "../outside.txt": "hello" });
  await using _d = denied.dir;
  const result = await denied.experiment.run();
  assert.equal(result.errors.length, 1);
  assert.match(result.errors[0].message, /Requires read access to ".*outside\.txt"/);

  const granted = await loadGood(
    config("permissions:\n  read: [../outside.txt]\n  net: [127.0.0.1:9]\n"),
    { "steps.ts": steps, "../outside.txt": "hello" },
  );
  await using _g = granted.dir;
  const outside = resolve(granted.dir.path, "outside.txt");
  assert.deepEqual(granted.experiment.permissions, { read: [outside], net: ["127.0.0.1:9"] });
  assert.deepEqual(granted.experiment.getPlugin(ParallelExecution)?.permissions, {
    read: [outside],
    net: ["127.0.0.1:9"],
  });
  const ok = await granted.experiment.run();
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.metrics.baseline.metrics.chars, [5]);
});

Deno.test("good config: producer#output reads a sibling experiment's stored artifact", async () => {
  const producerSteps = STEPS + `import { model } from "./outputs.ts";
export const save = pipelineStep((data: number[], ctx) => {
  model.write(ctx, data);
  return data;
}, { name: "save" });
`;
  const consumerSteps = `import { pipelineStep } from "MOD";
export const read = pipelineStep((data: { m: number[] }, ctx) => {
  ctx.metrics.add("sum", data.m.reduce((a, b) => a + b, 0));
  return data;
}, { name: "read" });
`;
  await using dir = await tempTree("cfg", {
    "producer/config.yaml":
      "replicates: 2\ndatasource: {n: constant}\nsteps: [add_delta, save]\noutputs:\n  m: {artifact: model}\ntreatments:\n  up: {delta: 1}\n",
    "producer/datasources.ts": DATASOURCES,
    "producer/steps.ts": producerSteps,
    "producer/outputs.ts": OUTPUTS,
    "consumer/config.yaml": "datasource:\n  m: producer#m\nsteps: [read]\ntreatments:\n  up: {}\n",
    "consumer/steps.ts": consumerSteps,
    "wrong/config.yaml": "datasource:\n  m: producer#model\nsteps: [read]\n",
    "wrong/steps.ts": consumerSteps,
  });
  await (await Experiment.fromYaml(dir.at("producer"))).run();
  const consumer = await Experiment.fromYaml(dir.at("consumer"));
  assert.deepEqual((consumer as FolderExperiment).references, { m: "producer#m" });
  const result = await consumer.run();
  assert.deepEqual(result.errors, []);
  assert.equal(result.provenance.replicates, 2, "replicates follow the producer's run");
  assert.deepEqual(result.metrics.baseline.metrics.sum, [6, 6]);
  assert.deepEqual(result.metrics.treatments.up.metrics.sum, [9, 9]);

  const error = await Experiment.fromYaml(dir.at("wrong")).catch((e) => e);
  assert.ok(error instanceof ConfigError);
  assert.equal(
    error.message,
    `${
      dir.at("wrong", "config.yaml")
    }:2:6: datasource 'm' reads 'producer#model', but experiment 'producer' declares no output 'model' (its outputs: m)`,
  );
});

Deno.test("loading without the env permission the YAML parser needs names the flag to add", async () => {
  // An anchor: beyond the plain YAML read without the parser (yaml_subset.ts).
  const config = (await Deno.readTextFile("examples/folder_experiment/config.yaml"))
    .replace("replicates: 12", "replicates: &twelve 12");
  await using dir = await tempTree("cfg", {
    "config.yaml": config,
    "datasources.ts": await Deno.readTextFile("examples/folder_experiment/datasources.ts"),
    "steps.ts": await Deno.readTextFile("examples/folder_experiment/steps.ts"),
    "verifiers.ts": await Deno.readTextFile("examples/folder_experiment/verifiers.ts"),
  });
  const run = (flags: string[], folder: string) =>
    new Deno.Command("deno", {
      args: ["run", "--allow-read=.", ...flags, "tests/fixtures/config/load_example.ts", folder],
    }).output().then((o) => new TextDecoder().decode(o.stdout).trim());
  assert.equal(
    await run([], dir.path),
    `CrystallizeError: Reading ${
      resolve(dir.at("config.yaml"))
    } needs --allow-env=LOG_TOKENS,LOG_STREAM: the YAML parser (npm yaml) checks these debugging variables; add the flag to the deno command or task`,
  );
  assert.equal(await run(["--allow-env=LOG_TOKENS,LOG_STREAM"], dir.path), "smoothing");
  // Plain YAML is read without the parser, so without the permission too.
  assert.equal(await run([], "examples/folder_experiment"), "smoothing");
});
