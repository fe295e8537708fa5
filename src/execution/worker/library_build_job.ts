/**
 * Makes the JavaScript copy of the library that `library_build.ts` looks
 * for, as a process of its own: `deno run library_build_job.ts <library>
 * <key> <deno>`, with read permission on the library, write permission on
 * its `.library-js` folder and run permission on `<deno>` only.
 *
 * `deno bundle --inline-imports=false` writes the copy into a folder of the
 * job's own; the copy's modules are pointed at each other's `.js`, and the
 * folder is renamed to `<key>` once every module's `.js` is there: a copy that has its name is complete, and when two processes make
 * the same copy at once, the first rename wins. Copies older than a day are
 * removed (a process that still uses one makes it again).
 * @module
 */
import { join } from "../../path.ts";
import { LIBRARY_BUILD_FOLDER, libraryModules } from "./library_build.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Makes the copy `<library>/.library-js/<key>` with `deno bundle` run by
 * `executable`; throws with what `deno bundle` printed when it fails.
 *
 * @example
 * ```ts ignore
 * // Not run: it writes a copy of the library into the checkout.
 * import { makeLibraryCopy } from "./library_build_job.ts";
 *
 * await makeLibraryCopy("/path/to/library", "0123456789abcdef01234567", Deno.execPath());
 * ```
 */
export async function makeLibraryCopy(
  library: string,
  key: string,
  executable: string,
): Promise<void> {
  const root = join(library, LIBRARY_BUILD_FOLDER);
  Deno.mkdirSync(root, { recursive: true });
  const partial = join(root, `${key}.partial-${Deno.pid}`);
  const modules = libraryModules(library);
  const { success, stderr } = await new Deno.Command(executable, {
    args: [
      "bundle",
      "--quiet",
      "--no-config",
      "--no-lock",
      "--platform=deno",
      "--packages=external",
      "--inline-imports=false",
      `--outdir=${partial}`,
      ...modules,
    ],
    cwd: library,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const missing = modules.find((path) => !isFile(join(partial, `${path.slice(0, -3)}.js`)));
  if (!success || missing !== undefined) {
    removeQuietly(partial);
    throw new Error(
      `deno bundle did not make the library's JavaScript copy` +
        (missing === undefined ? "" : ` (no ${missing.slice(0, -3)}.js)`) +
        `: ${new TextDecoder().decode(stderr).trim()}`,
    );
  }
  for (const path of modules) toJsImports(join(partial, `${path.slice(0, -3)}.js`));
  try {
    Deno.renameSync(partial, join(root, key));
  } catch {
    removeQuietly(partial); // another process made this copy first
  }
  removeOldCopies(root, key);
}

/**
 * Relative module specifiers in the copy's code (imports, exports, dynamic
 * imports, `new URL("./x.ts", import.meta.url)`) ending in `.ts`, which
 * `deno bundle` keeps as they were.
 */
const RELATIVE_TS = /(\bfrom\s*|\bimport\s*\(?\s*|\bnew URL\(\s*)(["'])(\.{1,2}\/[^"'\n]*?)\.ts\2/g;

/** Points the copy's module at the other modules' `.js`: only modules outside the copy need the import map. */
function toJsImports(file: string): void {
  const code = Deno.readTextFileSync(file);
  const js = code.replace(
    RELATIVE_TS,
    (_, lead, quote, path) => `${lead}${quote}${path}.js${quote}`,
  );
  if (js !== code) Deno.writeTextFileSync(file, js);
}

function removeOldCopies(root: string, key: string): void {
  const now = Date.now();
  for (const entry of Deno.readDirSync(root)) {
    if (entry.name === key) continue;
    const path = join(root, entry.name);
    const made = Deno.statSync(path).mtime?.getTime() ?? now;
    if (now - made > DAY_MS) removeQuietly(path);
  }
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path, { recursive: true });
  } catch {
    // Gone already.
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

if (import.meta.main) {
  const [library, key, executable] = Deno.args;
  await makeLibraryCopy(library, key, executable);
}
