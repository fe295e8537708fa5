/** Objects this module froze all the way down (an object frozen elsewhere may hold unfrozen ones). */
const deeplyFrozen = new WeakSet<object>();

/**
 * Freezes plain objects and arrays recursively so a value stored in a context
 * cannot be changed through a reference read back from it. Class instances,
 * typed arrays, Maps and Sets are left as they are (freezing them either fails
 * or breaks their methods); they are shared by reference.
 *
 * A value this function froze before returns at once, so freezing a
 * treatment's values once makes every later freeze of the same object free.
 * An object frozen with `Object.freeze` alone is still walked: its nested
 * objects may not be frozen.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deepFreeze } from "./deep_freeze.ts";
 *
 * const v = deepFreeze({ a: [1, 2] });
 * assert.ok(Object.isFrozen(v) && Object.isFrozen(v.a));
 * assert.ok(Object.isFrozen(deepFreeze(Object.freeze({ b: [3] })).b));
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || deeplyFrozen.has(value)) return value;
  // Marked before walking, so a cycle ends here.
  deeplyFrozen.add(value);
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    Object.freeze(value);
    for (const item of value) deepFreeze(item);
  } else if (proto === Object.prototype || proto === null) {
    Object.freeze(value);
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
