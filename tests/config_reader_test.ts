/**
 * Configs read once: the loaders take a reader, so the CLI's runner builds
 * folder experiments from the config files the CLI already parsed (handed
 * over as plain data) and never loads the YAML parser itself.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../mod.ts";
import { configFileData, configFileOf, readerOf } from "../src/config/config_reader.ts";
import { inspectConfigFile } from "../src/config/folder_config.ts";
import { loadFolderSpec } from "../src/config/folder_spec.ts";
import { loadGraphSpecs } from "../src/config/graph_specs.ts";
import { DATASOURCES, STEPS, tempTree } from "./fixtures/config/folders.ts";

const MODULES = { "datasources.ts": DATASOURCES, "steps.ts": STEPS };
const CONFIG = "name: demo\ndatasource:\n  numbers: constant\nsteps:\n  - add_delta\n  - total\n";

/** The config files under `root`, read, copied as another process receives them, then deleted. */
async function handedOver(root: string, folders: readonly string[]) {
  const files = [];
  for (const folder of folders) {
    const file = await inspectConfigFile(`${root}/${folder}`);
    files.push(configFileOf(JSON.parse(JSON.stringify(configFileData(file)))));
    await Deno.remove(file.file);
  }
  return readerOf(files);
}

Deno.test("config reader: a folder experiment loads from a config handed over, not from its file", async () => {
  await using dir = await tempTree("reader", {
    "demo/config.yaml": CONFIG,
    ...Object.fromEntries(Object.entries(MODULES).map(([name, text]) => [`demo/${name}`, text])),
  });
  const read = await handedOver(dir.path, ["demo"]);
  const spec = await loadFolderSpec(dir.at("demo"), { read });
  assert.equal(spec.name, "demo");
  assert.deepEqual(spec.pipeline.map((step) => step.name), ["add_delta", "total"]);
  // Without the reader the file is gone: the loader would have read it.
  await assert.rejects(() => loadFolderSpec(dir.at("demo")), ConfigError);
});

Deno.test("config reader: problems of a handed-over config point at the same lines and columns", async () => {
  const broken = CONFIG.replace("  - total\n", "  - totl\n") + "replicate: 3\n";
  await using dir = await tempTree("reader", {
    "demo/config.yaml": broken,
    ...Object.fromEntries(Object.entries(MODULES).map(([name, text]) => [`demo/${name}`, text])),
  });
  const fromFile = await loadFolderSpec(dir.at("demo")).catch((e) => e);
  assert.ok(fromFile instanceof ConfigError);
  assert.equal(fromFile.issues.length, 2); // the schema's unknown key, and the unknown step
  const read = await handedOver(dir.path, ["demo"]);
  const handed = await loadFolderSpec(dir.at("demo"), { read }).catch((e) => e);
  assert.ok(handed instanceof ConfigError);
  assert.deepEqual(handed.issues, fromFile.issues);
});

Deno.test("config reader: a graph loads its members and their references from configs handed over", async () => {
  const producer = "name: producer\ndatasource:\n  numbers: constant\nsteps:\n  - total\n" +
    "outputs:\n  sums: {}\n";
  const consumer = "name: consumer\ndatasource:\n  sums: producer#sums\nsteps:\n  - total\n";
  await using dir = await tempTree("reader", {
    "dag/producer/config.yaml": producer,
    "dag/consumer/config.yaml": consumer,
    ...Object.fromEntries(
      ["producer", "consumer"].flatMap((folder) =>
        Object.entries(MODULES).map(([name, text]) => [`dag/${folder}/${name}`, text])
      ),
    ),
  });
  const root = dir.at("dag");
  const read = await handedOver(root, ["producer", "consumer"]);
  const specs = await loadGraphSpecs(root, { read }).catch((e) => e);
  // The walk finds no config.yaml any more, so the folder form reports none …
  assert.ok(specs instanceof ConfigError);
  // … while members and the closure of one experiment resolve through the reader alone.
  const members = await loadGraphSpecs([`${root}/producer`, `${root}/consumer`], { read });
  assert.deepEqual(members.map((s) => s.name), ["producer", "consumer"]);
  assert.deepEqual(members[1].references, { sums: "producer#sums" });
});

Deno.test("config reader: building from handed-over configs loads no YAML parser", async () => {
  await using dir = await tempTree("reader", {
    // An anchor: reading this file takes the parser (plain YAML would not: yaml_subset.ts).
    "demo/config.yaml": CONFIG.replace("name: demo", "name: &name demo"),
    ...Object.fromEntries(Object.entries(MODULES).map(([name, text]) => [`demo/${name}`, text])),
    "load.ts": `import { configFileOf, readerOf } from "${
      new URL("../src/config/config_reader.ts", import.meta.url).href
    }";
import { loadFolderSpec } from "${new URL("../src/config/folder_spec.ts", import.meta.url).href}";
const data = JSON.parse(await Deno.readTextFile(Deno.args[0]));
const read = Deno.args[1] === "handed" ? readerOf([configFileOf(data)]) : undefined;
console.log((await loadFolderSpec(Deno.args[2], { read })).name);
`,
  });
  const data = dir.at("config.json");
  await Deno.writeTextFile(
    data,
    JSON.stringify(configFileData(await inspectConfigFile(dir.at("demo")))),
  );
  // An empty Deno cache, offline: loading npm `yaml` (or any package) fails there.
  await using denoDir = await tempTree("deno-dir", {});
  const load = (mode: string) =>
    new Deno.Command("deno", {
      args: [
        "run",
        "--quiet",
        "--no-config",
        "--no-lock",
        "--cached-only",
        "--node-modules-dir=none",
        "--allow-read",
        dir.at("load.ts"),
        data,
        mode,
        dir.at("demo"),
      ],
      env: { DENO_DIR: denoDir.path },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const handed = await load("handed");
  assert.equal(
    new TextDecoder().decode(handed.stdout).trim(),
    "demo",
    new TextDecoder().decode(handed.stderr),
  );
  // The same load reading the file needs the parser, and the empty cache has none.
  const reading = await load("read");
  assert.equal(reading.success, false);
  assert.match(new TextDecoder().decode(reading.stderr), /npm package not found in cache: "yaml"/);
});
