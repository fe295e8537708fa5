/**
 * How a child process (a worker, the CLI's runner) sees the project's
 * `deno.json`: a `data:` entry module discovers no configuration, so the
 * parent passes it on — or, for untrusted code, only a part of it.
 *
 * Sandboxed processes resolve an experiment's bare imports (`"lodash"`,
 * `"@std/assert"`) with the project's `deno.json` `imports`, as `deno run`
 * there would. But the project's `deno.json` is as untrusted as its code: an
 * import map may remap any specifier — a library module or `npm:` package
 * the runner loads in its static module graph, which Deno loads without
 * permission checks — and other fields change how Deno runs. So those
 * processes get `--no-config` and an import map built here from the bare
 * names only, with their targets made absolute.
 * @module
 */
import { dirname, isAbsolute, join } from "../../path.ts";
import { resolvePath } from "../../resolve_path.ts";
import { fileUrlOf } from "../../file_url.ts";
import type { LibraryBuild } from "./library_build.ts";

/**
 * How a child process uses the project's `deno.json`:
 * - `"project"`: all of it (`--config=<file>`), for a program's own worker
 *   pool, whose code is the program's own;
 * - `"bare-imports"`: only its bare-name imports (`--no-config` and an
 *   `--import-map`), for untrusted experiment code (see this module);
 * - `"none"`: nothing of it (`--no-config`).
 */
export type ConfigUse = "project" | "bare-imports" | "none";

/**
 * The `deno run` flags that give a child process the project's
 * configuration as `use` says, from the nearest `deno.json`/`deno.jsonc`
 * at or above `start`. For `"bare-imports"`, entries whose key is not a
 * bare name are left out (they could replace code that is loaded
 * unchecked); so are `scopes`, `importMap` and every other field.
 *
 * With `build`, the child loads the library's JavaScript copy (see
 * `library_build.ts`): the import map sends the library's modules there,
 * and also the project's names for them. For `"project"`, the copy is left
 * out when the project's `deno.json` maps imports itself (see
 * `projectImports`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configFlags } from "./project_config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({
 *   imports: { "lib/": "./lib/", "npm:yaml@2.9.1": "./evil.ts", "file:///x.ts": "./evil.ts" },
 *   scopes: { "/": { "lib/": "./evil/" } },
 * }));
 * assert.deepEqual(configFlags("project", dir), [`--config=${dir}/deno.json`]);
 * assert.deepEqual(configFlags("none", dir), ["--no-config"]);
 * const flags = configFlags("bare-imports", dir);
 * assert.equal(flags[0], "--no-config");
 * const map = JSON.parse(decodeURIComponent(flags[1].slice("--import-map=data:application/json,".length)));
 * assert.deepEqual(map, { imports: { "lib/": new URL(`file://${dir}/lib/`).href } });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function configFlags(
  use: ConfigUse,
  start: string = Deno.cwd(),
  build?: LibraryBuild,
): string[] {
  const library = build?.imports ?? {};
  if (use === "none") return withImportMap(["--no-config"], library);
  const file = configFile(start);
  if (use === "project") {
    if (file === undefined) return withImportMap([], library);
    const project = build === undefined ? undefined : projectImports(file);
    return project === undefined
      ? [`--config=${file}`]
      : withImportMap([`--config=${file}`], { ...library, ...toBuild(project, build!) });
  }
  const imports = file === undefined ? {} : bareImports(file);
  return withImportMap(
    ["--no-config"],
    build === undefined ? imports : {
      ...library,
      ...toBuild(imports, build),
    },
  );
}

/**
 * Longest `--import-map` argument passed: Linux refuses to start a process
 * with an argument over 128 KiB. A longer map (a library installed very
 * deep) goes without the library's copy.
 */
const MAX_IMPORT_MAP_ARGUMENT = 96 * 1024;

/** `flags` and an `--import-map` `data:` URL of `imports`, when there are any. */
function withImportMap(flags: string[], imports: Record<string, string>): string[] {
  if (Object.keys(imports).length === 0) return flags;
  // Only what a data: URL cannot hold as it is is escaped (file URLs already escape the rest).
  const map = JSON.stringify({ imports }).replace(/[%#?\s]/g, encodeURIComponent);
  const argument = `--import-map=data:application/json,${map}`;
  return argument.length <= MAX_IMPORT_MAP_ARGUMENT ? [...flags, argument] : flags;
}

/**
 * What an import map given with the project's `deno.json` must add for the
 * library's copy: the project's own package name with each of its
 * `exports` (which Deno resolves from the configuration, past the map).
 * `undefined` when the configuration maps imports itself (`imports`,
 * `scopes`, an `importMap` file, a workspace): Deno 2.9 reads `imports` from
 * `--import-map` only when both are given, and panics on some such pairs
 * (`imports` naming a `file:` folder), so the child gets the project's
 * configuration alone.
 */
function projectImports(file: string): Record<string, string> | undefined {
  const config = readConfig(file);
  if (config === undefined) return undefined;
  const mapping = ["imports", "scopes", "importMap", "workspace", "links", "patch"];
  if (mapping.some((field) => field in config)) return undefined;
  return ownExports(config, dirname(file));
}

/** The package's own name and subpaths (`"@scope/pkg"`, `"@scope/pkg/testing"`) to their modules. */
function ownExports(config: Record<string, unknown>, folder: string): Record<string, string> {
  const { name, exports } = config;
  if (typeof name !== "string" || exports === undefined) return {};
  const entries = typeof exports === "string" ? { ".": exports } : exports;
  if (typeof entries !== "object" || entries === null) return {};
  const out: Record<string, string> = {};
  for (const [path, target] of Object.entries(entries)) {
    const url = typeof target === "string" ? localTarget(target, folder) : undefined;
    if (url !== undefined) out[path === "." ? name : `${name}${path.slice(1)}`] = url;
  }
  return out;
}

/**
 * `imports` with each target that is a library module sent to its copy,
 * and each folder target holding library modules extended with an entry
 * per module: an import map resolves a specifier once, so a name mapped to
 * the library's `.ts` would load it again beside the copy.
 */
function toBuild(imports: Record<string, string>, build: LibraryBuild): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, target] of Object.entries(imports)) {
    out[key] = build.imports[target] ?? target;
    if (!key.endsWith("/") || !target.endsWith("/")) continue;
    for (const [module, copy] of Object.entries(build.imports)) {
      if (module.startsWith(target)) out[key + module.slice(target.length)] = copy;
    }
  }
  return out;
}

/**
 * The Deno configuration file of the project: the nearest
 * `deno.json`/`deno.jsonc` at or above `start`, when this process may read it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configFile } from "./project_config.ts";
 *
 * // In this repository: its deno.json (the nearest one at or above the working directory).
 * assert.match(configFile() ?? "", /deno\.jsonc?$/);
 * assert.equal(configFile("/"), undefined);
 * ```
 */
export function configFile(start: string = Deno.cwd()): string | undefined {
  for (let dir = start;; dir = dirname(dir)) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = join(dir, name);
      if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
      try {
        if (Deno.statSync(path).isFile) return path;
      } catch {
        // Not here; keep looking.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * A bare specifier: not a URL, scheme (`npm:`, `node:`, `file:`) or path.
 * The first segment may start with `@`, `~`, `#` or `$`, so scopes and the
 * usual aliases (`"@/"`, `"~/"`, `"#lib/"`, `"$lib/"`) are bare names too.
 */
const BARE = /^(?:[@~#$][\w.-]*\/(?:[\w.-]+(?:\/[\w.@-]*)*\/?)?|[\w.-]+(?:\/[\w.@-]*)*\/?)$/;

/**
 * Whether an import map key is a bare name (`"lodash"`, `"common/"`,
 * `"@std/assert"`, `"@/"`): not a URL, scheme or path, and without `.`/`..`
 * segments. Only such keys are honoured in untrusted code's import maps:
 * any other key could replace a module the library loads unchecked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBareName } from "./project_config.ts";
 *
 * assert.equal(isBareName("common/"), true);
 * assert.equal(isBareName("@/"), true);
 * assert.equal(isBareName("@std/assert"), true);
 * assert.equal(isBareName("/lib/mod.ts"), false);
 * assert.equal(isBareName("npm:yaml@2.9.1"), false);
 * assert.equal(isBareName("file:///lib/mod.ts"), false);
 * assert.equal(isBareName("lib/../x"), false);
 * ```
 */
export function isBareName(key: string): boolean {
  return BARE.test(key) && !key.split("/").some((p) => p === "." || p === "..");
}

/**
 * The bare-name imports of a `deno.json` (see {@linkcode configFlags}),
 * path targets made absolute file URLs; `{}` when it cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bareImports } from "./project_config.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports: { "common/": "./src/", "file:///x.ts": "./evil.ts" } }));
 * assert.deepEqual(bareImports(`${dir}/deno.json`), { "common/": new URL(`file://${dir}/src/`).href });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function bareImports(file: string): Record<string, string> {
  const imports = readConfig(file)?.imports;
  if (typeof imports !== "object" || imports === null || Array.isArray(imports)) return {};
  const out: Record<string, string> = {};
  for (const [key, target] of Object.entries(imports)) {
    if (!isBareName(key)) continue;
    if (typeof target !== "string") continue;
    out[key] = localTarget(target, dirname(file)) ?? target;
  }
  return out;
}

/** The configuration file's object; `undefined` when it is unreadable or not a JSON object (Deno itself would refuse it). */
function readConfig(file: string): Record<string, unknown> | undefined {
  try {
    const config: unknown = JSON.parse(withoutComments(Deno.readTextFileSync(file)));
    return typeof config === "object" && config !== null && !Array.isArray(config)
      ? config as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/** A path target as an absolute file URL (a `data:` import map has no folder to be relative to). */
function localTarget(target: string, folder: string): string | undefined {
  if (!(target.startsWith("./") || target.startsWith("../") || isAbsolute(target))) {
    return undefined;
  }
  const url = fileUrlOf(resolvePath(folder, target)).href;
  return target.endsWith("/") && !url.endsWith("/") ? `${url}/` : url;
}

/** JSON with `//` and `/* *\/` comments (deno.jsonc) removed, strings left alone. */
function withoutComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2);
      if (i < 0) break;
      i++;
    } else out += c;
  }
  return out;
}
