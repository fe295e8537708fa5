import { CrystallizeError } from "../errors.ts";

/**
 * A value that should go into a cache key (a cacheable step's input or
 * parameters) has no stable hash: a function, a symbol, a class instance
 * without `toJSON`, or a cycle. The message names the value's path.
 *
 * @example
 * ```ts
 * try {
 *   canonicalHash({ f: () => 1 });
 * } catch (e) {
 *   if (e instanceof CacheKeyError) console.log(e.message); // "value.f is a function, ..."
 * }
 * ```
 */
export class CacheKeyError extends CrystallizeError {}
