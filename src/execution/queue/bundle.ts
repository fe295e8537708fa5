/**
 * Code bundles: what a coordinator ships to workers instead of a checkout.
 * A bundle holds the files of the experiment's folders (by their absolute
 * paths on the coordinator) and the version of the library that packed it,
 * as one JSON document addressed by its SHA-256: a worker that fetched the
 * bytes for a hash checks them against it before it unpacks anything.
 * @module
 */
import { dirname, isAbsolute, join, normalize, posix } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL } from "node:url";
import { CrystallizeError } from "../../errors.ts";
import { createSha256 } from "../../sha256.ts";
import { isInside } from "../../storage/join_inside.ts";
import { VERSION } from "../../version.ts";

/** The library version this copy is: bundles name the one that packed them. */
export const LIBRARY_VERSION: string = VERSION;

/** Folders never packed: version control, dependencies, output roots. */
const SKIPPED = new Set([".git", "node_modules", ".crystallize", ".test-tmp"]);

/** Most bytes a bundle may hold (its files, before encoding). */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** A bundle cannot be packed, or one fetched from Redis is not what it claims to be. */
export class BundleError extends CrystallizeError {}

/** What a bundle says about itself. */
export interface BundleManifest {
  /** Format version. */
  readonly format: 1;
  /** The library that packed it: its version, and its root folder on the coordinator. */
  readonly library: { readonly version: string; readonly root: string };
  /** The packed folders, absolute paths on the coordinator. */
  readonly roots: readonly string[];
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

interface BundleDocument extends BundleManifest {
  /** `[absolute path, base64 bytes]`, sorted by path. */
  readonly files: readonly (readonly [string, string])[];
}

/**
 * Packs every regular file below `roots` (skipping `.git`, `node_modules`,
 * `.crystallize`, links, and the folders in `exclude`, such as output
 * roots) with the library version. Roots inside other roots are packed
 * once. More than {@linkcode MAX_BUNDLE_BYTES} throws {@linkcode BundleError}.
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
  options: { readonly library: string; readonly exclude?: readonly string[] },
): Promise<Bundle> {
  const packed = outermost(roots.map((r) => normalize(r)));
  const exclude = (options.exclude ?? []).map((p) => normalize(p));
  const files: [string, string][] = [];
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    const info = await Deno.lstat(path).catch(() => undefined);
    if (info === undefined || info.isSymlink) return;
    if (info.isFile) {
      total += info.size;
      if (total > MAX_BUNDLE_BYTES) {
        throw new BundleError(
          `the experiment's folders ${packed.join(", ")} hold more than ${
            MAX_BUNDLE_BYTES >> 20
          } MiB, too much to ship to workers; move data out of them (read it from a shared path, granted with --allow-read)`,
        );
      }
      files.push([path, (await Deno.readFile(path)).toBase64()]);
      return;
    }
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
  files.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const manifest: BundleManifest = {
    format: 1,
    library: { version: LIBRARY_VERSION, root: normalize(options.library) },
    roots: packed,
  };
  const document: BundleDocument = { ...manifest, files };
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  return { hash: sha256Hex(bytes), bytes, manifest, files: files.length };
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
 * checking that they hash to `hash` and that every file lies inside one of
 * the bundle's roots (a bundle is data from the network: hostile until
 * checked). Files go to a temporary folder renamed into place, so a bundle
 * folder is always whole; one already unpacked is used as it is.
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
  const manifest: BundleManifest = {
    format: 1,
    library: document.library,
    roots: document.roots,
  };
  if (await Deno.stat(fsRoot).then(() => true, () => false)) return { hash, manifest, fsRoot };
  await Deno.mkdir(cacheDir, { recursive: true });
  const temporary = await Deno.makeTempDir({ dir: cacheDir, prefix: `.${hash.slice(0, 12)}-` });
  try {
    for (const [path, data] of document.files) {
      const target = join(temporary, "fs", path);
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.writeFile(target, Uint8Array.fromBase64(data));
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
 * Where a coordinator's module URL is on this worker: inside the bundle
 * (for a file of a packed root), in this worker's library (for a file of
 * the coordinator's library: `mod.ts` or `src/`), else `undefined` (the
 * module was not shipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localModuleUrl } from "./bundle.ts";
 *
 * const bundle = { hash: "h", fsRoot: "/cache/h/fs", manifest: { format: 1 as const, roots: ["/exp"], library: { version: "0.1.0", root: "/lib" } } };
 * assert.equal(localModuleUrl(bundle, "file:///exp/steps.ts", "/mine"), "file:///cache/h/fs/exp/steps.ts");
 * assert.equal(localModuleUrl(bundle, "file:///lib/src/x.ts", "/mine"), "file:///mine/src/x.ts");
 * assert.equal(localModuleUrl(bundle, "file:///etc/x.ts", "/mine"), undefined);
 * ```
 */
export function localModuleUrl(
  bundle: UnpackedBundle,
  url: string,
  library: string,
): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const path = normalize(fromFileUrl(url));
  const lib = bundle.manifest.library.root;
  for (const entry of ["mod.ts", "src"]) {
    const from = join(lib, entry);
    if (path === from || isInside(from, path)) {
      return toFileUrl(join(library, path.slice(lib.length)));
    }
  }
  if (!bundle.manifest.roots.some((root) => path === root || isInside(root, path))) {
    return undefined;
  }
  return toFileUrl(join(bundle.fsRoot, path));
}

/**
 * The import map a worker process runs bundle code with: imports of the
 * coordinator's library (by absolute URL, or by a relative path that now
 * resolves inside the bundle folder) go to this worker's library.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bundleImportMap } from "./bundle.ts";
 *
 * const bundle = { hash: "h", fsRoot: "/cache/h/fs", manifest: { format: 1 as const, roots: ["/exp"], library: { version: "0.1.0", root: "/lib" } } };
 * const map = bundleImportMap(bundle, "/mine");
 * assert.equal(map.imports["file:///cache/h/fs/lib/src/"], "file:///mine/src/");
 * assert.equal(map.imports["file:///lib/mod.ts"], "file:///mine/mod.ts");
 * ```
 */
export function bundleImportMap(
  bundle: UnpackedBundle,
  library: string,
): { imports: Record<string, string> } {
  const imports: Record<string, string> = {};
  const lib = bundle.manifest.library.root;
  for (const base of [lib, join(bundle.fsRoot, lib)]) {
    imports[toFileUrl(join(base, "mod.ts"))] = toFileUrl(join(library, "mod.ts"));
    imports[`${toFileUrl(join(base, "src"))}/`] = `${toFileUrl(join(library, "src"))}/`;
  }
  return { imports };
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
  if (doc === null || typeof doc !== "object" || doc.format !== 1) throw bad("unknown format");
  const library = doc.library;
  if (
    typeof library?.version !== "string" || typeof library.root !== "string" ||
    !absolutePath(library.root)
  ) {
    throw bad("its library is not named");
  }
  const roots = doc.roots;
  if (!Array.isArray(roots) || !roots.every((r) => typeof r === "string" && absolutePath(r))) {
    throw bad("its roots are not absolute paths");
  }
  if (!Array.isArray(doc.files)) throw bad("it lists no files");
  for (const entry of doc.files) {
    const [path, data] = Array.isArray(entry) ? entry : [];
    if (
      typeof path !== "string" || typeof data !== "string" || !absolutePath(path) ||
      !roots.some((root) => isInside(root, path))
    ) {
      throw bad(`file ${JSON.stringify(path)} lies outside its roots`);
    }
  }
  return doc as BundleDocument;
}

/** A normalized absolute path without `..` or NUL (a name that cannot climb out of a folder). */
function absolutePath(path: string): boolean {
  return isAbsolute(path) && !path.includes("\0") && normalize(path) === path &&
    !path.split(/[\\/]/).includes("..") && posix.isAbsolute(path.replaceAll("\\", "/"));
}

/** The roots not inside another root. */
function outermost(roots: readonly string[]): string[] {
  const unique = [...new Set(roots)].sort();
  return unique.filter((r) => !unique.some((o) => o !== r && isInside(o, r)));
}

function toFileUrl(path: string): string {
  return pathToFileURL(path).href;
}

function sha256Hex(bytes: Uint8Array): string {
  return createSha256().update(bytes).digest("hex");
}
