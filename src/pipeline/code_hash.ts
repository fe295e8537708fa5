import { sha256Hex } from "../sha256.ts";

/**
 * SHA-256 (hex) of a function's source text: the code fingerprint that goes
 * into pipeline signatures and cache keys. Editing a step's body changes it;
 * re-declaring the same code does not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeHash } from "./code_hash.ts";
 *
 * assert.equal(codeHash((x: number) => x + 1), codeHash((x: number) => x + 1));
 * assert.notEqual(codeHash((x: number) => x + 1), codeHash((x: number) => x + 2));
 * ```
 */
export function codeHash(fn: (...args: never[]) => unknown): string {
  return sha256Hex(fn.toString());
}

/**
 * {@linkcode codeHash} computed on first use and remembered: factories are
 * declared at import time, and most processes (workers) never need the hash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lazyCodeHash } from "./code_hash.ts";
 *
 * const hashOf = lazyCodeHash((x: number) => x + 1);
 * assert.equal(hashOf(), hashOf()); // computed once, on first use
 * ```
 */
export function lazyCodeHash(fn: (...args: never[]) => unknown): () => string {
  let hash: string | undefined;
  return () => hash ??= codeHash(fn);
}
