/**
 * `node:path`'s `resolve` and `relative` for the running system, with the
 * working directory taken from `Deno.cwd()` and only when a path needs it:
 * `node:path` asks `node:process` for it, and loading that module cost
 * ≈ 9 ms the first time a process resolved a relative path (the CLI's
 * start-up did, for its target). Absolute paths never read it, so they
 * resolve even where `Deno.cwd()` throws (the working directory was removed).
 * @module
 */
import { hostPath } from "./path.ts";

const cwd = () => Deno.cwd();

/**
 * The absolute, normalized path of `paths` joined right to left, as
 * `node:path`'s `resolve`; the working directory is read only when no
 * segment is absolute.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvePath } from "./resolve_path.ts";
 *
 * assert.equal(resolvePath("/a/b", "../c/"), "/a/c");
 * assert.equal(resolvePath("x"), `${Deno.cwd()}/x`);
 * ```
 */
export function resolvePath(...paths: string[]): string {
  return hostPath.resolveWith(cwd, ...paths);
}

/**
 * The path from `from` to `to`, as `node:path`'s `relative` (each resolved
 * with {@linkcode resolvePath} first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relativePath } from "./resolve_path.ts";
 *
 * assert.equal(relativePath("/a/b", "/a/c/d"), "../c/d");
 * assert.equal(relativePath(".", "x/y"), "x/y");
 * ```
 */
export function relativePath(from: string, to: string): string {
  return hostPath.relativeWith(cwd, from, to);
}
