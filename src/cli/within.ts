import { isAbsolute, sep } from "../path.ts";
import { relativePath } from "../resolve_path.ts";

/**
 * Whether `path` is `folder` or inside it (as paths, no links followed).
 *
 * @example
 * ```ts
 * import { within } from "./within.ts";
 * if (!within("/exp", "/exp/data") || within("/exp", "/exp2")) throw new Error();
 * ```
 */
export function within(folder: string, path: string): boolean {
  const rel = relativePath(folder, path);
  return !isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`);
}
