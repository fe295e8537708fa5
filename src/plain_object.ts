/**
 * Whether `v` is a plain `{}` object (not an array, class instance or null).
 * In the base room so that message checks (which the CLI loads before it
 * starts a runner) need none of the run machinery.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPlainObject } from "./plain_object.ts";
 *
 * assert.equal(isPlainObject({ a: 1 }), true);
 * assert.equal(isPlainObject(Object.create(null)), true);
 * assert.equal(isPlainObject([1]), false);
 * assert.equal(isPlainObject(new Date()), false);
 * ```
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
