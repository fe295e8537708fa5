/**
 * Hostile YAML aliases in config.yaml: an alias to no anchor, a recursive
 * alias and an alias bomb ("billion laughs") are ConfigErrors with file,
 * line and column, alone, in a graph's sibling folder, and through the CLI
 * (exit 2, no stack trace).
 */
import assert from "node:assert/strict";
import { basename, dirname } from "node:path";
import { ConfigError, Experiment, ExperimentGraph } from "../mod.ts";
import { parseYaml } from "../src/config/yaml_parse.ts";
import { MAX_ALIAS_EXPANSION } from "../src/config/yaml_aliases.ts";
import { cli } from "./fixtures/cli/run_cli.ts";
import { DATASOURCES, STEPS, tempTree } from "./fixtures/config/folders.ts";

const BASE = "datasource: { numbers: constant }\nsteps: [total]\n";

/** Nine levels of anchors, each listing the previous one nine times: 9^9 values once expanded. */
function aliasBomb(levels = 9): string {
  const lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i < levels; i++) {
    lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
  }
  return `initial_context:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}

const issueOf = (text: string): ConfigError => {
  try {
    parseYaml(text, "/exp/config.yaml");
  } catch (error) {
    assert.ok(error instanceof ConfigError, `${error}`);
    return error;
  }
  assert.fail("no ConfigError");
};

Deno.test("YAML aliases: an alias to no anchor is a ConfigError at the alias", () => {
  const error = issueOf("name: demo\ndatasource: { numbers: *nope }\n");
  assert.equal(error.line, 2);
  assert.equal(error.column, 24);
  assert.equal(
    error.issues[0].message,
    "YAML alias '*nope' refers to no anchor: define '&nope' on a value before it, or remove the alias",
  );
  // Anchors only reach forward: an alias before its anchor has nothing to refer to.
  assert.match(
    issueOf("a: [*later, &later 1]\n").message,
    /^\/exp\/config\.yaml:1:5: YAML alias '\*later'/,
  );
});

Deno.test("YAML aliases: a recursive alias and an alias bomb are ConfigErrors; ordinary aliases still work", () => {
  const recursive = issueOf("initial_context: &ctx { self: *ctx }\n");
  assert.equal(recursive.line, 1);
  assert.equal(recursive.column, 31);
  assert.match(recursive.message, /which makes a recursive value/);

  const bomb = issueOf(aliasBomb());
  assert.equal(bomb.issues.length, 1);
  assert.match(
    bomb.message,
    new RegExp(
      `config\\.yaml:\\d+:\\d+: YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} values`,
    ),
  );
  assert.match(bomb.message, /alias bomb \("billion laughs"\)/);
  assert.ok(bomb.line >= 2 && bomb.line <= 10, `at the line of an alias, got ${bomb.line}`);

  const shared = parseYaml(
    "defaults: &d { lr: 0.1 }\ntreatments:\n" +
      Array.from({ length: 150 }, (_, i) => `  t${i}: *d`).join("\n") + "\n",
    "/exp/config.yaml",
  );
  const treatments = (shared.value as { treatments: Record<string, unknown> }).treatments;
  assert.equal(Object.keys(treatments).length, 150);
  assert.deepEqual(treatments.t149, { lr: 0.1 });
});

Deno.test("YAML aliases: Experiment.fromYaml and a graph with a broken sibling report file:line:col", async () => {
  await using dir = await tempTree("yaml-alias", {
    "good/config.yaml": `name: good\n${BASE}`,
    "good/datasources.ts": DATASOURCES,
    "good/steps.ts": STEPS,
    "nope/config.yaml": `name: nope\ndatasource: { numbers: *missing }\nsteps: [total]\n`,
    "bomb/config.yaml": `name: bomb\n${BASE}${aliasBomb()}`,
  });
  const single = await Experiment.fromYaml(dir.at("nope")).catch((e) => e);
  assert.ok(single instanceof ConfigError, `${single}`);
  assert.equal(
    single.message.split("\n")[0].split(": ")[0],
    `${dir.at("nope", "config.yaml")}:2:24`,
  );

  const graph = await ExperimentGraph.fromYaml(dir.path).catch((e) => e);
  assert.ok(graph instanceof ConfigError, `${graph}`);
  assert.deepEqual(graph.issues.map((i) => basename(dirname(i.file))), ["bomb", "nope"]);
  assert.match(
    graph.message,
    /nope\/config\.yaml:2:24: YAML alias '\*missing' refers to no anchor/,
  );
  assert.match(graph.message, /bomb\/config\.yaml:\d+:\d+: YAML aliases expand to more than/);
});

Deno.test("YAML aliases: the CLI exits 2 with the position and no stack trace", async () => {
  await using dir = await tempTree("yaml-alias-cli", {
    "graph/good/config.yaml": `name: good\n${BASE}`,
    "graph/good/datasources.ts": DATASOURCES,
    "graph/good/steps.ts": STEPS,
    "graph/nope/config.yaml": `name: nope\ndatasource: { numbers: *missing }\nsteps: [total]\n`,
    "bomb/config.yaml": `name: bomb\n${BASE}${aliasBomb()}`,
  });
  for (
    const [target, expected] of [
      [
        dir.at("graph", "nope"),
        /nope\/config\.yaml:2:24: YAML alias '\*missing' refers to no anchor/,
      ],
      [dir.at("graph"), /nope\/config\.yaml:2:24: YAML alias '\*missing' refers to no anchor/],
      [dir.at("bomb"), /bomb\/config\.yaml:\d+:\d+: YAML aliases expand to more than \d+ values/],
    ] as const
  ) {
    const run = await cli(["run", target, "--quiet"]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, expected);
    assert.doesNotMatch(run.stderr, /ReferenceError|Uncaught|^\s+at /m);
    const json = await cli(["run", target, "--json"]);
    assert.equal(json.code, 2, json.stderr);
    assert.match(JSON.parse(json.stdout).error.message, expected);
  }
  const listed = await cli(["list", dir.path, "--json"]);
  assert.equal(listed.code, 2, "files that fail to load are listed as errors");
  assert.doesNotMatch(listed.stderr, /ReferenceError|Uncaught/);
});
