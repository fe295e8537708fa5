import { CrystallizeError } from "../errors.ts";

/**
 * A value that should go into a cache key (a cacheable step's input or
 * parameters) has no stable hash: a function, a symbol, a class instance
 * without `toJSON`, or a cycle. The message names the value's path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CacheKeyError, canonicalHash } from "@crystallize/deno";
 *
 * assert.throws(() => canonicalHash({ f: () => 1 }), CacheKeyError); // "value.f is a function, ..."
 * ```
 */
export class CacheKeyError extends CrystallizeError {}
