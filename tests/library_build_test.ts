/**
 * The library's JavaScript copy (`library_build.ts`): process workers load
 * it with one instance of each module, a copy is complete or absent, an
 * edited module makes a new one, and a project's names for the library are
 * sent to it.
 */
import assert from "node:assert/strict";
import { Experiment, LoggingPlugin, ParallelExecution } from "../mod.ts";
import { fileUrlOf } from "../src/file_url.ts";
import { denoExecutable } from "../src/execution/worker/framed_child.ts";
import {
  buildImports,
  buildKey,
  LIBRARY_BUILD_FOLDER,
  type LibraryBuild,
  libraryModules,
} from "../src/execution/worker/library_build.ts";
import { makeLibraryCopy } from "../src/execution/worker/library_build_job.ts";
import { configFlags } from "../src/execution/worker/project_config.ts";
import { libraryLoad, replicateNumber } from "./fixtures/workers/library_copy.ts";
import { tempDir } from "./temp_dir.ts";

async function loadOnWorkers(libraryBuild?: boolean) {
  const result = await new Experiment({
    name: "library_copy",
    datasource: replicateNumber(),
    pipeline: [libraryLoad()],
    plugins: [
      new ParallelExecution({ executorType: "process", maxWorkers: 2, libraryBuild }),
      new LoggingPlugin({ level: "silent" }),
    ],
    replicates: 4,
  }).run();
  return result.metrics.baseline.metrics;
}

Deno.test("process workers load the library's JavaScript copy by default, one instance of each module", async () => {
  const metrics = await loadOnWorkers();
  assert.deepEqual(metrics.from_copy, [1, 1, 1, 1]);
  assert.deepEqual(metrics.one_instance, [1, 1, 1, 1]);
});

Deno.test("libraryBuild: false: process workers load the TypeScript", async () => {
  const metrics = await loadOnWorkers(false);
  assert.deepEqual(metrics.from_copy, [0, 0, 0, 0]);
  assert.deepEqual(metrics.one_instance, [1, 1, 1, 1]);
});

/** A small library: `mod.ts` re-exports a module and imports another by a URL it computes. */
async function smallLibrary(root: string, extra: Record<string, string> = {}): Promise<void> {
  await Deno.mkdir(`${root}/src`, { recursive: true });
  const files: Record<string, string> = {
    "mod.ts": `export { a } from "./src/a.ts";\n` +
      `export const loadB = () => import(new URL("./src/b.ts", import.meta.url).href);\n`,
    "src/a.ts": "export const a: number = 1;\n",
    "src/b.ts": `import { a } from "./a.ts";\nexport const b: string = "b" + a;\n`,
    ...extra,
  };
  for (const [path, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
}

Deno.test("a copy is made whole under its key, and a child loads it through the import map", async () => {
  await using dir = await tempDir("library-copy");
  const library = await Deno.realPath(dir.path);
  await smallLibrary(library);
  const modules = libraryModules(library);
  assert.deepEqual(modules, ["mod.ts", "src/a.ts", "src/b.ts"]);
  const key = buildKey(library, modules);
  await makeLibraryCopy(library, key, denoExecutable());
  const copy = `${library}/${LIBRARY_BUILD_FOLDER}/${key}`;
  assert.deepEqual([...Deno.readDirSync(`${library}/${LIBRARY_BUILD_FOLDER}`)].map((e) => e.name), [
    key,
  ]); // no partial folder left
  const mod = await Deno.readTextFile(`${copy}/mod.js`);
  assert.match(mod, /"\.\/src\/a\.js"/);
  assert.match(mod, /new URL\("\.\/src\/b\.js", import\.meta\.url\)/);

  const build: LibraryBuild = { dir: copy, imports: buildImports(library, copy, modules) };
  await Deno.writeTextFile(
    `${library}/main.ts`,
    `import { a, loadB } from "./mod.ts";\n` +
      `const { b } = await loadB();\n` +
      `console.log(JSON.stringify({ a, b, mod: import.meta.resolve("./mod.ts") }));\n`,
  );
  const out = await new Deno.Command(denoExecutable(), {
    args: [
      "run",
      `--allow-read=${library}`,
      ...configFlags("none", library, build),
      `${library}/main.ts`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
    a: 1,
    b: "b1",
    mod: fileUrlOf(`${copy}/mod.js`).href,
  });
});

Deno.test("an edited library module changes the copy's key", async () => {
  await using dir = await tempDir("library-key");
  await smallLibrary(dir.path);
  const before = buildKey(dir.path, libraryModules(dir.path));
  assert.equal(buildKey(dir.path, libraryModules(dir.path)), before);
  await Deno.writeTextFile(`${dir.path}/src/a.ts`, "export const a: number = 22;\n");
  assert.notEqual(buildKey(dir.path, libraryModules(dir.path)), before);
  await Deno.writeTextFile(`${dir.path}/src/c.ts`, "export const c = 3;\n");
  assert.deepEqual(libraryModules(dir.path), ["mod.ts", "src/a.ts", "src/b.ts", "src/c.ts"]);
});

Deno.test("a copy deno bundle cannot make is reported and leaves nothing behind", async () => {
  await using dir = await tempDir("library-broken");
  await smallLibrary(dir.path, { "src/broken.ts": "export const = ;\n" });
  await assert.rejects(
    makeLibraryCopy(dir.path, "k", denoExecutable()),
    /deno bundle did not make the library's JavaScript copy/,
  );
  assert.deepEqual([...Deno.readDirSync(`${dir.path}/${LIBRARY_BUILD_FOLDER}`)], []);
});

Deno.test("a project's names for the library are sent to the copy; a project mapping imports itself keeps its own", async () => {
  await using dir = await tempDir("library-project");
  const library = `${dir.path}/lib`;
  const copy = `${library}/${LIBRARY_BUILD_FOLDER}/k`;
  const build = { dir: copy, imports: buildImports(library, copy, ["mod.ts", "src/a.ts"]) };
  await Deno.mkdir(library, { recursive: true });
  const url = (path: string) => fileUrlOf(path).href;
  const copied = {
    [url(`${library}/mod.ts`)]: url(`${copy}/mod.js`),
    [url(`${library}/src/a.ts`)]: url(`${copy}/src/a.js`),
  };
  const mapOf = (flags: string[]) => {
    const prefix = "--import-map=data:application/json,";
    const map = flags.find((f) => f.startsWith(prefix));
    return map === undefined ? undefined : JSON.parse(decodeURIComponent(map.slice(prefix.length)));
  };

  // The library's own deno.json (as in this repository): its name and exports resolve past the map.
  await Deno.writeTextFile(
    `${library}/deno.json`,
    JSON.stringify({
      name: "@me/lib",
      exports: { ".": "./mod.ts", "./a": "./src/a.ts", "./cli": "./cli.ts" },
    }),
  );
  const flags = configFlags("project", library, build);
  assert.equal(flags[0], `--config=${library}/deno.json`);
  assert.deepEqual(mapOf(flags).imports, {
    ...copied,
    "@me/lib": url(`${copy}/mod.js`),
    "@me/lib/a": url(`${copy}/src/a.js`),
    "@me/lib/cli": url(`${library}/cli.ts`), // not copied: loaded from the TypeScript
  });
  assert.deepEqual(configFlags("project", library), [`--config=${library}/deno.json`]);

  // A project that maps imports itself: its configuration alone (Deno 2.9 panics on some pairs).
  const project = `${dir.path}/project`;
  await Deno.mkdir(project, { recursive: true });
  await Deno.writeTextFile(
    `${project}/deno.json`,
    JSON.stringify({
      imports: { "lib": "../lib/mod.ts", "lib/": "../lib/", "yaml": "npm:yaml@2.9.1" },
    }),
  );
  assert.deepEqual(configFlags("project", project, build), [`--config=${project}/deno.json`]);

  // Sandboxed code gets the bare names only (`--no-config`), sent to the copy where they name it.
  const sandboxed = configFlags("bare-imports", project, build);
  assert.equal(sandboxed[0], "--no-config");
  assert.deepEqual(mapOf(sandboxed).imports, {
    ...copied,
    "lib": url(`${copy}/mod.js`),
    "lib/": url(`${library}/`),
    "lib/mod.ts": url(`${copy}/mod.js`),
    "lib/src/a.ts": url(`${copy}/src/a.js`),
    "yaml": "npm:yaml@2.9.1",
  });
});

/** Runs `experiment.ts` of a project outside the library, with `config` as its deno.json. */
async function runOutside(
  config: Record<string, unknown>,
  importPrefix: (library: string) => string,
) {
  const project = await Deno.makeTempDir({ prefix: "library-copy-project-" });
  try {
    const library = Deno.cwd();
    await Deno.writeTextFile(`${project}/deno.json`, JSON.stringify(config));
    const from = importPrefix(fileUrlOf(library).href);
    await Deno.writeTextFile(
      `${project}/experiment.ts`,
      `import { CrystallizeError, dataSource, Experiment, LoggingPlugin, ParallelExecution, pipelineStep } from "${from}mod.ts";
import { CrystallizeError as ErrorsModuleError } from "${from}src/errors.ts";

export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
export const probe = pipelineStep((r: number, ctx) => {
  ctx.metrics.add("from_copy", import.meta.resolve("${from}mod.ts").endsWith(".js") ? 1 : 0);
  ctx.metrics.add("one_instance", CrystallizeError === ErrorsModuleError ? 1 : 0);
  return r;
}, { name: "probe" });

if (import.meta.main) {
  const result = await new Experiment({
    name: "outside",
    datasource: index(),
    pipeline: [probe()],
    plugins: [new ParallelExecution({ executorType: "process", maxWorkers: 2 }), new LoggingPlugin({ level: "warn" })],
    replicates: 3,
  }).run();
  console.log(JSON.stringify(result.metrics.baseline.metrics));
}
`,
    );
    const out = await new Deno.Command(denoExecutable(), {
      args: ["run", `--allow-read=${library},${project}`, "--allow-run=deno", "experiment.ts"],
      cwd: project,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(project, { recursive: true });
  }
}

Deno.test("a project outside the library that imports it by path gets the copy on its workers", async () => {
  assert.deepEqual(await runOutside({ lock: false }, (library) => `${library}/`), {
    from_copy: [1, 1, 1],
    one_instance: [1, 1, 1],
  });
});

Deno.test("a project whose deno.json maps the library gets the TypeScript on its workers, one instance", async () => {
  const config = (library: string) => ({ imports: { "crys/": `${library}/` } });
  assert.deepEqual(await runOutside(config(fileUrlOf(Deno.cwd()).href), () => "crys/"), {
    from_copy: [0, 0, 0],
    one_instance: [1, 1, 1],
  });
});
