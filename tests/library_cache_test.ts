/**
 * The library copy a compiled binary unpacks (src/cli/library_cache.ts),
 * made here from this checkout's files: written once into
 * `<base>/<version>-<hash>/` by a `deno` child, verified and reused, replaced
 * when damaged, and complete (a folder experiment loads and runs from it).
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import {
  cacheBase,
  ensureLibraryCopy,
  LIBRARY_ENTRIES,
  libraryDigest,
  readLibraryFiles,
} from "../src/cli/library_cache.ts";
import { configuredDeno } from "../src/execution/deno_runtime.ts";
import { tempDir } from "./temp_dir.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const at = (dir: { path: string }, ...parts: string[]) => resolve(dir.path, ...parts);

Deno.test("the library copy is written once, verified, replaced when damaged, and works", async () => {
  await using dir = await tempDir("library-cache");
  const files = await readLibraryFiles(resolve("."));
  for (const entry of ["mod.ts", "deno.json", "LICENSE", "schema/config.schema.json"]) {
    assert.ok(files.has(entry), entry);
  }
  assert.ok([...files.keys()].every((p) => LIBRARY_ENTRIES.includes(p.split("/")[0])));
  const options = { base: at(dir, "cache"), version: "0.1.0", deno: "deno" };

  const [first, ...others] = await Promise.all(
    [1, 2, 3].map(() => ensureLibraryCopy(files, options)),
  );
  assert.deepEqual(others, [first, first], "processes unpacking at once agree");
  assert.equal(first, join(options.base, `0.1.0-${await libraryDigest(files)}`));
  assert.deepEqual(
    [...Deno.readDirSync(options.base)].map((e) => e.name),
    [first.slice(options.base.length + 1)],
    "no temporary folder is left behind",
  );
  const mod = join(first, "mod.ts");
  const written = Deno.statSync(mod).mtime;
  assert.equal(await ensureLibraryCopy(files, options), first);
  assert.deepEqual(Deno.statSync(mod).mtime, written, "a verified copy is not rewritten");

  await Deno.writeTextFile(mod, "export {};\n");
  assert.equal(await ensureLibraryCopy(files, options), first);
  assert.equal(await Deno.readTextFile(mod), decode(files.get("mod.ts")!), "damage repaired");

  // The copy is a whole library: a folder experiment loads (yaml, ajv, the schema) and runs.
  await Deno.mkdir(at(dir, "exp"));
  await Deno.writeTextFile(
    at(dir, "exp", "config.yaml"),
    "name: copy\nreplicates: 2\ndatasource: { n: constant }\nsteps: [total]\n",
  );
  const lib = JSON.stringify(join(first, "mod.ts"));
  await Deno.writeTextFile(
    at(dir, "exp", "datasources.ts"),
    `import { dataSource } from ${lib};\nexport const constant = dataSource(() => [1, 2], { name: "constant" });\n`,
  );
  await Deno.writeTextFile(
    at(dir, "exp", "steps.ts"),
    `import { pipelineStep } from ${lib};\nexport const total = pipelineStep((d: number[], ctx) => {\n` +
      `  ctx.metrics.add("total", d[0] + d[1]);\n  return d;\n}, { name: "total" });\n`,
  );
  await Deno.writeTextFile(
    at(dir, "main.ts"),
    `import { Experiment } from ${lib};\nconst e = await Experiment.fromYaml(${
      JSON.stringify(at(dir, "exp"))
    });\nconsole.log(JSON.stringify((await e.run()).metrics.baseline.metrics.total));\n`,
  );
  const out = await new Deno.Command("deno", {
    args: [
      "run",
      "--no-config",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      at(dir, "main.ts"),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, decode(out.stderr));
  assert.deepEqual(JSON.parse(decode(out.stdout)), [3, 3]);
});

Deno.test("an unwritable cache folder is reported with what to do", async () => {
  await using dir = await tempDir("library-cache-ro");
  await Deno.writeTextFile(at(dir, "file"), "not a folder");
  const files = new Map([["mod.ts", new TextEncoder().encode("export {};\n")]]);
  await assert.rejects(
    ensureLibraryCopy(files, { base: at(dir, "file", "cache"), version: "1.0.0", deno: "deno" }),
    /could not unpack the Crystallize library into .*XDG_CACHE_HOME.*CRYSTALLIZE_LIB/,
  );
});

Deno.test("where the cache is, and which deno a compiled binary uses", () => {
  assert.equal(cacheBase({ XDG_CACHE_HOME: "/c" }), "/c/crystallize");
  assert.equal(cacheBase({ HOME: "/h" }), "/h/.cache/crystallize");
  assert.equal(configuredDeno({ compiled: true, denoBin: "/x/deno", path: "" }), "/x/deno");
  assert.throws(
    () => configuredDeno({ compiled: true, denoBin: undefined, path: "/nonexistent" }),
    (e: Error) =>
      !e.message.includes("\n") && /no deno on PATH/.test(e.message) &&
      /npm install -g deno@2\.9\.6/.test(e.message) && /DENO_BIN/.test(e.message),
  );
});
