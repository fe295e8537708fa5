import { CrystallizeError } from "../../errors.ts";
import type { ErrorData } from "./messages.ts";

/** Permissions experiment code may be granted, in Deno's permission-descriptor shape. */
export interface WorkerPermissions {
  /** Paths the code may read (added to the experiment's folder and the library). */
  readonly read?: readonly (string | URL)[] | boolean;
  /** Paths the code may write (added to the output folder). */
  readonly write?: readonly (string | URL)[] | boolean;
  /** Hosts (`"example.com:443"`) the code may reach, or `true` for any. */
  readonly net?: readonly string[] | boolean;
  /** Environment variables the code may read, or `true` for all. */
  readonly env?: readonly string[] | boolean;
  /** Programs the code may run, or `true` for any. */
  readonly run?: readonly string[] | boolean;
  /** System information the code may query (`"hostname"`, ...), or `true`. */
  readonly sys?: readonly string[] | boolean;
  /** Native libraries the code may load, or `true`. */
  readonly ffi?: readonly (string | URL)[] | boolean;
}

const FLAG = {
  read: "--allow-read",
  write: "--allow-write",
  net: "--allow-net",
  env: "--allow-env",
  run: "--allow-run",
  sys: "--allow-sys",
  ffi: "--allow-ffi",
} as const;

/**
 * Deno flags for a worker process: read on `readPaths`, write on
 * `writePaths`, plus what `granted` adds; nothing else. `--no-prompt` makes
 * a missing permission an immediate error instead of a question. A path
 * inside another listed path adds nothing and is left out, so that the flags
 * (which decide whether kept workers can serve a run) do not change with,
 * say, the version folder of each stored run under the output root.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { permissionFlags } from "./permissions.ts";
 *
 * assert.deepEqual(permissionFlags(["/exp"], ["/exp/.crystallize"], { net: ["127.0.0.1:8080"] }), [
 *   "--no-prompt",
 *   "--allow-read=/exp",
 *   "--allow-write=/exp/.crystallize",
 *   "--allow-net=127.0.0.1:8080",
 * ]);
 * ```
 */
export function permissionFlags(
  readPaths: readonly string[],
  writePaths: readonly string[],
  granted: WorkerPermissions = {},
): string[] {
  const flags = ["--no-prompt"];
  for (const kind of Object.keys(FLAG) as (keyof typeof FLAG)[]) {
    const base = kind === "read" ? readPaths : kind === "write" ? writePaths : [];
    const extra = granted[kind];
    if (extra === true) flags.push(FLAG[kind]);
    else {
      const list = [...base, ...(Array.isArray(extra) ? extra.map(String) : [])].map((p) =>
        p.startsWith("file:") ? decodeURIComponent(new URL(p).pathname) : p
      );
      const comma = list.find((p) => p.includes(","));
      if (comma !== undefined) {
        throw new CrystallizeError(
          `cannot grant ${kind} access to '${comma}': Deno's permission flags separate entries ` +
            "with commas, so a name with a comma would grant something else; rename it",
        );
      }
      if (list.length > 0) flags.push(`${FLAG[kind]}=${outermost(list).join(",")}`);
    }
  }
  return flags;
}

/** The paths not inside another path of the list (each once, in list order). */
function outermost(paths: readonly string[]): string[] {
  const inside = (path: string, folder: string) =>
    path !== folder && path.startsWith(folder.endsWith(SEP) ? folder : folder + SEP);
  return [...new Set(paths)].filter((p) => !paths.some((other) => inside(p, other)));
}

const SEP = Deno.build.os === "windows" ? "\\" : "/";

const DENIED = /Requires (read|write|net|env|run|sys|ffi|import) access to (.+?)(?:,|$)/;

/**
 * A permission error's message with the way to grant it in Crystallize
 * (Deno's own suggests a command-line flag the worker cannot take).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainPermissionError } from "./permissions.ts";
 *
 * const text = explainPermissionError({
 *   name: "NotCapable",
 *   message: 'Requires read access to "/etc/hostname", run again with the --allow-read flag',
 * });
 * assert.match(text, /grant it with\s+ParallelExecution\(\{ permissions: \{ read: \["\/etc\/hostname"\] \} \}\)/);
 * ```
 */
export function explainPermissionError(error: ErrorData): string {
  const match = DENIED.exec(error.message);
  if (match === null || !/NotCapable|PermissionDenied/.test(error.name)) return error.message;
  const [, kind, target] = match;
  const value = target.replace(/^"|"$/g, "");
  return `Requires ${kind} access to ${target} (experiment code runs with scoped permissions; grant it with ` +
    `ParallelExecution({ permissions: { ${kind}: [${JSON.stringify(value)}] } }), ` +
    `or under \`permissions:\` in a folder experiment's config.yaml)`;
}
