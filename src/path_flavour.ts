/**
 * What a flavour of path strings (POSIX or Windows) offers, and the parts
 * both flavours share: collapsing `.` and `..` segments and finding the last
 * name of a path. The flavours themselves are `path_posix.ts` and
 * `path_windows.ts`; `path.ts` picks the one of the running system.
 * @module
 */

/**
 * The path functions of one flavour, with `node:path`'s results for the
 * same arguments. `resolveWith` and `relativeWith` take the working
 * directory as a function, called only when no argument is absolute enough:
 * absolute paths then resolve without a system call, and even where
 * `Deno.cwd()` throws (the working directory was removed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PathFlavour } from "./path_flavour.ts";
 * import { posixPath } from "./path_posix.ts";
 *
 * const flavour: PathFlavour = posixPath;
 * assert.equal(flavour.join("a", "b"), "a/b");
 * ```
 */
export interface PathFlavour {
  /**
   * The separator the functions write: `/`, or `\` on Windows (where `/`
   * is read as one too).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { windowsPath } from "./path_windows.ts";
   *
   * assert.equal(["a", "b"].join(windowsPath.sep), "a\\b");
   * ```
   */
  readonly sep: "/" | "\\";
  /**
   * What separates the paths of a list such as `PATH`: `:`, or `;` on Windows.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { posixPath } from "./path_posix.ts";
   *
   * assert.deepEqual("/bin:/usr/bin".split(posixPath.delimiter), ["/bin", "/usr/bin"]);
   * ```
   */
  readonly delimiter: ":" | ";";
  /**
   * The non-empty `paths` joined with the separator, then normalized;
   * `"."` when there are none.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { posixPath } from "./path_posix.ts";
   *
   * assert.equal(posixPath.join("/a", "b/", "../c"), "/a/c");
   * assert.equal(posixPath.join(), ".");
   * ```
   */
  join(...paths: string[]): string;
  /**
   * `path` without its last name (and the separators after it); `"."`
   * when it has only one relative name.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { windowsPath } from "./path_windows.ts";
   *
   * assert.equal(windowsPath.dirname("C:\\a\\b\\"), "C:\\a");
   * assert.equal(windowsPath.dirname("C:\\"), "C:\\");
   * ```
   */
  dirname(path: string): string;
  /**
   * The last name of `path` (trailing separators ignored), without
   * `suffix` when it ends with it and is more than it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { posixPath } from "./path_posix.ts";
   *
   * assert.equal(posixPath.basename("/a/b.ts/"), "b.ts");
   * assert.equal(posixPath.basename("/a/b.ts", ".ts"), "b");
   * assert.equal(posixPath.basename("/a/.ts", ".ts"), ".ts");
   * ```
   */
  basename(path: string, suffix?: string): string;
  /**
   * Whether `path` starts at a root: `/`; on Windows a separator, `C:\` or
   * `C:/` (but not the drive-relative `C:foo`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { windowsPath } from "./path_windows.ts";
   *
   * assert.equal(windowsPath.isAbsolute("\\foo"), true);
   * assert.equal(windowsPath.isAbsolute("C:foo"), false);
   * ```
   */
  isAbsolute(path: string): boolean;
  /**
   * `path` with `.` and `..` segments and repeated separators collapsed (a
   * trailing separator kept); `"."` for an empty path.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { posixPath } from "./path_posix.ts";
   *
   * assert.equal(posixPath.normalize("/a//b/../c/."), "/a/c");
   * assert.equal(posixPath.normalize("../../x/"), "../../x/");
   * ```
   */
  normalize(path: string): string;
  /**
   * The absolute, normalized path of `paths` joined right to left until one
   * is absolute (`node:path`'s `resolve`), before them `cwd()` when none is.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { posixPath } from "./path_posix.ts";
   *
   * assert.equal(posixPath.resolveWith(() => "/home", "a", "../b"), "/home/b");
   * assert.equal(posixPath.resolveWith(() => "/home", "/x", "y"), "/x/y");
   * ```
   */
  resolveWith(cwd: () => string, ...paths: string[]): string;
  /**
   * The path from `from` to `to`, both resolved with {@linkcode resolveWith}
   * first (`node:path`'s `relative`); `""` when they are the same.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { posixPath } from "./path_posix.ts";
   *
   * assert.equal(posixPath.relativeWith(() => "/home", "a/b", "c"), "../../c");
   * ```
   */
  relativeWith(cwd: () => string, from: string, to: string): string;
}

/**
 * The segments of a path that remain once `.`, empty segments and `..`
 * (with the segment before it) are dropped. A `..` that climbs above the
 * first segment is kept when `aboveRoot` (a relative path may climb), and
 * dropped otherwise (nothing is above a root).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collapseSegments } from "./path_flavour.ts";
 *
 * assert.deepEqual(collapseSegments(["a", "", ".", "..", "..", "b"], true), ["..", "b"]);
 * assert.deepEqual(collapseSegments(["..", "b"], false), ["b"]);
 * ```
 */
export function collapseSegments(segments: readonly string[], aboveRoot: boolean): string[] {
  const kept: string[] = [];
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    if (segment !== "..") kept.push(segment);
    else if (kept.length > 0 && kept.at(-1) !== "..") kept.pop();
    else if (aboveRoot) kept.push("..");
  }
  return kept;
}

/**
 * The last name of `path` for `basename`, with `node:path`'s rules for
 * `suffix`: `""` when the whole path is the suffix; the name unchanged when
 * it is the suffix; and when the name is the end of a longer suffix, the
 * rest of the path from the name on, trailing separators included. `floor`
 * is where the name may start at the earliest (after a drive letter).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lastName } from "./path_flavour.ts";
 *
 * const slash = (c: string) => c === "/";
 * assert.equal(lastName("/a/b.ts/", undefined, 0, slash), "b.ts");
 * assert.equal(lastName("/a/b.ts", ".ts", 0, slash), "b");
 * assert.equal(lastName("/ts/", "x.ts", 0, slash), "ts/");
 * ```
 */
export function lastName(
  path: string,
  suffix: string | undefined,
  floor: number,
  isSeparator: (c: string) => boolean,
): string {
  let end = path.length;
  while (end > floor && isSeparator(path[end - 1])) end--;
  let start = end;
  while (start > floor && !isSeparator(path[start - 1])) start--;
  const name = path.slice(start, end);
  if (suffix === undefined || suffix === "" || suffix.length > path.length) return name;
  if (suffix === path) return "";
  if (name.length > suffix.length && name.endsWith(suffix)) return name.slice(0, -suffix.length);
  // Node compares the suffix from its end and stops at the name's start; when the suffix is longer
  // and the name matched all the way, it keeps everything after the name's start.
  if (suffix.length > name.length && suffix.endsWith(name)) return path.slice(start);
  return name;
}
