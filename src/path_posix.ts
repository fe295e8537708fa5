/**
 * POSIX path strings, with `node:path`'s `posix` results: `/` is the only
 * separator and the only root.
 * @module
 */
import { collapseSegments, lastName, type PathFlavour } from "./path_flavour.ts";

const isSlash = (c: string) => c === "/";

function normalize(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const tail = collapseSegments(path.split("/"), !absolute).join("/");
  if (tail === "") return absolute ? "/" : path.endsWith("/") ? "./" : ".";
  return `${absolute ? "/" : ""}${tail}${path.endsWith("/") ? "/" : ""}`;
}

function join(...paths: string[]): string {
  const joined = paths.filter((p) => p !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

function dirname(path: string): string {
  if (path === "") return ".";
  // The separator before the last name; the one at index 0 is the root, not a parent's end.
  let end = path.length - 1;
  while (end > 0 && path[end] === "/") end--;
  while (end > 0 && path[end] !== "/") end--;
  if (end === 0) return path.startsWith("/") ? "/" : ".";
  // Node keeps the separators before the name's separator, and `//` for `//x`.
  return end === 1 && path.startsWith("/") ? "//" : path.slice(0, end);
}

function resolveWith(cwd: () => string, ...paths: string[]): string {
  let joined = "";
  for (let i = paths.length - 1; i >= 0 && !joined.startsWith("/"); i--) {
    if (paths[i] !== "") joined = `${paths[i]}/${joined}`;
  }
  if (!joined.startsWith("/")) joined = `${cwd()}/${joined}`;
  const absolute = joined.startsWith("/");
  const tail = collapseSegments(joined.split("/"), !absolute).join("/");
  return absolute ? `/${tail}` : tail || ".";
}

function relativeWith(cwd: () => string, from: string, to: string): string {
  const names = (path: string) => resolveWith(cwd, path).split("/").filter((s) => s !== "");
  const fromNames = names(from), toNames = names(to);
  let common = 0;
  while (
    common < fromNames.length && common < toNames.length &&
    fromNames[common] === toNames[common]
  ) common++;
  const up = fromNames.slice(common).map(() => "..");
  return [...up, ...toNames.slice(common)].join("/");
}

/**
 * The POSIX flavour (`node:path`'s `posix`), on every system: for paths
 * that are POSIX whatever the host, such as a bundle's file names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { posixPath } from "./path_posix.ts";
 *
 * assert.equal(posixPath.join("/lib", "..", "src", "a.ts"), "/src/a.ts");
 * assert.equal(posixPath.isAbsolute("C:\\x"), false);
 * assert.equal(posixPath.dirname("/a/b"), "/a");
 * ```
 */
export const posixPath: PathFlavour = Object.freeze({
  sep: "/",
  delimiter: ":",
  join,
  dirname,
  basename: (path: string, suffix?: string) => lastName(path, suffix, 0, isSlash),
  isAbsolute: (path: string) => path.startsWith("/"),
  normalize,
  resolveWith,
  relativeWith,
});
