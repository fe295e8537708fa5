import { createHash } from "node:crypto";

/**
 * SHA-256 (hex) of a function's source text: the code fingerprint that goes
 * into pipeline signatures and cache keys. Editing a step's body changes it;
 * re-declaring the same code does not.
 *
 * @example
 * ```ts
 * codeHash((x: number) => x + 1) === codeHash((x: number) => x + 1); // true
 * ```
 */
export function codeHash(fn: (...args: never[]) => unknown): string {
  return sha256Hex(fn.toString());
}

/**
 * SHA-256 of a UTF-8 string, as lowercase hex.
 *
 * @example
 * ```ts
 * sha256Hex("abc").slice(0, 8); // "ba7816bf"
 * ```
 */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
