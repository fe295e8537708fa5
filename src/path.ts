/**
 * Path strings with `node:path`'s results, without loading `node:path`: the
 * first import of any `node:` builtin starts Deno's Node compatibility
 * layer, 6–12 ms of every process's start-up (CLI, runner, workers). Both
 * flavours are here ({@linkcode posixPath}, {@linkcode windowsPath}, each
 * testable on any system); the functions of the module use the running
 * system's. Resolving against the working directory is `resolve_path.ts`'s.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { basename, dirname, join, posixPath, windowsPath } from "./path.ts";
 *
 * const file = join("exp", "data", "a.csv");
 * assert.equal(basename(file, ".csv"), "a");
 * assert.equal(basename(dirname(file)), "data");
 * assert.equal(posixPath.join("/a", "../b"), "/b");
 * assert.equal(windowsPath.join("C:\\a", "../b"), "C:\\b");
 * ```
 * @module
 */
import type { PathFlavour } from "./path_flavour.ts";
import { posixPath } from "./path_posix.ts";
import { windowsPath } from "./path_windows.ts";

export type { PathFlavour } from "./path_flavour.ts";
export { posixPath } from "./path_posix.ts";
export { windowsPath } from "./path_windows.ts";

/**
 * The flavour of the running system: {@linkcode windowsPath} on Windows,
 * else {@linkcode posixPath}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hostPath, posixPath, windowsPath } from "./path.ts";
 *
 * assert.equal(hostPath, Deno.build.os === "windows" ? windowsPath : posixPath);
 * ```
 */
export const hostPath: PathFlavour = Deno.build.os === "windows" ? windowsPath : posixPath;

/**
 * The separator paths are written with here: `\` on Windows, else `/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join, sep } from "./path.ts";
 *
 * assert.equal(join("a", "b"), `a${sep}b`);
 * ```
 */
export const sep: "/" | "\\" = hostPath.sep;

/**
 * What separates the paths of a list such as `PATH` here: `;` on Windows, else `:`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { delimiter, join } from "./path.ts";
 *
 * const list = [join("a", "bin"), "b"].join(delimiter);
 * assert.deepEqual(list.split(delimiter), [join("a", "bin"), "b"]);
 * ```
 */
export const delimiter: ":" | ";" = hostPath.delimiter;

/**
 * The non-empty `paths` joined with {@linkcode sep} and normalized, as
 * `node:path`'s `join`; `"."` when there are none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join, sep } from "./path.ts";
 *
 * assert.equal(join("a", "", "b/", "../c"), `a${sep}c`);
 * assert.equal(join(), ".");
 * ```
 */
export const join: (...paths: string[]) => string = hostPath.join;

/**
 * `path` without its last name, as `node:path`'s `dirname`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dirname, join } from "./path.ts";
 *
 * assert.equal(dirname(join("a", "b", "c.ts")), join("a", "b"));
 * assert.equal(dirname("c.ts"), ".");
 * ```
 */
export const dirname: (path: string) => string = hostPath.dirname;

/**
 * The last name of `path`, without `suffix` when it ends with it (and is
 * more than it), as `node:path`'s `basename`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { basename, join } from "./path.ts";
 *
 * assert.equal(basename(join("a", "b.ts")), "b.ts");
 * assert.equal(basename(join("a", "b.ts"), ".ts"), "b");
 * assert.equal(basename(".ts", ".ts"), "");
 * ```
 */
export const basename: (path: string, suffix?: string) => string = hostPath.basename;

/**
 * Whether `path` starts at a root, as `node:path`'s `isAbsolute`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isAbsolute } from "./path.ts";
 *
 * assert.equal(isAbsolute(Deno.build.os === "windows" ? "C:\\x" : "/x"), true);
 * assert.equal(isAbsolute("x"), false);
 * ```
 */
export const isAbsolute: (path: string) => boolean = hostPath.isAbsolute;

/**
 * `path` with `.`, `..` and repeated separators collapsed, as
 * `node:path`'s `normalize`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join, normalize } from "./path.ts";
 *
 * assert.equal(normalize("a//b/./../c"), join("a", "c"));
 * assert.equal(normalize(""), ".");
 * ```
 */
export const normalize: (path: string) => string = hostPath.normalize;
