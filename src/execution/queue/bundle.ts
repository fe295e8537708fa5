/**
 * Code bundles: what a coordinator ships to workers instead of a checkout.
 * A bundle holds the files of the experiment's folders, single files from
 * elsewhere (modules they import, upstream runs they read; all by their
 * absolute paths on the coordinator), the project's checked bare-name
 * imports, and the version of the library that packed it, as one JSON
 * document addressed by its SHA-256: a worker that fetched the bytes for a
 * hash checks them against it before it unpacks anything.
 * @module
 */
import { dirname, isAbsolute, join, normalize, posixPath } from "../../path.ts";
import { BundleError } from "./bundle_error.ts";
import { createSha256 } from "../../sha256.ts";
import { isInside } from "../../storage/join_inside.ts";
import { VERSION } from "../../version.ts";

/** The library version this copy is: bundles name the one that packed them. */
export const LIBRARY_VERSION: string = VERSION;

/** Folders never packed: version control, dependencies, output roots. */
const SKIPPED = new Set([".git", "node_modules", ".crystallize", ".test-tmp"]);

/** Most bytes a bundle may hold (its files, before encoding). */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** What a bundle says about itself. */
export interface BundleManifest {
  /** Format version. */
  readonly format: 2;
  /** The library that packed it: its version, and its root folder on the coordinator. */
  readonly library: { readonly version: string; readonly root: string };
  /** The packed folders, absolute paths on the coordinator. */
  readonly roots: readonly string[];
  /** Single files packed from outside `roots` (imported modules, upstream runs), absolute paths. */
  readonly files: readonly string[];
  /** The project's bare-name imports (`deno.json` `imports`, checked), targets as on the coordinator. */
  readonly imports: Readonly<Record<string, string>>;
}

/** A packed bundle: its bytes and their hash. */
export interface Bundle {
  /** SHA-256 of `bytes`, hex. */
  readonly hash: string;
  /** The encoded bundle. */
  readonly bytes: Uint8Array;
  /** Its manifest. */
  readonly manifest: BundleManifest;
  /** How many files it holds. */
  readonly files: number;
}

/** What {@linkcode packBundle} packs besides the folders. */
export interface PackOptions {
  /** The coordinator's library root folder (its `mod.ts` and `src/` are mapped, not packed). */
  readonly library: string;
  /** Folders inside the roots not to pack (output roots, step caches). */
  readonly exclude?: readonly string[];
  /** Single files to pack from anywhere (regular files only: a link throws). */
  readonly files?: readonly string[];
  /** Bare-name imports the code resolves with (see `ShippedImports`). */
  readonly imports?: Readonly<Record<string, string>>;
}

interface BundleDocument extends BundleManifest {
  /** `[absolute path, base64 bytes]`, sorted by path. */
  readonly contents: readonly (readonly [string, string])[];
}

/**
 * Packs every regular file below `roots` (skipping `.git`, `node_modules`,
 * `.crystallize`, links, and the folders in `exclude`, such as output
 * roots), the single `files`, the `imports` and the library version. Roots
 * inside other roots are packed once. More than
 * {@linkcode MAX_BUNDLE_BYTES}, or a single file that is a link or no
 * regular file, throws {@linkcode BundleError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packBundle } from "./bundle.ts";
 *
 * const dir = await Deno.realPath(await Deno.makeTempDir());
 * await Deno.writeTextFile(`${dir}/steps.ts`, "export const x = 1;");
 * const a = await packBundle([dir], { library: "/lib" });
 * const b = await packBundle([dir], { library: "/lib" });
 * assert.equal(a.hash, b.hash); // content-addressed: same files, same hash
 * assert.equal(a.files, 1);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function packBundle(
  roots: readonly string[],
  options: PackOptions,
): Promise<Bundle> {
  const packed = outermost(roots.map((r) => normalize(r)));
  const exclude = (options.exclude ?? []).map((p) => normalize(p));
  const contents = new Map<string, string>();
  let total = 0;
  const add = async (path: string, size: number) => {
    total += size;
    if (total > MAX_BUNDLE_BYTES) {
      throw new BundleError(
        `the experiment's files (${
          packed.join(", ")
        }, and what they import and read) hold more than ${
          MAX_BUNDLE_BYTES >> 20
        } MiB, too much to ship to workers; move data out of them (read it from a shared path, granted with --allow-read)`,
      );
    }
    contents.set(path, (await Deno.readFile(path)).toBase64());
  };
  const walk = async (path: string): Promise<void> => {
    const info = await Deno.lstat(path).catch(() => undefined);
    if (info === undefined || info.isSymlink) return;
    if (info.isFile) return await add(path, info.size);
    if (!info.isDirectory) return;
    const names: string[] = [];
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
    for (const name of names) {
      const child = join(path, name);
      if (SKIPPED.has(name) || exclude.some((e) => e === child || isInside(e, child))) continue;
      await walk(child);
    }
  };
  for (const root of packed) await walk(root);
  const single = [...new Set((options.files ?? []).map((f) => normalize(f)))]
    .filter((f) => !contents.has(f)).sort();
  for (const file of single) await add(file, (await regularFile(file)).size);
  const manifest: BundleManifest = {
    format: 2,
    library: { version: LIBRARY_VERSION, root: normalize(options.library) },
    roots: packed,
    files: single,
    imports: Object.fromEntries(Object.entries(options.imports ?? {}).sort()),
  };
  const sorted = [...contents].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const document: BundleDocument = { ...manifest, contents: sorted };
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  return { hash: sha256Hex(bytes), bytes, manifest, files: sorted.length };
}

/** An unpacked bundle on a worker. */
export interface UnpackedBundle {
  /** The bundle's hash. */
  readonly hash: string;
  /** What it says about itself. */
  readonly manifest: BundleManifest;
  /** The folder its files were unpacked under: a coordinator path `/p` is `<fsRoot>/p`. */
  readonly fsRoot: string;
}

/**
 * Unpacks bundle bytes fetched for `hash` into `<cacheDir>/<hash>/` after
 * checking that they hash to `hash` and that every file is a normalized
 * absolute path (no `..`) inside one of the bundle's roots or among its
 * single files (a bundle is data from the network: hostile until checked);
 * nothing is written outside `<cacheDir>`. Files go to a temporary folder
 * renamed into place, so a bundle folder is always whole; one already
 * unpacked is used as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packBundle, unpackBundle } from "./bundle.ts";
 *
 * const dir = await Deno.realPath(await Deno.makeTempDir());
 * await Deno.writeTextFile(`${dir}/steps.ts`, "export const x = 1;");
 * const bundle = await packBundle([dir], { library: "/lib" });
 * const cache = await Deno.makeTempDir();
 * const unpacked = await unpackBundle(bundle.bytes, bundle.hash, cache);
 * assert.equal(await Deno.readTextFile(`${unpacked.fsRoot}${dir}/steps.ts`), "export const x = 1;");
 * await assert.rejects(() => unpackBundle(bundle.bytes, "0".repeat(64), cache), /does not match/);
 * await Deno.remove(dir, { recursive: true });
 * await Deno.remove(cache, { recursive: true });
 * ```
 */
export async function unpackBundle(
  bytes: Uint8Array,
  hash: string,
  cacheDir: string,
): Promise<UnpackedBundle> {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new BundleError(`'${hash}' is not a bundle hash`);
  // Base64 grows files by 4/3; anything much larger was not packed by packBundle.
  if (bytes.length > MAX_BUNDLE_BYTES * 1.5) {
    throw new BundleError(`bundle ${hash} holds ${bytes.length} bytes, more than a bundle may`);
  }
  const actual = sha256Hex(bytes);
  if (actual !== hash) {
    throw new BundleError(
      `the bundle stored for ${hash} hashes to ${actual}, which does not match: it was altered; re-run the experiment to store it again`,
    );
  }
  const document = parseDocument(bytes, hash);
  const folder = join(cacheDir, hash);
  const fsRoot = join(folder, "fs");
  const { contents: _, ...manifest } = document;
  if (await Deno.stat(fsRoot).then(() => true, () => false)) return { hash, manifest, fsRoot };
  await Deno.mkdir(cacheDir, { recursive: true });
  const temporary = await Deno.makeTempDir({ dir: cacheDir, prefix: `.${hash.slice(0, 12)}-` });
  try {
    for (const [path, data] of document.contents) {
      const target = join(temporary, "fs", path);
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.writeFile(target, Uint8Array.fromBase64(data), { createNew: true });
    }
    await Deno.mkdir(join(temporary, "fs"), { recursive: true });
    await Deno.rename(temporary, folder).catch(async (error) => {
      // Another job unpacked the same bundle first: theirs is as good.
      if (!(await Deno.stat(fsRoot).then(() => true, () => false))) throw error;
    });
  } finally {
    await Deno.remove(temporary, { recursive: true }).catch(() => {});
  }
  return { hash, manifest, fsRoot };
}

/**
 * Whether `path` is a normalized absolute path without `..` or NUL: a name
 * that cannot climb out of the folder it is joined to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPlainAbsolute } from "./bundle.ts";
 *
 * assert.equal(isPlainAbsolute("/exp/steps.ts"), true);
 * assert.equal(isPlainAbsolute("/exp/../etc/passwd"), false);
 * assert.equal(isPlainAbsolute("exp/steps.ts"), false);
 * ```
 */
export function isPlainAbsolute(path: string): boolean {
  return isAbsolute(path) && !path.includes("\0") && normalize(path) === path &&
    !path.split(/[\\/]/).includes("..") && posixPath.isAbsolute(path.replaceAll("\\", "/"));
}

/** The lstat of `path` when it is a regular file, not a link; else a `BundleError`. */
async function regularFile(path: string): Promise<Deno.FileInfo> {
  const info = await Deno.lstat(path).catch((error) => {
    throw new BundleError(`cannot ship ${path} to workers: ${(error as Error).message}`);
  });
  if (info.isSymlink) {
    throw new BundleError(
      `cannot ship ${path} to workers: it is a symbolic link; import (or read) the file it points to by its own path`,
    );
  }
  if (!info.isFile) throw new BundleError(`cannot ship ${path} to workers: it is not a file`);
  return info;
}

function parseDocument(bytes: Uint8Array, hash: string): BundleDocument {
  const bad = (why: string) => new BundleError(`bundle ${hash} is malformed: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw bad("it is not JSON");
  }
  const doc = value as Partial<BundleDocument> | null;
  if (doc === null || typeof doc !== "object" || doc.format !== 2) throw bad("unknown format");
  const library = doc.library;
  if (
    typeof library?.version !== "string" || typeof library.root !== "string" ||
    !isPlainAbsolute(library.root)
  ) {
    throw bad("its library is not named");
  }
  const paths = (list: unknown) =>
    Array.isArray(list) && list.every((r) => typeof r === "string" && isPlainAbsolute(r));
  const { roots, files, imports } = doc;
  if (!paths(roots) || !paths(files)) throw bad("its roots or files are not absolute paths");
  if (
    typeof imports !== "object" || imports === null || Array.isArray(imports) ||
    !Object.values(imports).every((t) => typeof t === "string")
  ) {
    throw bad("its imports are not a map of names to specifiers");
  }
  if (!Array.isArray(doc.contents)) throw bad("it lists no files");
  const single = new Set(files);
  for (const entry of doc.contents) {
    const [path, data] = Array.isArray(entry) ? entry : [];
    if (
      typeof path !== "string" || typeof data !== "string" || !isPlainAbsolute(path) ||
      !(single.has(path) || roots!.some((root) => isInside(root, path)))
    ) {
      throw bad(`file ${JSON.stringify(path)} lies outside its roots`);
    }
  }
  return doc as BundleDocument;
}

/** The roots not inside another root. */
function outermost(roots: readonly string[]): string[] {
  const unique = [...new Set(roots)].sort();
  return unique.filter((r) => !unique.some((o) => o !== r && isInside(o, r)));
}

function sha256Hex(bytes: Uint8Array): string {
  return createSha256().update(bytes).digest("hex");
}
