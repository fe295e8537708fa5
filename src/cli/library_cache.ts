/**
 * The library copy a compiled `crystallize` binary runs experiment code
 * with. A `deno` child process cannot read the modules embedded in the
 * binary, so the binary carries the library's files (`deno compile
 * --include`) and unpacks them, on first use, into a versioned cache folder:
 * `$XDG_CACHE_HOME/crystallize/<version>-<hash>/` (else
 * `~/.cache/crystallize/...`, on Windows `%LOCALAPPDATA%\crystallize\...`).
 * The hash covers every file, so a folder name always means one content; a
 * folder whose files differ from the embedded ones (edited, truncated) is
 * replaced. The folder is written by a `deno` child allowed to write only
 * the cache folder (the binary itself may write only in the working
 * directory): files go to a temporary folder next to it, which is renamed
 * into place, so a reader never sees half a library.
 * @module
 */
import { join, sep as SEPARATOR } from "../path.ts";
import { relativePath } from "../resolve_path.ts";
import { errorMessage } from "../errors.ts";
import { configuredDeno, readableEnv } from "../execution/deno_runtime.ts";
import { launchFlags } from "../execution/worker/launch_flags.ts";

/** What a library copy holds, relative to its root: the files a runner or worker loads. */
export const LIBRARY_ENTRIES: readonly string[] = [
  "mod.ts",
  "deno.json",
  "LICENSE",
  "src",
  "schema",
];

/** The files of a library folder: relative path (with `/`) → bytes, sorted by path. */
export type LibraryFiles = ReadonlyMap<string, Uint8Array>;

/**
 * Reads the library's files under `root` ({@linkcode LIBRARY_ENTRIES};
 * missing entries are skipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLibraryFiles } from "./library_cache.ts";
 *
 * const files = await readLibraryFiles(new URL("../../", import.meta.url).pathname);
 * assert.ok(files.has("mod.ts") && files.has("src/cli/library_cache.ts"));
 * ```
 */
export async function readLibraryFiles(root: string): Promise<LibraryFiles> {
  const out = new Map<string, Uint8Array>();
  const walk = async (path: string): Promise<void> => {
    const info = await Deno.stat(path).catch(() => undefined);
    if (info === undefined) return;
    if (info.isFile) {
      out.set(relativePath(root, path).split(SEPARATOR).join("/"), await Deno.readFile(path));
      return;
    }
    if (!info.isDirectory) return;
    const names: string[] = [];
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
    for (const name of names.sort()) await walk(join(path, name));
  };
  for (const entry of LIBRARY_ENTRIES) await walk(join(root, entry));
  return new Map([...out].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The first 12 hex digits of a SHA-256 over every path and its bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libraryDigest } from "./library_cache.ts";
 *
 * const a = await libraryDigest(new Map([["mod.ts", new Uint8Array([1])]]));
 * const b = await libraryDigest(new Map([["mod.ts", new Uint8Array([2])]]));
 * assert.match(a, /^[0-9a-f]{12}$/);
 * assert.notEqual(a, b);
 * ```
 */
export async function libraryDigest(files: LibraryFiles): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const [path, bytes] of files) {
    parts.push(encoder.encode(`${path}\0${bytes.length}\0`), bytes);
  }
  const total = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    total.set(part, at);
    at += part.length;
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", total));
  return [...hash.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The folder library copies are cached in: `$XDG_CACHE_HOME/crystallize`,
 * else `$HOME/.cache/crystallize` (`%LOCALAPPDATA%\crystallize` on
 * Windows); `undefined` when none of these variables can be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cacheBase } from "./library_cache.ts";
 *
 * assert.equal(cacheBase({ XDG_CACHE_HOME: "/c", HOME: "/h" }), "/c/crystallize");
 * assert.equal(cacheBase({ HOME: "/h" }), "/h/.cache/crystallize");
 * assert.equal(cacheBase({}), undefined);
 * ```
 */
export function cacheBase(
  env: Readonly<Record<string, string | undefined>> = {
    XDG_CACHE_HOME: readableEnv("XDG_CACHE_HOME"),
    HOME: readableEnv("HOME"),
    LOCALAPPDATA: readableEnv("LOCALAPPDATA"),
  },
): string | undefined {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "crystallize");
  if (env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "crystallize");
  if (env.HOME) return join(env.HOME, ".cache", "crystallize");
  return undefined;
}

/** Whether `folder` holds exactly the bytes of `files` (extra files are ignored). */
async function holds(folder: string, files: LibraryFiles): Promise<boolean> {
  for (const [path, bytes] of files) {
    const found = await Deno.readFile(join(folder, path)).catch(() => undefined);
    if (found === undefined || found.length !== bytes.length) return false;
    for (let i = 0; i < bytes.length; i++) if (found[i] !== bytes[i]) return false;
  }
  return true;
}

/**
 * The script of the writing child: reads `{ base, name, files }` as JSON
 * from stdin (files as `[path, base64]`), writes them into a fresh temporary
 * folder in `base` and renames it to `base/name`, moving a differing
 * (damaged) folder of that name aside first; a folder that another process
 * finished meanwhile with the same files is kept. The caller verifies what
 * is there.
 */
const WRITER = `
const { base, name, files } = JSON.parse(await new Response(Deno.stdin.readable).text());
await Deno.mkdir(base, { recursive: true });
const tmp = await Deno.makeTempDir({ dir: base, prefix: ".unpack-" });
for (const [path, data] of files) {
  const file = tmp + "/" + path;
  await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
  await Deno.writeFile(file, Uint8Array.fromBase64(data));
}
const target = base + "/" + name;
const same = async () => {
  for (const [path, data] of files) {
    const found = await Deno.readFile(target + "/" + path).catch(() => undefined);
    if (found === undefined || found.toBase64() !== data) return false;
  }
  return true;
};
const exists = await Deno.stat(target).then(() => true, () => false);
if (exists && await same()) {
  // Another process wrote it meanwhile: keep it (readers may be using it).
  await Deno.remove(tmp, { recursive: true });
  Deno.exit(0);
}
if (exists) {
  const aside = target + ".stale-" + crypto.randomUUID();
  await Deno.rename(target, aside).catch(() => {});
  await Deno.remove(aside, { recursive: true }).catch(() => {});
}
try {
  await Deno.rename(tmp, target);
} catch {
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}
`;

/** How {@linkcode ensureLibraryCopy} writes a missing or damaged copy. */
export interface LibraryCopyOptions {
  /** The cache folder (see {@linkcode cacheBase}). */
  readonly base: string;
  /** The library's version (`deno.json` `version`): the folder's name starts with it. */
  readonly version: string;
  /** The Deno executable that writes the folder (it may write only `base`). */
  readonly deno: string;
}

/**
 * A verified copy of `files` in `<base>/<version>-<hash>/`: returned as is
 * when its files match, else (re)written atomically through a `deno` child
 * and verified again. Throws an `Error` saying what failed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureLibraryCopy } from "./library_cache.ts";
 *
 * const base = await Deno.makeTempDir();
 * const files = new Map([["mod.ts", new TextEncoder().encode("export const x = 1;\n")]]);
 * const copy = await ensureLibraryCopy(files, { base, version: "0.1.0", deno: "deno" });
 * assert.equal(await Deno.readTextFile(`${copy}/mod.ts`), "export const x = 1;\n");
 * assert.match(copy, /0\.1\.0-[0-9a-f]{12}$/);
 * await Deno.remove(base, { recursive: true });
 * ```
 */
export async function ensureLibraryCopy(
  files: LibraryFiles,
  options: LibraryCopyOptions,
): Promise<string> {
  const folder = join(options.base, `${options.version}-${await libraryDigest(files)}`);
  if (await holds(folder, files)) return folder;
  const payload = JSON.stringify({
    base: options.base.split(SEPARATOR).join("/"),
    name: folder.slice(options.base.length + 1),
    files: [...files].map(([path, bytes]) => [path, bytes.toBase64()]),
  });
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(options.deno, {
      args: [
        "run",
        "--quiet",
        ...launchFlags({ read: [options.base], write: [options.base], config: "none" }),
        `data:application/javascript,${encodeURIComponent(WRITER)}`,
      ],
      stdin: "piped",
      stdout: "null",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw new Error(`cannot start ${options.deno} to unpack the library: ${errorMessage(error)}`);
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(payload)).catch(() => {});
  await writer.close().catch(() => {});
  const { code, stderr } = await child.output();
  if (code !== 0 || !(await holds(folder, files))) {
    // A concurrent writer may be renaming its copy into place: look once more.
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (code === 0 && await holds(folder, files)) return folder;
    const reason = new TextDecoder().decode(stderr).trim().split("\n").at(-1) ?? "";
    throw new Error(
      `could not unpack the Crystallize library into ${folder}` +
        (reason ? ` (${reason})` : "") +
        "; make that folder writable, or set XDG_CACHE_HOME to a writable folder, " +
        "or CRYSTALLIZE_LIB to a checkout of the library",
    );
  }
  return folder;
}

/** Where a compiled binary's library copy is, and why it could not be made, if it could not. */
export interface EmbeddedLibrary {
  /** The copy's folder (`<cache>/<version>-<hash>`), when a cache folder is known. */
  readonly folder?: string;
  /** Why the copy is missing: no deno to write it, an unwritable cache, no cache folder. */
  readonly error?: Error;
}

/**
 * The library copy of a compiled binary: the files embedded under `root`
 * (the binary's own library folder), unpacked by {@linkcode ensureLibraryCopy}
 * with `deno` (`$DENO_BIN`, else from `PATH`). Never throws: without a
 * `deno` the folder is still named (a scaffold can import it; the first run
 * with Deno installed writes it) and `error` says how to install one.
 *
 * @example
 * ```ts ignore
 * // Only meaningful inside a compiled binary: it writes ~/.cache/crystallize.
 * await embeddedLibrary("/tmp/deno-compile-crystallize/crystallize"); // { folder: "/home/me/.cache/crystallize/0.1.0-…" }
 * ```
 */
export async function embeddedLibrary(root: string): Promise<EmbeddedLibrary> {
  const files = await readLibraryFiles(root);
  if (!files.has("mod.ts")) {
    return {
      error: new Error(`this crystallize binary carries no library (no mod.ts under ${root})`),
    };
  }
  const base = cacheBase();
  if (base === undefined) {
    return { error: new Error("no cache folder: set XDG_CACHE_HOME or HOME (or CRYSTALLIZE_LIB)") };
  }
  const config = files.get("deno.json");
  const version = config === undefined
    ? "0.0.0"
    : String(JSON.parse(new TextDecoder().decode(config)).version ?? "0.0.0");
  const folder = join(base, `${version}-${await libraryDigest(files)}`);
  try {
    const deno = configuredDeno({
      compiled: true,
      denoBin: readableEnv("DENO_BIN"),
      path: readableEnv("PATH"),
    }) ?? "deno";
    return { folder: await ensureLibraryCopy(files, { base, version, deno }) };
  } catch (error) {
    return { folder, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
