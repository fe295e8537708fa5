/**
 * Names that become paths (experiments, treatments, artifacts, steps, stored
 * records) can never put anything outside their folder: hostile names are
 * refused where they are defined, or encoded, and the code that builds paths
 * checks the result. Each test writes under an `outer` folder and checks from
 * outside that nothing landed beside the output root.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import {
  Artifact,
  ArtifactPlugin,
  ConfigError,
  dataSource,
  Experiment,
  ExperimentInput,
  LoggingPlugin,
  PATH_NAME_RULE,
  PathEscapeError,
  PathNameError,
  pathNameProblem,
  pipelineStep,
  SeedPlugin,
  treatment,
} from "../mod.ts";
import { StepCache } from "../src/cache/step_cache.ts";
import { joinInside } from "../src/storage/join_inside.ts";
import { artifactPath, experimentDir, versionDir } from "../src/storage/run_layout.ts";
import { safeName } from "../src/storage/safe_name.ts";
import { train } from "./fixtures/storage/experiments.ts";
import { tempTree } from "./fixtures/config/folders.ts";
import { tempDir } from "./temp_dir.ts";

/** Names that must never become a path as they are. */
const HOSTILE = ["../x", "a/../../b", "/abs", "..", ".", "C:\\x", "nul\0byte", "new\nline", ""];

/** Every file and folder below `dir`, relative to it. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of Deno.readDirSync(d)) {
      out.push(`${prefix}${e.name}`);
      if (e.isDirectory) walk(join(d, e.name), `${prefix}${e.name}/`);
    }
  };
  walk(dir, "");
  return out.sort();
}

/** Asserts that everything below `outer` is `root` or inside it. */
function assertOnlyInside(outer: string, root: string): void {
  const rootName = resolve(root).slice(resolve(outer).length + 1);
  const stray = tree(outer).filter((p) => p !== rootName && !p.startsWith(`${rootName}/`));
  assert.deepEqual(stray, [], `written outside ${root}`);
}

const numbers = dataSource(() => [1, 2, 3], { name: "numbers" });
const total = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
  return data;
}, { name: "total" });
const quiet = () => new LoggingPlugin({ sink: () => {} });

Deno.test("path names: the rule refuses separators, dot names, control characters, reserved characters and long names", () => {
  for (const name of HOSTILE) assert.notEqual(pathNameProblem(name), undefined, name);
  for (
    const name of [" lead", "trail ", "a:b", "a*b", "q?", 'quo"te', "<a>", "a|b", "\t", "\u0085"]
  ) {
    assert.notEqual(pathNameProblem(name), undefined, JSON.stringify(name));
  }
  assert.match(pathNameProblem("é".repeat(101))!, /202 bytes/);
  for (
    const name of ["boost_total", "model.json", "lr=0.1", "my experiment", "étude", "...", "a.b-c"]
  ) {
    assert.equal(pathNameProblem(name), undefined, name);
  }
  assert.equal(pathNameProblem("x".repeat(200)), undefined);
});

Deno.test("path names: treatments with hostile names are refused when defined, naming the treatment and the rule", () => {
  for (const name of HOSTILE.filter((n) => n.trim() !== "")) {
    assert.throws(() => treatment(name, { delta: 1 }), (e: Error) => {
      assert.ok(e instanceof PathNameError, `${JSON.stringify(name)}: ${e.name}`);
      assert.ok(e.message.startsWith(`treatment name ${JSON.stringify(name)} cannot be used`));
      assert.ok(e.message.endsWith(PATH_NAME_RULE));
      return true;
    });
  }
  assert.throws(() => treatment("", {}), /non-empty name/);
  assert.equal(treatment("lr=0.1 fast", { delta: 1 }).name, "lr=0.1 fast");
});

Deno.test("path names: experiments with hostile names are refused before anything is stored", async () => {
  await using outer = await tempDir("names-experiment");
  const root = join(outer.path, "root");
  for (const name of HOSTILE.filter((n) => n !== "")) {
    const experiment = new Experiment({
      name,
      datasource: numbers(),
      pipeline: [total()],
      outputDir: root,
      plugins: [new ArtifactPlugin(), quiet()],
    });
    await assert.rejects(experiment.run(), (e: Error) => {
      assert.match(e.message, /experiment name .* cannot be used as a folder or file name/);
      assert.match(e.message, /Experiment\.builder\("my_experiment"\)/);
      return true;
    });
    assert.throws(
      () => Experiment.builder(name).datasource(numbers()).addStep(total()).build(),
      /experiment name/,
    );
    assert.throws(() => experimentDir(root, name), PathNameError);
  }
  await Deno.mkdir(root, { recursive: true });
  assertOnlyInside(outer.path, root);
  assert.deepEqual(tree(root), [], "nothing stored");
});

Deno.test("path names: artifacts with hostile names are refused when declared and when written", async () => {
  await using outer = await tempDir("names-artifact");
  const root = join(outer.path, "root");
  for (const name of HOSTILE) {
    assert.throws(() => new Artifact(name), (e: Error) => {
      assert.ok(e instanceof PathNameError);
      assert.ok(e.message.startsWith(`artifact name ${JSON.stringify(name)} cannot be used`));
      return true;
    });
  }
  assert.throws(() => new Artifact("model.json.meta.json"), /which holds metadata/);
  const writes = pipelineStep((data: number[], ctx) => {
    ctx.artifacts.add(ctx.get<string>("file"), "escaped");
    return data;
  }, { name: "writes" });
  for (const name of HOSTILE) {
    const result = await new Experiment({
      name: "writer",
      datasource: numbers(),
      pipeline: [writes()],
      initialContext: { file: name },
      outputDir: root,
      plugins: [new ArtifactPlugin(), new SeedPlugin({ seed: 1 }), quiet()],
    }).run();
    assert.equal(result.errors.length, 1, JSON.stringify(name));
    assert.equal(result.errors[0].name, "PathNameError");
    assert.match(result.errors[0].message, /^artifact name .* cannot be used/);
  }
  assertOnlyInside(outer.path, root);
  assert.ok(tree(root).every((p) => p === "writer" || p.startsWith("writer/")), tree(root).join());
});

Deno.test("path names: step names of any shape stay inside the cache folder, one folder per name", async () => {
  await using outer = await tempDir("names-cache");
  const root = join(outer.path, "root");
  const names = [...HOSTILE, "../../../../tmp/x", "%2E%2E", "x".repeat(300), "a b", "a_b"];
  const cache = new StepCache(join(root, "cache"), () => {});
  const folders = names.map((n) => cache.path(n, "k").split("/").at(-2)!);
  assert.equal(new Set(folders).size, names.length, "distinct names, distinct folders");
  for (const folder of folders) assert.ok(pathNameProblem(folder) === undefined, folder);
  assert.equal(safeName("../../tmp/x"), "..%2F..%2Ftmp%2Fx");
  assert.equal(safeName(".."), "%2E%2E");

  for (const name of ["../../../../tmp/x", "a/../../b", "/abs", "..", "C:\\x", "n\0l", "n\nl"]) {
    const step = pipelineStep((data: number[], ctx) => {
      ctx.metrics.add("n", data.length);
      return data;
    }, { name, cacheable: true });
    const result = await new Experiment({
      name: "cached",
      datasource: numbers(),
      pipeline: [step()],
      outputDir: root,
      plugins: [new SeedPlugin({ seed: 1 }), quiet()],
    }).run();
    assert.deepEqual(result.errors, []);
    assert.equal(result.provenance.cache.steps[name].misses, 1, name);
  }
  assertOnlyInside(outer.path, root);
  const entries = tree(join(root, "cache")).filter((p) => p.endsWith(".bin"));
  assert.equal(entries.length, 7);
  assert.ok(entries.every((p) => p.split("/").length === 2), entries.join());
});

Deno.test("path names: paths built from stored or foreign values are checked (defence in depth)", async () => {
  await using outer = await tempDir("names-layout");
  const v0 = join(outer.path, "root", "exp", "v0");
  for (const name of HOSTILE) {
    assert.throws(() => artifactPath(v0, 0, name, "model.json"), PathNameError);
    assert.throws(() => artifactPath(v0, 0, "baseline", name), PathNameError);
  }
  for (const replicate of [-1, 1.5, NaN, "../x" as unknown as number]) {
    assert.throws(() => artifactPath(v0, replicate, "baseline", "m"), PathNameError);
  }
  assert.throws(
    () => versionDir(join(outer.path, "root", "exp"), "../x" as unknown as number),
    PathNameError,
  );
  assert.equal(artifactPath(v0, 2, "boost", "model.json"), join(v0, "2", "boost", "model.json"));
  assert.throws(() => joinInside(v0, "a/../../b"), PathEscapeError);
  assert.throws(() => joinInside(v0, "/abs/../.."), PathEscapeError);
  assert.throws(() => joinInside(v0, "."), PathEscapeError);
  assert.equal(joinInside(v0, "a", "..b"), join(v0, "a", "..b"));

  for (const ref of ["../x#model.json", "/abs#model.json", "train#../../x", "train#..", "a\nb#m"]) {
    assert.throws(() => new ExperimentInput({ m: ref }), (e: Error) => {
      assert.ok(e instanceof PathNameError, ref);
      assert.match(e.message, /^ExperimentInput: input 'm' reads an (experiment|artifact) name/);
      return true;
    });
  }
  assert.throws(
    () => new ExperimentInput({ m: { experiment: "train", artifact: "../../etc/passwd" } }),
    PathNameError,
  );
});

Deno.test("path names: a tampered outcomes.jsonl cannot make resume link files outside the run", async () => {
  await using outer = await tempDir("names-tampered");
  const root = join(outer.path, "root");
  await train(root).run();
  // A record naming an artifact five levels up (outer/decoy.txt), with the decoy files in place.
  const decoy = join(outer.path, "decoy.txt");
  await Deno.writeTextFile(decoy, "decoy");
  await Deno.writeTextFile(`${decoy}.meta.json`, "{}");
  const outcomes = join(root, "train", "v0", "outcomes.jsonl");
  const text = await Deno.readTextFile(outcomes);
  assert.match(text, /"model\.json"/);
  await Deno.writeTextFile(outcomes, text.replaceAll('"model.json"', '"../../../../../decoy.txt"'));

  const resumed = await train(root).run({ strategy: "resume" });
  assert.deepEqual(resumed.errors, []);
  assert.deepEqual(resumed.provenance.stored?.reused, {}, "nothing tampered is reused");
  assert.equal(await Deno.readTextFile(decoy), "decoy");
  const stray = tree(outer.path).filter((p) => p !== "root" && !p.startsWith("root/"));
  assert.deepEqual(stray, ["decoy.txt", "decoy.txt.meta.json"]);
  assert.ok(!tree(root).some((p) => p.includes("decoy")), "no link to the decoy in the store");
});

Deno.test("path names: config.yaml names, treatments and outputs are refused with their line and column", async () => {
  const base = "datasource: { n: numbers }\nsteps: [total]\n";
  const files = {
    "datasources.ts": `import { dataSource } from ${
      JSON.stringify(new URL("../mod.ts", import.meta.url).href)
    };
export const numbers = dataSource(() => [1, 2], { name: "numbers" });\n`,
    "steps.ts": `import { pipelineStep } from ${
      JSON.stringify(new URL("../mod.ts", import.meta.url).href)
    };
export const total = pipelineStep((d: number[]) => d, { name: "total" });\n`,
  };
  const cases: [string, string][] = [
    ["name: ..\n" + base, '1:7: experiment name ".." cannot be used'],
    ['name: "a\\nb"\n' + base, '1:7: experiment name "a\\nb" cannot be used'],
    ["name: a/../../b\n" + base, '1:7: experiment name "a/../../b" cannot be used'],
    [base + "treatments:\n  ../x: { delta: 1 }\n", '4:3: treatment name "../x" cannot be used'],
    [
      base + 'treatments:\n  "C:\\\\x": { delta: 1 }\n',
      '4:3: treatment name "C:\\\\x" cannot be used',
    ],
    [base + "outputs:\n  out: { file_name: /abs }\n", '4:21: artifact name "/abs" cannot be used'],
  ];
  for (const [config, expected] of cases) {
    await using dir = await tempTree("names-config", { "config.yaml": config, ...files });
    const error = await Experiment.fromYaml(dir.path).catch((e) => e);
    assert.ok(error instanceof ConfigError, `${config}: ${error}`);
    assert.equal(error.issues.length, 1, error.message);
    assert.ok(
      error.message.includes(`config.yaml:${expected}`),
      `${error.message}\n  expected: ${expected}`,
    );
    assert.deepEqual(tree(dir.path), ["config.yaml", "datasources.ts", "steps.ts"]);
  }
  // Without a name: the folder's name is the experiment's, so it must be usable too.
  await using parent = await tempDir("names-folder");
  const folder = join(parent.path, "a:b");
  await Deno.mkdir(folder);
  for (const [file, text] of Object.entries({ "config.yaml": base, ...files })) {
    await Deno.writeTextFile(join(folder, file), text);
  }
  const error = await Experiment.fromYaml(folder).catch((e) => e);
  assert.ok(error instanceof ConfigError);
  assert.match(
    error.message,
    /config\.yaml:1:1: config\.yaml sets no name:, so the experiment is named after its folder, but experiment name "a:b"/,
  );
});
