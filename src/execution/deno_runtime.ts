/**
 * Which Deno executable child processes (worker processes, the CLI's
 * sandboxed runner) are started with, and whether this code runs inside a
 * `deno compile` binary.
 * @module
 */
import { delimiter, join } from "../path.ts";
import { CrystallizeError } from "../errors.ts";

/** The version of Deno this library is tested with, as the install hint names it. */
export const DENO_VERSION = "2.9.6";

/** How to install Deno, for error messages. */
export const INSTALL_DENO = `npm install -g deno@${DENO_VERSION}`;

/**
 * Whether this code runs inside a `deno compile` binary: there,
 * `Deno.execPath()` is the binary itself, not a Deno that can `run` modules.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isCompiled } from "./deno_runtime.ts";
 *
 * assert.equal(isCompiled(), false); // under `deno run` and `deno test`
 * ```
 */
export function isCompiled(): boolean {
  return Deno.build.standalone === true;
}

/**
 * An environment variable, when this process may read it (else `undefined`:
 * reading would throw, or prompt).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readableEnv } from "./deno_runtime.ts";
 *
 * assert.equal(readableEnv("SURELY_UNSET_VARIABLE_2f9c"), undefined);
 * ```
 */
export function readableEnv(name: string): string | undefined {
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return undefined;
  }
  return Deno.env.get(name);
}

/**
 * The first file named `name` in the folders of `path` (a `PATH`-style list),
 * or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findOnPath } from "./deno_runtime.ts";
 *
 * assert.equal(findOnPath("deno", ""), undefined);
 * ```
 */
export function findOnPath(name: string, path: string): string | undefined {
  const names = Deno.build.os === "windows" ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    for (const file of names) {
      const candidate = join(dir, file);
      try {
        if (Deno.statSync(candidate).isFile) return candidate;
      } catch {
        // Not here (or not readable): keep looking.
      }
    }
  }
  return undefined;
}

/** Why no Deno executable can be used, with how to fix it. */
export class DenoNotFoundError extends CrystallizeError {}

/**
 * The Deno a compiled binary starts children with: `$DENO_BIN` when set,
 * else `deno` from `PATH`. Throws a {@linkcode DenoNotFoundError} with a
 * one-line fix when there is none. Returns `undefined` outside a compiled
 * binary without `$DENO_BIN` (the running Deno is used there).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configuredDeno } from "./deno_runtime.ts";
 *
 * assert.equal(configuredDeno({ compiled: false, denoBin: undefined, path: "" }), undefined);
 * assert.equal(configuredDeno({ compiled: false, denoBin: "/opt/deno", path: "" }), "/opt/deno");
 * assert.throws(
 *   () => configuredDeno({ compiled: true, denoBin: undefined, path: "" }),
 *   /npm install -g deno@/,
 * );
 * ```
 */
export function configuredDeno(
  from: {
    readonly compiled: boolean;
    readonly denoBin: string | undefined;
    readonly path: string | undefined;
  } = { compiled: isCompiled(), denoBin: readableEnv("DENO_BIN"), path: readableEnv("PATH") },
): string | undefined {
  if (from.denoBin !== undefined && from.denoBin !== "") return from.denoBin;
  if (!from.compiled) return undefined;
  // Without PATH to look at, let the OS find `deno` (a failure names it).
  if (from.path === undefined) return "deno";
  if (findOnPath("deno", from.path) !== undefined) return "deno";
  throw new DenoNotFoundError(
    `crystallize runs experiment code with Deno, and there is no deno on PATH: ` +
      `install it with \`${INSTALL_DENO}\`, or set DENO_BIN to a deno executable`,
  );
}
