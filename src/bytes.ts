/**
 * The bytes of `parts` one after another. When at most one part is
 * non-empty it is returned itself (no copy), so callers must not change the
 * result or the parts afterwards.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concatBytes } from "./bytes.ts";
 *
 * const joined = concatBytes(new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3]));
 * assert.deepEqual([...joined], [1, 2, 3]);
 * ```
 */
export function concatBytes<B extends ArrayBufferLike>(
  ...parts: readonly Uint8Array<B>[]
): Uint8Array<B | ArrayBuffer> {
  const nonEmpty = parts.filter((p) => p.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? new Uint8Array(0);
  const out = new Uint8Array(nonEmpty.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of nonEmpty) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Bytes as lowercase hex, two digits each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hexOf } from "./bytes.ts";
 *
 * assert.equal(hexOf(new Uint8Array([0, 15, 255])), "000fff");
 * ```
 */
export function hexOf(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}
