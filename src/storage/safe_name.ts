import { sha256Hex } from "../sha256.ts";
import { MAX_PATH_NAME_BYTES } from "../path_name.ts";

const encoder = new TextEncoder();

/**
 * Any name (a step's, whatever it contains) as one path segment, for folders
 * whose names are internal (the step cache): letters, digits, `.`, `_` and
 * `-` are kept, every other byte of its UTF-8 becomes `%XX` (and the dots
 * of `.` and `..`), so distinct names give distinct segments and none can
 * leave its folder. An encoding longer than
 * {@linkcode MAX_PATH_NAME_BYTES} is cut and ends with a hash of the name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeName } from "./safe_name.ts";
 *
 * assert.equal(safeName("add_delta"), "add_delta");
 * assert.equal(safeName("../../tmp/x"), "..%2F..%2Ftmp%2Fx");
 * assert.equal(safeName(".."), "%2E%2E");
 * assert.equal(safeName("lr=0.1"), "lr%3D0.1");
 * ```
 */
export function safeName(name: string): string {
  if (name === "") return "%";
  if (name === "." || name === "..") return name.replaceAll(".", "%2E");
  let out = "";
  for (const byte of encoder.encode(name)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  if (out.length <= MAX_PATH_NAME_BYTES) return out;
  const hash = sha256Hex(name).slice(0, 32);
  return `${out.slice(0, MAX_PATH_NAME_BYTES - hash.length - 1)}~${hash}`;
}
