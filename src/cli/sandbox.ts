import { within } from "./within.ts";
import { fileUrlOf, pathOfFileUrl } from "../file_url.ts";
import { isAbsolute, join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import {
  DenoNotFoundError,
  isCompiled as compiledRuntime,
  readableEnv,
} from "../execution/deno_runtime.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import { launchFlags, type LaunchFlagsOptions } from "../execution/worker/launch_flags.ts";
import { OUTPUT_ROOT_ENV } from "../storage/output_root.ts";
import { CliError } from "./cli_error.ts";
import { type EmbeddedLibrary, embeddedLibrary } from "./library_cache.ts";

/** Permission kinds a sandbox can be widened with. */
export const PERMISSION_KINDS = ["read", "write", "net", "env", "sys", "run", "ffi"] as const;

/** One of {@linkcode PERMISSION_KINDS}. */
export type PermissionKind = typeof PERMISSION_KINDS[number];

/**
 * What experiment code may do: read its folders, read and write its output
 * root, and what config or flags grant on top. The runner and every worker
 * process of a run get exactly these permissions, computed by the CLI.
 */
export interface Sandbox {
  /** Folders experiment code may read (the experiment's folder; siblings for DAG inputs). */
  readonly read: readonly string[];
  /** Output roots: read and write (a folder experiment's `.crystallize`, `--out`). */
  readonly write: readonly string[];
  /** The output root of experiments that set none (`CRYSTALLIZE_HOME` of the runner); one of `write`. */
  readonly home: string;
  /** Extra permissions from config.yaml `permissions:` and `--allow-*` flags. */
  readonly granted: WorkerPermissions;
  /** The Crystallize library the runner and workers load (a folder holding mod.ts and src/). */
  readonly library: string;
  /** Paths inside readable folders that may not be read (`.git`: see `confineSandbox`). */
  readonly denyRead?: readonly string[];
}

/**
 * Environment variables the sandbox may read: the default output root, and
 * the two debugging switches the YAML parser (npm `yaml`) checks when it
 * reads config.yaml.
 */
const RUNTIME_ENV = [OUTPUT_ROOT_ENV, "LOG_TOKENS", "LOG_STREAM"];

/**
 * How a sandboxed process is launched: read on its folders, the library and
 * the output root, write on the output root, the `CRYSTALLIZE_HOME`
 * variable (which carries the output root), plus what is granted, minus
 * `denyRead`. No `run`, `net`, `sys` or `ffi` unless granted, no downloads
 * (`offline`), and of the project's `deno.json` only its bare-name imports
 * (`config: "bare-imports"`, see `project_config.ts`). The runner gets
 * {@linkcode sandboxFlags}; its worker processes get these and V8 flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sandboxLaunch } from "./sandbox.ts";
 *
 * const launch = sandboxLaunch({ read: ["/exp"], write: ["/out"], home: "/out", granted: {}, library: "/lib" });
 * assert.deepEqual(launch.write, ["/out"]);
 * assert.equal(launch.config, "bare-imports");
 * ```
 */
export function sandboxLaunch(sandbox: Sandbox): LaunchFlagsOptions {
  return {
    read: [
      ...sandbox.read,
      join(sandbox.library, "mod.ts"),
      join(sandbox.library, "src"),
      ...sandbox.write,
    ],
    write: sandbox.write,
    granted: mergePermissions(sandbox.granted, { env: RUNTIME_ENV }),
    denyRead: sandbox.denyRead,
    offline: true,
    config: "bare-imports",
  };
}

/**
 * The `deno run` flags of a sandbox's runner (see {@linkcode sandboxLaunch}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sandboxFlags } from "./sandbox.ts";
 *
 * const flags = sandboxFlags({ read: ["/exp"], write: ["/exp/.crystallize"], home: "/exp/.crystallize", granted: {}, library: "/lib" });
 * assert.deepEqual(flags, [
 *   "--no-prompt",
 *   "--allow-read=/exp,/lib/mod.ts,/lib/src", // the output root is below /exp
 *   "--allow-write=/exp/.crystallize",
 *   "--allow-env=CRYSTALLIZE_HOME,LOG_TOKENS,LOG_STREAM",
 *   "--no-remote",
 *   "--cached-only",
 *   "--no-lock",
 *   "--node-modules-dir=none",
 *   "--no-config", // this checkout's deno.json maps no bare names
 * ]);
 * ```
 */
export function sandboxFlags(sandbox: Sandbox): string[] {
  return launchFlags(sandboxLaunch(sandbox));
}

/**
 * Two permission sets combined: `true` wins, lists are joined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergePermissions } from "./sandbox.ts";
 *
 * assert.deepEqual(mergePermissions({ net: ["a:1"] }, { net: ["b:2"], env: true }), { net: ["a:1", "b:2"], env: true });
 * ```
 */
export function mergePermissions(a: WorkerPermissions, b: WorkerPermissions): WorkerPermissions {
  const out: Record<string, boolean | readonly (string | URL)[]> = { ...a };
  for (const kind of PERMISSION_KINDS) {
    const x = a[kind];
    const y = b[kind];
    if (y === undefined || y === false) continue;
    if (x === true || y === true) out[kind] = true;
    else out[kind] = [...(Array.isArray(x) ? x : []), ...y];
  }
  return out as WorkerPermissions;
}

/**
 * Permissions from `--allow-<kind>[=a,b]` option values (`true` for a bare
 * flag). Relative paths are resolved against `cwd`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { permissionsFromFlags } from "./sandbox.ts";
 *
 * assert.deepEqual(permissionsFromFlags({ allowRead: "./data", allowNet: true }, "/home/me"), {
 *   read: ["/home/me/data"],
 *   net: true,
 * });
 * ```
 */
export function permissionsFromFlags(
  options: Readonly<Partial<Record<`allow${Capitalize<PermissionKind>}`, string | boolean>>>,
  cwd: string,
): WorkerPermissions {
  const out: Record<string, boolean | string[]> = {};
  for (const kind of PERMISSION_KINDS) {
    const key = `allow${kind[0].toUpperCase()}${kind.slice(1)}` as const;
    const value = options[key as `allow${Capitalize<PermissionKind>}`];
    if (value === undefined || value === false) continue;
    if (value === true || value === "") {
      out[kind] = true;
      continue;
    }
    const list = value.split(",").map((v) => v.trim()).filter((v) => v !== "");
    out[kind] = kind === "read" || kind === "write" || kind === "ffi"
      ? list.map((p) => isAbsolute(p) ? p : resolvePath(cwd, p))
      : list;
  }
  return out as WorkerPermissions;
}

/** The library copy a compiled binary unpacked (see {@linkcode prepareLibrary}). */
let embedded: EmbeddedLibrary | undefined;

/**
 * The folder of the Crystallize library this CLI belongs to: where the
 * runner and worker hosts are loaded from, and what `crystallize new`
 * scaffolds import. `$CRYSTALLIZE_LIB` overrides it. Under `deno run` (and
 * an installed `crystallize` command) it is the folder of this module's
 * copy; a compiled binary's own modules live in an embedded file system
 * that a `deno` child process cannot read, so there it is the copy
 * {@linkcode prepareLibrary} unpacked into the cache folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libraryRoot } from "./sandbox.ts";
 *
 * // This checkout (the folder holding mod.ts), unless CRYSTALLIZE_LIB is set and readable.
 * assert.ok(Deno.statSync(`${libraryRoot()}/mod.ts`).isFile);
 * ```
 */
export function libraryRoot(): string {
  const fromEnv = readableEnv("CRYSTALLIZE_LIB");
  if (fromEnv) return resolvePath(fromEnv.startsWith("file:") ? pathOfFileUrl(fromEnv) : fromEnv);
  if (!isCompiled()) return ownRoot();
  if (embedded?.folder !== undefined) {
    // Without deno the copy is named but not written: `new` may still scaffold,
    // and `run` fails where it starts deno, naming how to install it.
    if (embedded.error === undefined || embedded.error instanceof DenoNotFoundError) {
      return embedded.folder;
    }
  }
  throw new CliError(
    `this crystallize binary runs experiment code with a Deno runtime, which needs the Crystallize ` +
      `library on disk, and it could not unpack its own: ${
        embedded?.error?.message ?? "the library was not prepared"
      }`,
  );
}

/** This copy's root folder (the one holding mod.ts), without a trailing separator. */
function ownRoot(): string {
  return pathOfFileUrl(new URL("../../", import.meta.url)).replace(/[\\/]$/, "");
}

/**
 * Makes the library available on disk for {@linkcode libraryRoot}: in a
 * compiled binary without `$CRYSTALLIZE_LIB`, unpacks the embedded library
 * into `$XDG_CACHE_HOME/crystallize/<version>-<hash>/` (else
 * `~/.cache/crystallize/...`) on first use and verifies it on every later
 * one. Does nothing elsewhere. Never throws: a failure is reported by
 * `libraryRoot()`, when a command needs the library.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libraryRoot, prepareLibrary } from "./sandbox.ts";
 *
 * await prepareLibrary(); // nothing to do under `deno run`
 * assert.ok(libraryRoot().length > 0);
 * ```
 */
export async function prepareLibrary(): Promise<void> {
  if (!isCompiled() || readableEnv("CRYSTALLIZE_LIB")) return;
  embedded ??= await embeddedLibrary(ownRoot());
}

/**
 * Whether this code runs inside a `deno compile` binary
 * (`Deno.build.standalone`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCompiled } from "./sandbox.ts";
 *
 * assert.equal(isCompiled(), false); // under `deno run` and `deno test`
 * ```
 */
export function isCompiled(): boolean {
  return compiledRuntime();
}

/**
 * Whether a module a worker is asked to import lies where the sandbox may
 * read (or in the library), by its real path, and not in an output root
 * (code written by a run must not become code of its workers). Workers load
 * modules with permission checks too; this check refuses a bad request
 * before any worker starts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayImport } from "./sandbox.ts";
 *
 * const exp = await Deno.realPath(await Deno.makeTempDir());
 * await Deno.writeTextFile(`${exp}/steps.ts`, "export {};");
 * const library = new URL("../..", import.meta.url).pathname;
 * const sandbox = { read: [exp], write: [`${exp}/.crystallize`], home: exp, granted: {}, library };
 * assert.equal(mayImport(sandbox, `file://${exp}/steps.ts`), true);
 * assert.equal(mayImport(sandbox, new URL("../../mod.ts", import.meta.url).href), true);
 * assert.equal(mayImport(sandbox, new URL("../../README.md", import.meta.url).href), false);
 * await Deno.remove(exp, { recursive: true });
 * ```
 */
export function mayImport(sandbox: Sandbox, moduleUrl: string): boolean {
  if (!moduleUrl.startsWith("file:")) return false;
  let path: string;
  try {
    path = Deno.realPathSync(pathOfFileUrl(moduleUrl));
  } catch {
    return false;
  }
  const inside = (roots: readonly (string | URL)[]) =>
    roots.some((root) => within(root instanceof URL ? pathOfFileUrl(root) : root, path));
  if (inside(sandbox.write)) return false;
  const extra = sandbox.granted.read;
  return extra === true ||
    inside([
      ...sandbox.read,
      ...[sandbox.library, Deno.realPathSync(sandbox.library)].flatMap((lib) => [
        join(lib, "mod.ts"),
        join(lib, "src"),
      ]),
      ...(Array.isArray(extra) ? extra : []),
    ]);
}

/**
 * A file URL for a path (for entry modules).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileUrl } from "./sandbox.ts";
 *
 * assert.equal(fileUrl("/exp/demo.ts"), "file:///exp/demo.ts");
 * ```
 */
export function fileUrl(path: string): string {
  return fileUrlOf(path).href;
}
