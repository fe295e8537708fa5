/**
 * Freezes plain objects and arrays recursively so a value stored in a context
 * cannot be changed through a reference read back from it. Class instances,
 * typed arrays, Maps and Sets are left as they are (freezing them either fails
 * or breaks their methods); they are shared by reference.
 *
 * Already-frozen values return at once, so freezing a treatment's values once
 * makes every later freeze of the same object free.
 *
 * @example
 * ```ts
 * const v = deepFreeze({ a: [1, 2] });
 * Object.isFrozen(v.a); // true
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
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
