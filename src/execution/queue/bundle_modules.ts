/**
 * How a worker resolves an unpacked bundle's modules: coordinator paths go
 * into the bundle folder, the coordinator's library to the worker's own, and
 * the project's bare-name imports (shipped in the bundle, checked again
 * here: a bundle is hostile) to either.
 * @module
 */
import { join, normalize } from "../../path.ts";
import { fileUrlOf, pathOfFileUrl } from "../../file_url.ts";
import { isInside } from "../../storage/join_inside.ts";
import { isBareName } from "../worker/project_config.ts";
import { isPlainAbsolute, type UnpackedBundle } from "./bundle.ts";
import { BundleError } from "./bundle_error.ts";

/** Schemes a shipped import may map a bare name to besides `file:` (resolved from Deno's cache). */
const PACKAGE_SCHEMES = ["npm:", "jsr:", "node:"];

/**
 * Where a coordinator's module URL is on this worker: inside the bundle
 * (for a file of a packed root, or a single file it holds), in this
 * worker's library (for a file of the coordinator's library: `mod.ts` or
 * `src/`), else `undefined` (the module was not shipped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localModuleUrl } from "./bundle_modules.ts";
 *
 * const bundle = { hash: "h", fsRoot: "/cache/h/fs", manifest: { format: 2 as const, roots: ["/exp"], files: ["/shared/util.ts"], imports: {}, library: { version: "0.1.0", root: "/lib" } } };
 * assert.equal(localModuleUrl(bundle, "file:///exp/steps.ts", "/mine"), "file:///cache/h/fs/exp/steps.ts");
 * assert.equal(localModuleUrl(bundle, "file:///shared/util.ts", "/mine"), "file:///cache/h/fs/shared/util.ts");
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
  const path = normalize(pathOfFileUrl(url));
  const own = inLibrary(bundle, path, library);
  if (own !== undefined) return toFileUrl(own);
  const { roots, files } = bundle.manifest;
  if (!files.includes(path) && !roots.some((root) => path === root || isInside(root, path))) {
    return undefined;
  }
  return toFileUrl(join(bundle.fsRoot, path));
}

/**
 * The import map a worker process runs bundle code with: imports of the
 * coordinator's library (by absolute URL, or by a relative path that now
 * resolves inside the bundle folder) go to this worker's library, and the
 * project's bare names to their targets here (a path into the bundle
 * folder or this library; `npm:`, `jsr:` and `node:` as they are). A key
 * that is not a bare name, or a target of another kind, throws a
 * {@linkcode BundleError}: such a map could replace modules the library
 * loads unchecked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bundleImportMap } from "./bundle_modules.ts";
 *
 * const imports = { "common/": "file:///proj/shared/", yamlish: "npm:yaml@2.9.1" };
 * const bundle = { hash: "h", fsRoot: "/cache/h/fs", manifest: { format: 2 as const, roots: ["/exp"], files: [], imports, library: { version: "0.1.0", root: "/lib" } } };
 * const map = bundleImportMap(bundle, "/mine");
 * assert.equal(map.imports["file:///cache/h/fs/lib/src/"], "file:///mine/src/");
 * assert.equal(map.imports["file:///lib/mod.ts"], "file:///mine/mod.ts");
 * assert.equal(map.imports["common/"], "file:///cache/h/fs/proj/shared/");
 * assert.equal(map.imports.yamlish, "npm:yaml@2.9.1");
 * ```
 */
export function bundleImportMap(
  bundle: UnpackedBundle,
  library: string,
): { imports: Record<string, string> } {
  const imports: Record<string, string> = {};
  for (const [key, target] of Object.entries(bundle.manifest.imports)) {
    if (!isBareName(key)) {
      throw new BundleError(
        `bundle ${bundle.hash} maps '${key}', which is not a bare name: only bare-name imports of deno.json are honoured`,
      );
    }
    imports[key] = localTarget(bundle, key, target, library);
  }
  const lib = bundle.manifest.library.root;
  for (const base of [lib, join(bundle.fsRoot, lib)]) {
    imports[toFileUrl(join(base, "mod.ts"))] = toFileUrl(join(library, "mod.ts"));
    imports[`${toFileUrl(join(base, "src"))}/`] = `${toFileUrl(join(library, "src"))}/`;
  }
  return { imports };
}

/**
 * Whether a bare name's target can be shipped: a `file:` URL, or an `npm:`,
 * `jsr:` or `node:` specifier (remote URLs are not loaded: workers run
 * offline, as sandboxed runs do).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isShippableTarget } from "./bundle_modules.ts";
 *
 * assert.equal(isShippableTarget("npm:yaml@2.9.1"), true);
 * assert.equal(isShippableTarget("https://example.com/x.ts"), false);
 * ```
 */
export function isShippableTarget(target: string): boolean {
  return target.startsWith("file:") || PACKAGE_SCHEMES.some((s) => target.startsWith(s));
}

/** A shipped import's target on this worker. */
function localTarget(
  bundle: UnpackedBundle,
  key: string,
  target: string,
  library: string,
): string {
  if (PACKAGE_SCHEMES.some((scheme) => target.startsWith(scheme))) return target;
  let path: string | undefined;
  try {
    path = target.startsWith("file:") ? pathOfFileUrl(target) : undefined;
  } catch {
    path = undefined;
  }
  const folder = target.endsWith("/");
  const plain = path === undefined ? undefined : folder ? path.replace(/\/+$/, "") : path;
  if (plain === undefined || !isPlainAbsolute(plain)) {
    throw new BundleError(
      `bundle ${bundle.hash} maps '${key}' to ${
        JSON.stringify(target)
      }: a shipped import goes to a file path or an npm:, jsr: or node: specifier`,
    );
  }
  const url = toFileUrl(inLibrary(bundle, plain, library) ?? join(bundle.fsRoot, plain));
  return folder ? `${url}/` : url;
}

/** Where a coordinator library path is in this worker's library, or `undefined` if it is none. */
function inLibrary(bundle: UnpackedBundle, path: string, library: string): string | undefined {
  const lib = bundle.manifest.library.root;
  for (const entry of ["mod.ts", "src"]) {
    const from = join(lib, entry);
    if (path === from || isInside(from, path)) return join(library, path.slice(lib.length));
  }
  return undefined;
}

function toFileUrl(path: string): string {
  return fileUrlOf(path).href;
}
