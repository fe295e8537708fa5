/**
 * "Use it in your project" (README) end to end: a project folder outside
 * this repository (under the system temp dir) imports the library by path
 * and runs a code experiment and a folder experiment with plain `deno run`
 * (no `--config`), with and without a `deno.json` of its own; then the
 * README's install command puts `crystallize` in a launcher folder, and the
 * installed command runs `new`, `run`, `list`, `show` and the terminal UI
 * there; the scaffold passes `deno check`.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { startCrystallize } from "./fixtures/cli/tui/pty.ts";

const REPO = resolve(".");
const README = await Deno.readTextFile("README.md");
/** Where the README's install command puts the launcher in this test (`--allow-run` names it). */
const INSTALL_ROOT = resolve(".test-tmp");
const LAUNCHER = join(INSTALL_ROOT, "bin", "crystallize");

/** The fenced blocks of the README's "Use it in your project" section. */
function sectionBlocks(): { ts: string; sh: string } {
  const start = README.indexOf("## Use it in your project");
  assert.ok(start >= 0, "the README has a 'Use it in your project' section");
  const section = README.slice(start, README.indexOf("\n## ", start + 1));
  const block = (lang: string) => {
    const found = new RegExp("```" + lang + "\\n([\\s\\S]*?)```").exec(section);
    assert.ok(found, `the section has a ${lang} block`);
    return found[1].trim();
  };
  return { ts: block("ts"), sh: block("sh") };
}

/** Splits a one-line shell command into words (no quoting is used in the README's). */
function words(command: string): string[] {
  assert.doesNotMatch(command, /["'\\\n$]/, "a plain one-line command");
  return command.split(/\s+/);
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(command, {
    args: [...args],
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

function ok(out: { code: number; stdout: string; stderr: string }, what: string): void {
  assert.equal(out.code, 0, `${what} failed:\n${out.stdout}\n${out.stderr}`);
}

/** A code experiment and a folder experiment importing the library by `importLine`. */
function projectFiles(importLine: string): Record<string, string> {
  const from = (names: string) => importLine.replace(/\{[^}]*\}/, `{ ${names} }`);
  return {
    "code.ts": `${from("dataSource, Experiment, pipelineStep, treatment")}

export const numbers = dataSource((ctx) => [1, 2, 3].map((x) => x + ctx.rng.normal(0, 0.1)), {
  name: "numbers",
});
export const addDelta = pipelineStep(
  (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
  { name: "add_delta", params: { delta: 0 } },
);
export const total = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
  return data;
}, { name: "total" });

export const experiment = Experiment.builder("code_demo")
  .datasource(numbers())
  .addStep(addDelta())
  .addStep(total())
  .treatments([treatment("boost", { delta: 1 })])
  .replicates(4)
  .build();

if (import.meta.main) {
  const result = await experiment.run();
  console.log(JSON.stringify(result.metrics.treatments.boost.metrics.total.length));
}
`,
    "folder/config.yaml": `name: folder_demo
replicates: 3
datasource:
  numbers: constant
steps:
  - total
treatments:
  more: { extra: 1 }
`,
    "folder/datasources.ts": `${from("dataSource")}
export const constant = dataSource(() => [1, 2, 3], { name: "constant" });
`,
    "folder/steps.ts": `${from("pipelineStep")}
export const total = pipelineStep((data: number[], ctx, { extra }) => {
  ctx.metrics.add("total", data.reduce((a, b) => a + b, 0) + extra);
  return data;
}, { name: "total", params: { extra: 0 } });
`,
    "load_folder.ts": `${from("Experiment, ExperimentGraph")}
const folder = new URL("./folder", import.meta.url).pathname;
const experiment = await Experiment.fromYaml(folder);
const result = await experiment.run();
const graph = await ExperimentGraph.fromYaml(folder);
console.log(JSON.stringify({
  more: result.metrics.treatments.more.metrics.total,
  graph: graph.toString().includes("folder_demo"),
}));
`,
  };
}

Deno.test("a project outside the repository imports the library by path, installs crystallize and uses it", async () => {
  const { ts, sh } = sectionBlocks();
  assert.match(ts, /^import \{[^}]+\} from "\/path\/to\/crystallize\/mod\.ts";$/);
  const importLine = ts.replace("/path/to/crystallize/mod.ts", join(REPO, "mod.ts"));
  const project = await Deno.makeTempDir({ prefix: "crystallize-project-" });
  assert.ok(!project.startsWith(REPO + "/"), "the project lies outside the repository");
  try {
    for (const [path, text] of Object.entries(projectFiles(importLine))) {
      await Deno.mkdir(join(project, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(project, path), text);
    }
    const flags = ["--allow-read=.", "--allow-write=.", "--allow-env=LOG_TOKENS,LOG_STREAM"];
    for (const config of [undefined, "{}\n", '{ "imports": { "other": "npm:yaml@2.9.1" } }\n']) {
      const label = config === undefined
        ? "without a deno.json"
        : `with deno.json ${config.trim()}`;
      if (config !== undefined) await Deno.writeTextFile(join(project, "deno.json"), config);
      const code = await run("deno", ["run", ...flags, "code.ts"], project);
      ok(code, `deno run code.ts ${label}`);
      assert.equal(code.stdout.trim(), "4");
      const folder = await run("deno", ["run", ...flags, "load_folder.ts"], project);
      ok(folder, `Experiment.fromYaml / ExperimentGraph.fromYaml ${label}`);
      assert.deepEqual(JSON.parse(folder.stdout), { more: [7, 7, 7], graph: true });
    }
    await Deno.remove(join(project, "deno.json"));

    // The README's install command, run in this repository's folder as it says.
    const [deno, ...install] = words(sh);
    assert.equal(deno, "deno");
    assert.deepEqual(install.slice(0, 2), ["install", "--global"]);
    await Deno.remove(LAUNCHER).catch(() => {});
    ok(
      await run(deno, install, REPO, { DENO_INSTALL_ROOT: INSTALL_ROOT }),
      "the README's deno install",
    );
    const crystallize = (...args: string[]) => run(LAUNCHER, args, project);

    const made = await crystallize("new", "demo");
    ok(made, "crystallize new demo");
    const printed = /Run it: +crystallize (run \S+)/.exec(made.stdout);
    assert.ok(printed, made.stdout);
    assert.equal(printed[1], "run experiments/demo");
    const scaffold = ["experiments/demo/datasources.ts", "experiments/demo/steps.ts"];
    ok(await run("deno", ["check", ...scaffold], project), "deno check of the scaffold");

    const ran = await crystallize(...printed[1].split(" "), "--json");
    ok(ran, "crystallize run experiments/demo");
    assert.equal(JSON.parse(ran.stdout).results[0].metrics.treatments.add_one.total.length, 10);
    const all = await crystallize("run", ".", "--json");
    ok(all, "crystallize run .");
    assert.deepEqual(
      JSON.parse(all.stdout).results.map((r: { experiment: string }) => r.experiment).sort(),
      ["demo", "folder_demo"],
    );
    const code = await crystallize("run", "code.ts", "--json");
    ok(code, "crystallize run code.ts");
    assert.equal(JSON.parse(code.stdout).results[0].metrics.treatments.boost.total.length, 4);
    // The project's own deno.json (its import map) applies to experiment code under crystallize.
    await Deno.writeTextFile(
      join(project, "deno.json"),
      '{ "imports": { "project-util": "./mapped/util.ts" } }\n',
    );
    await Deno.mkdir(join(project, "mapped"));
    await Deno.writeTextFile(join(project, "mapped", "util.ts"), "export const seven = 7;\n");
    await Deno.writeTextFile(
      join(project, "mapped", "config.yaml"),
      "name: mapped\ndatasource: { n: constant }\nsteps: [seven]\n",
    );
    await Deno.writeTextFile(
      join(project, "mapped", "datasources.ts"),
      `${importLine.replace(/\{[^}]*\}/, "{ dataSource }")}\n` +
        'export const constant = dataSource(() => 1, { name: "constant" });\n',
    );
    await Deno.writeTextFile(
      join(project, "mapped", "steps.ts"),
      `${
        importLine.replace(/\{[^}]*\}/, "{ pipelineStep }")
      }\nimport { seven } from "project-util";\n` +
        'export const step = pipelineStep((d: number, ctx) => {\n  ctx.metrics.add("v", d + seven);\n' +
        '  return d;\n}, { name: "seven" });\n',
    );
    const mapped = await crystallize("run", "mapped", "--json");
    ok(mapped, "crystallize run mapped (bare import from the project's deno.json)");
    assert.deepEqual(JSON.parse(mapped.stdout).results[0].metrics.baseline.v, [8]);

    const listed = await crystallize("list");
    ok(listed, "crystallize list");
    assert.match(listed.stdout, /experiments\/demo/);
    assert.match(listed.stdout, /code\.ts/);
    const shown = await crystallize("show", "experiments/demo");
    ok(shown, "crystallize show");
    assert.match(shown.stdout, /Experiment 'demo' v\d+: 10 replicates per condition/);

    // The terminal UI, started by name from PATH as a user types it.
    const ui = startCrystallize(project, `env PATH=${join(INSTALL_ROOT, "bin")}:$PATH crystallize`);
    await ui.waitFor(/🧪 experiments\/demo {2}demo · 10 replicates/);
    await ui.press("q");
    assert.equal((await ui.finished()).code, 0);
  } finally {
    await Deno.remove(project, { recursive: true });
    await Deno.remove(LAUNCHER).catch(() => {});
    await Deno.remove(join(INSTALL_ROOT, "bin", ".crystallize"), { recursive: true })
      .catch(() => {});
  }
});
