import { createSha256 } from "../sha256.ts";
import { CacheKeyError } from "./cache_key_error.ts";
import { CanonicalEncoder } from "./canonical_encoder.ts";
import { HashRefusal } from "./hash_refusal.ts";

/** The buffer between the encoder and the hash: large enough for few `update` calls. */
const BUFFER_SIZE = 64 * 1024;

/**
 * SHA-256 (hex) of a value's canonical encoding: equal data hashes equally
 * however it was built. The rules:
 *
 * - plain objects: keys sorted, so key order does not matter; a key whose
 *   value is `undefined` differs from a missing key;
 * - `Map` and `Set`: order-free (entries sorted by their own hashes);
 * - numbers: by their float64 bits, so `-0` differs from `0`; every `NaN` is
 *   one value; `Infinity` and `-Infinity` are distinct values;
 * - strings by their UTF-16 code units (so lone surrogates stay distinct);
 * - `BigInt` differs from the number with the same value; `Date` by its
 *   time; `RegExp` by source and flags;
 * - typed arrays, `DataView` and `ArrayBuffer` by their bytes and element
 *   type (`Uint8Array [1]` differs from `Int8Array [1]` and from `[1]`);
 * - a {@linkcode ResourceFactory} by its `key` (resources are not data);
 * - class instances by their `toJSON()` and class name.
 *
 * Functions, symbols, class instances without `toJSON` and cycles throw
 * {@linkcode CacheKeyError} naming the path of the value (`path` is the
 * name of the root).
 *
 * Speed: at most about the cost of `v8.serialize` plus SHA-256 of its
 * bytes (the floor of hashing arbitrary data) for arrays of numbers, of
 * objects and of strings (CJK included), faster for typed arrays
 * (`deno task bench:cache`). The hash values are fixed (tests pin them):
 * stored cache keys stay valid from one version to the next.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalHash } from "@crystallize/deno";
 *
 * assert.equal(canonicalHash({ a: 1, b: [2, 3] }), canonicalHash({ b: [2, 3], a: 1 }));
 * assert.equal(canonicalHash(new Set([1, 2])), canonicalHash(new Set([2, 1])));
 * assert.notEqual(canonicalHash(0), canonicalHash(-0));
 * ```
 */
export function canonicalHash(value: unknown, path = "value"): string {
  const encoder = new CanonicalEncoder(createSha256(), BUFFER_SIZE, []);
  try {
    encoder.write(value);
  } catch (error) {
    if (error instanceof HashRefusal) throw new CacheKeyError(error.describe(path + error.path()));
    throw error;
  }
  return encoder.digest();
}
