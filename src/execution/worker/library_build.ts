/**
 * A JavaScript copy of the library that child processes load instead of its
 * TypeScript. Deno loads a TypeScript module from its emit cache, with an
 * inline source map holding the whole source, and that costs more than the
 * module itself: `import "mod.ts"` runs 119 M instructions in a fresh
 * process, the same modules as plain JavaScript 64 M (cachegrind), and two
 * new workers on a trivial run are ready ≈7 ms (≈16 %) sooner
 * (`deno task bench:workers`).
 *
 * The copy is made once per version of the library's files, by `deno
 * bundle --inline-imports=false` (Deno's own transpiler, one output file per
 * module), in `<library>/.library-js/<key>/`, where `<key>` hashes Deno's
 * version and every module's path, size and modification time: an edited
 * module makes a new copy, never a stale one. The copy's modules import each
 * other's `.js`, and a child is pointed at it with an import map that sends
 * every library module's URL to the copy's `.js`, so a module has one
 * instance whichever way experiment code imports it. When the library cannot be read or the copy cannot be made, the
 * children load the TypeScript as before: the copy is an optimisation only.
 * @module
 */
import { fileUrlOf, pathOfFileUrl } from "../../file_url.ts";
import { join } from "../../path.ts";
import { sha256Hex } from "../../sha256.ts";

/** The library's root folder, from this module's place in `src/execution/worker/`. */
const LIBRARY_URL = new URL("../../../", import.meta.url);

/** The folder under the library root that holds its copies. */
export const LIBRARY_BUILD_FOLDER = ".library-js";

/** A JavaScript copy of the library, ready to be loaded. */
export interface LibraryBuild {
  /** The copy's folder (a child loading it needs read permission there). */
  readonly dir: string;
  /** Import map entries: each library module's URL to its `.js` in the copy. */
  readonly imports: Readonly<Record<string, string>>;
}

/**
 * The library's modules that are copied, relative to its root with `/`
 * separators: `mod.ts` and every `.ts` file under `src/` but the command
 * line's (`src/cli/`), sorted. Throws when a folder cannot be read.
 *
 * Every import map entry slows each module resolution of a child (≈50 k
 * instructions per entry over a start-up), and no other library module
 * imports the command line's: a worker whose experiment imports one loads
 * it once, from the TypeScript, and what it imports from the copy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libraryModules } from "./library_build.ts";
 *
 * const root = new URL("../../../", import.meta.url).pathname;
 * const modules = libraryModules(root);
 * assert.ok(modules.includes("mod.ts") && modules.includes("src/execution/worker/library_build.ts"));
 * assert.ok(!modules.some((path) => path.startsWith("src/cli/")));
 * ```
 */
export function libraryModules(library: string): string[] {
  const found = isFile(join(library, "mod.ts")) ? ["mod.ts"] : [];
  const walk = (folder: string) => {
    for (const entry of Deno.readDirSync(join(library, folder))) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory && path !== "src/cli") walk(path);
      else if (entry.isFile && entry.name.endsWith(".ts")) found.push(path);
    }
  };
  walk("src");
  return found.sort();
}

/**
 * The key of a copy of `modules`: a hash of Deno's version and each
 * module's path, size and modification time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildKey } from "./library_build.ts";
 *
 * const root = new URL("../../../", import.meta.url).pathname;
 * assert.match(buildKey(root, ["mod.ts"]), /^[0-9a-f]{24}$/);
 * assert.notEqual(buildKey(root, ["mod.ts"]), buildKey(root, ["mod.ts", "cli.ts"]));
 * ```
 */
export function buildKey(library: string, modules: readonly string[]): string {
  const facts = modules.map((path) => {
    const info = Deno.statSync(join(library, path));
    return [path, info.size, info.mtime?.getTime() ?? 0];
  });
  return sha256Hex(JSON.stringify([Deno.version.deno, facts])).slice(0, 24);
}

/**
 * The import map entries of a copy in `dir` of `modules` of `library` (see
 * {@linkcode LibraryBuild.imports}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildImports } from "./library_build.ts";
 *
 * assert.deepEqual(buildImports("/lib", "/lib/.library-js/k", ["mod.ts"]), {
 *   "file:///lib/mod.ts": "file:///lib/.library-js/k/mod.js",
 * });
 * ```
 */
export function buildImports(
  library: string,
  dir: string,
  modules: readonly string[],
): Record<string, string> {
  const imports: Record<string, string> = {};
  for (const path of modules) {
    imports[fileUrlOf(join(library, path)).href] =
      fileUrlOf(join(dir, `${path.slice(0, -3)}.js`)).href;
  }
  return imports;
}

const builds = new Map<string, Promise<LibraryBuild | undefined>>();

/**
 * The JavaScript copy of this library for children started with the
 * `deno` at `executable`: found, or made at once (≈0.4 s, once per version
 * of the library's files), or `undefined` when this process may not read
 * the library or the copy cannot be made. Looked up once per process (the
 * library's files are taken not to change while it runs); a copy removed
 * since is made again.
 *
 * @example
 * ```ts ignore
 * // Not run: it may write a copy of the library into the checkout.
 * import { libraryBuild } from "./library_build.ts";
 *
 * const build = await libraryBuild(Deno.execPath());
 * console.log(build?.dir); // <library>/.library-js/<key>
 * ```
 */
export function libraryBuild(executable: string): Promise<LibraryBuild | undefined> {
  if (LIBRARY_URL.protocol !== "file:") return Promise.resolve(undefined);
  const library = pathOfFileUrl(LIBRARY_URL).replace(/[\\/]$/, "");
  const known = builds.get(library);
  const build = known === undefined ? findOrMake(library, executable) : known.then((found) =>
    // A copy removed meanwhile (`git clean`, another process's clean-up) is made again.
    found === undefined || isDirectory(found.dir) ? found : findOrMake(library, executable)
  );
  builds.set(library, build);
  return build;
}

async function findOrMake(library: string, executable: string): Promise<LibraryBuild | undefined> {
  // A query, never a prompt: the copy is not worth asking the user for permission.
  if (Deno.permissions.querySync({ name: "read", path: library }).state !== "granted") {
    return undefined;
  }
  let modules: string[];
  let key: string;
  try {
    modules = libraryModules(library);
    key = buildKey(library, modules);
  } catch {
    return undefined;
  }
  const dir = join(library, LIBRARY_BUILD_FOLDER, key);
  if (!isDirectory(dir) && !(await makeBuild(library, key, executable) && isDirectory(dir))) {
    return undefined;
  }
  return { dir, imports: buildImports(library, dir, modules) };
}

/** Runs `library_build_job.ts`, which makes the copy with the least permissions it needs. */
async function makeBuild(library: string, key: string, executable: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(executable, {
      args: [
        "run",
        "--quiet",
        "--no-config",
        "--no-lock",
        "--no-prompt",
        `--allow-read=${library}`,
        `--allow-write=${join(library, LIBRARY_BUILD_FOLDER)}`,
        `--allow-run=${executable}`,
        new URL("./library_build_job.ts", import.meta.url).href,
        library,
        key,
        executable,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false; // the job could not start: the children load the TypeScript
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}
