/**
 * The folder the user invoked the CLI from. `deno task cli ...` runs the
 * task in the folder of its `deno.json`, whatever folder the user is in,
 * and says where that was in the `INIT_CWD` environment variable (npm
 * scripts set it too): the CLI works on that folder, so relative paths,
 * the default output root and `list`'s default folder are the user's.
 * @module
 */

/** The environment variable `deno task` (and npm) set to the folder they were started in. */
export const INVOCATION_DIR_ENV = "INIT_CWD";

/**
 * The folder named by `INIT_CWD`, when this process may read that variable
 * and it names a folder; `undefined` otherwise (a plain `deno run` or a
 * compiled binary: the working directory is already the user's).
 *
 * @example
 * ```ts
 * invocationDir(); // "/home/me/project/experiments" under `deno task cli` started there
 * ```
 */
export function invocationDir(): string | undefined {
  const state = Deno.permissions.querySync({ name: "env", variable: INVOCATION_DIR_ENV }).state;
  if (state !== "granted") return undefined;
  const dir = Deno.env.get(INVOCATION_DIR_ENV);
  if (!dir) return undefined;
  try {
    return Deno.statSync(dir).isDirectory ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes the folder the user invoked the CLI from ({@linkcode invocationDir})
 * the working directory of this process and of the processes it starts.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enterInvocationDir, invocationDir } from "./invocation_dir.ts";
 *
 * const before = Deno.cwd();
 * enterInvocationDir(); // `deno task cli` sets INIT_CWD; elsewhere nothing changes
 * assert.equal(Deno.cwd(), invocationDir() ?? before);
 * Deno.chdir(before);
 * ```
 */
export function enterInvocationDir(): void {
  const dir = invocationDir();
  if (dir !== undefined && dir !== Deno.cwd()) Deno.chdir(dir);
}
