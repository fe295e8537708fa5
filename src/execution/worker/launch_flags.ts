/**
 * The one place the `deno run` flags of a child process are put together:
 * worker processes of a program's own pool, the CLI's sandboxed runner and
 * the worker processes the CLI starts for it, and the CLI's library writer.
 * What differs between them is said in {@linkcode LaunchFlagsOptions}.
 * @module
 */
import { permissionFlags, type WorkerPermissions } from "./permissions.ts";
import { configFlags, type ConfigUse } from "./project_config.ts";
import type { LibraryBuild } from "./library_build.ts";
import { v8FlagsArguments } from "./v8_flags.ts";

/**
 * Deno fetches and installs modules itself, outside permission checks:
 * remote imports from a list of default hosts, npm packages into the
 * library's `node_modules`, entries into its `deno.lock`. An offline child
 * does none of that: it loads what is already in Deno's cache.
 */
const OFFLINE = ["--no-remote", "--cached-only", "--no-lock", "--node-modules-dir=none"];

/** What a child process may do, and how Deno runs it. */
export interface LaunchFlagsOptions {
  /** Paths it may read. */
  readonly read: readonly string[];
  /** Paths it may read and write (list them in `read` too). */
  readonly write: readonly string[];
  /** Permissions on top (`true` for a kind grants all of it). */
  readonly granted?: WorkerPermissions;
  /** Paths inside readable folders it may not read. */
  readonly denyRead?: readonly string[];
  /** No downloads: only what Deno's cache holds (see `OFFLINE`). Default `false`. */
  readonly offline?: boolean;
  /**
   * Literal `import()`s load when they run, not at start-up
   * (`--unstable-lazy-dynamic-imports`). Deno otherwise reads and prepares
   * every module such an import names, and what those import, in every
   * process: a worker pays for the library's parent-only paths (planning,
   * the pool, the queue, folder loading) that it never runs, about 6 % of
   * its start-up. A module loaded late needs read permission, so the
   * process must be able to read the library. Default `false`.
   */
  readonly lazyImports?: boolean;
  /** What it sees of the project's `deno.json` (see {@linkcode ConfigUse}). */
  readonly config: ConfigUse;
  /**
   * The library's JavaScript copy to load instead of its TypeScript (see
   * `library_build.ts`); the process may read its folder. Default: none.
   */
  readonly libraryBuild?: LibraryBuild;
  /** V8 flags (see `v8FlagsArguments`). */
  readonly v8Flags?: readonly string[];
  /** V8 heap limit, MiB. */
  readonly maxHeapMb?: number;
}

/**
 * The `deno run` flags of a child process, in this order: permissions
 * (`--no-prompt`, read, write and what is granted, nothing else), `--deny-read`,
 * the offline flags, lazy imports, the project configuration, the V8 flags. Throws a
 * `CrystallizeError` for a path with a comma or a malformed V8 flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { launchFlags } from "./launch_flags.ts";
 *
 * assert.deepEqual(
 *   launchFlags({
 *     read: ["/exp", "/exp/.crystallize"],
 *     write: ["/exp/.crystallize"],
 *     granted: { net: ["127.0.0.1:8080"] },
 *     config: "none",
 *     v8Flags: ["--no-concurrent-recompilation"],
 *     maxHeapMb: 256,
 *   }),
 *   [
 *     "--no-prompt",
 *     "--allow-read=/exp", // the output root is below /exp
 *     "--allow-write=/exp/.crystallize",
 *     "--allow-net=127.0.0.1:8080",
 *     "--no-config",
 *     "--v8-flags=--no-concurrent-recompilation,--max-old-space-size=256",
 *   ],
 * );
 * ```
 */
export function launchFlags(options: LaunchFlagsOptions): string[] {
  const build = options.libraryBuild;
  const read = build === undefined ? options.read : [...options.read, build.dir];
  const flags = permissionFlags(read, options.write, options.granted);
  if (options.denyRead?.length) flags.push(`--deny-read=${options.denyRead.join(",")}`);
  if (options.offline) flags.push(...OFFLINE);
  if (options.lazyImports) flags.push("--unstable-lazy-dynamic-imports");
  flags.push(...configFlags(options.config, undefined, build));
  flags.push(...v8FlagsArguments(options.v8Flags ?? [], options.maxHeapMb));
  return flags;
}
