import { isAbsolute, join, sep } from "../path.ts";
import { relativePath, resolvePath } from "../resolve_path.ts";
import { CrystallizeError } from "../errors.ts";

/**
 * A path built from names would lie outside the folder it belongs in. Names
 * are validated where they are defined; this is the second line of
 * defence, in the code that builds paths, against names that come from
 * elsewhere (stored files, other processes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PathEscapeError } from "@crystallize/deno";
 * import { joinInside } from "./join_inside.ts";
 *
 * assert.throws(() => joinInside("/out", "../etc"), PathEscapeError);
 * ```
 */
export class PathEscapeError extends CrystallizeError {}

/**
 * `join(folder, ...segments)`, refused with {@linkcode PathEscapeError} unless
 * the result lies strictly inside `folder` (after resolving `.` and `..`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PathEscapeError } from "@crystallize/deno";
 * import { joinInside } from "./join_inside.ts";
 *
 * assert.equal(joinInside("/out", "train", "v0"), "/out/train/v0");
 * assert.throws(() => joinInside("/out", "a/../../b"), PathEscapeError);
 * ```
 */
export function joinInside(folder: string, ...segments: string[]): string {
  const path = join(folder, ...segments);
  if (!isInside(folder, path)) {
    throw new PathEscapeError(
      `refusing to use ${JSON.stringify(segments.join(sep))} as a path inside ${folder}: ` +
        `it resolves to ${resolvePath(path)}, which is not inside that folder`,
    );
  }
  return path;
}

/**
 * Whether `path` lies strictly inside `folder` (both resolved against the
 * working directory; symbolic links are not followed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isInside } from "./join_inside.ts";
 *
 * assert.equal(isInside("/out", "/out/train/v0"), true);
 * assert.equal(isInside("/out", "/out/../etc"), false);
 * assert.equal(isInside("/out", "/out"), false);
 * ```
 */
export function isInside(folder: string, path: string): boolean {
  const rel = relativePath(folder, path);
  return rel !== "" && !isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`);
}
