/** A value that may or may not need awaiting: the engine's sync fast path. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Whether `value` must be awaited. The engine creates a promise only when
 * user code returned one, so synchronous pipelines pay no microtask per step.
 *
 * @example
 * ```ts
 * isPromiseLike(Promise.resolve(1)); // true
 * isPromiseLike(1); // false
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
 * then(2, (x) => x + 1); // 3
 * await then(Promise.resolve(2), (x) => x + 1); // 4
 * ```
 */
export function then<T, U>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<U>,
): MaybePromise<U> {
  return isPromiseLike(value) ? value.then(next) : next(value);
}
