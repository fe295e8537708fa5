/** A value that may or may not need awaiting: the engine's sync fast path. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Whether `value` must be awaited. The engine creates a promise only when
 * user code returned one, so synchronous pipelines pay no microtask per step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPromiseLike } from "./promise.ts";
 *
 * assert.equal(isPromiseLike(Promise.resolve(1)), true);
 * assert.equal(isPromiseLike(1), false);
 * ```
 */
export function isPromiseLike<T>(value: MaybePromise<T> | PromiseLike<T>): value is Promise<T> {
  return value instanceof Promise ||
    (typeof value === "object" && value !== null &&
      typeof (value as PromiseLike<T>).then === "function");
}

/**
 * Applies `next` to `value` now when it is ready, or when it resolves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { then } from "./promise.ts";
 *
 * assert.equal(then(2, (x) => x + 1), 3); // no promise when the value is not one
 * assert.equal(await then(Promise.resolve(2), (x) => x + 1), 3);
 * ```
 */
export function then<T, U>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<U>,
): MaybePromise<U> {
  return isPromiseLike(value) ? value.then(next) : next(value);
}
