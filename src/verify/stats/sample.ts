/**
 * Shared helpers for the statistics module: input validation and numerically
 * careful mean and variance. Internal: not re-exported from `mod.ts`.
 *
 * @module
 */

import { StatisticsInputError } from "./errors.ts";

/**
 * Renders any value for an error message without ever throwing (unlike
 * `JSON.stringify`, which throws on bigints).
 *
 * @example
 * ```ts
 * import { describeValue } from "./sample.ts";
 * console.log(describeValue("3")); // "3" (string)
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `${JSON.stringify(value)} (string)`;
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${String(value)} (${typeof value})`;
}

/**
 * Checks that `values` is an array of at least `minSize` finite numbers and
 * returns it unchanged.
 *
 * @param fn Name of the public function, used to prefix the message.
 * @param argument Name of the argument (`"a"`, `"b"`), used in the message.
 * @param values What the caller passed.
 * @param minSize Smallest allowed length.
 * @throws {StatisticsInputError} naming the function, argument, index and
 * minimum size when the input is not usable.
 *
 * @example
 * ```ts
 * import { validateSample } from "./sample.ts";
 * const a = validateSample("welchTTest", "a", [1, 2, 3], 2);
 * console.log(a.length); // 3
 * ```
 */
export function validateSample(
  fn: string,
  argument: string,
  values: unknown,
  minSize: number,
): readonly number[] {
  if (!Array.isArray(values)) {
    throw new StatisticsInputError(
      `${fn}: sample "${argument}" must be an array of finite numbers, got ${
        describeValue(values)
      }.`,
      { argument },
    );
  }
  if (values.length < minSize) {
    throw new StatisticsInputError(
      `${fn}: sample "${argument}" has ${values.length} value${
        values.length === 1 ? "" : "s"
      }; it needs at least ${minSize}. Collect more replicates for "${argument}".`,
      { argument },
    );
  }
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== "number") {
      throw new StatisticsInputError(
        `${fn}: sample "${argument}" has a non-number entry ${
          describeValue(v)
        } at index ${i}; pass plain numbers (convert strings with Number()).`,
        { argument, index: i },
      );
    }
    if (!Number.isFinite(v)) {
      throw new StatisticsInputError(
        `${fn}: sample "${argument}" has the non-finite value ${v} at index ${i}; ` +
          `remove or repair it before testing (NaN and infinities are refused, not propagated).`,
        { argument, index: i },
      );
    }
  }
  return values as readonly number[];
}

/**
 * Sum with Neumaier compensation: accurate to about one rounding error even
 * when terms cancel or differ greatly in magnitude.
 *
 * @example
 * ```ts
 * import { sum } from "./sample.ts";
 * console.log(sum([1e16, 1, -1e16])); // 1
 * ```
 */
export function sum(values: readonly number[]): number {
  let s = 0;
  let c = 0;
  for (const v of values) {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  return s + c;
}

/**
 * Arithmetic mean of a non-empty sample. A constant sample returns its value
 * exactly.
 *
 * @example
 * ```ts
 * import { mean } from "./sample.ts";
 * console.log(mean([1, 2, 3, 4])); // 2.5
 * ```
 */
export function mean(values: readonly number[]): number {
  if (isConstant(values)) return values[0];
  return sum(values) / values.length;
}

/**
 * Sample variance with `ddof` delta degrees of freedom (default 1, i.e. the
 * unbiased n − 1 denominator, as `numpy.var(x, ddof=1)`). Uses the corrected
 * two-pass algorithm; a constant sample has variance exactly 0 (never a tiny
 * rounding residue that would make a t statistic finite but meaningless).
 *
 * @example
 * ```ts
 * import { variance } from "./sample.ts";
 * console.log(variance([1, 2, 3, 4])); // 1.6666666666666667
 * ```
 */
export function variance(values: readonly number[], ddof = 1): number {
  const n = values.length;
  if (isConstant(values)) return 0;
  const m = sum(values) / n;
  let ss = 0;
  let s = 0;
  for (const v of values) {
    const d = v - m;
    ss += d * d;
    s += d;
  }
  return Math.max(0, ss - (s * s) / n) / (n - ddof);
}

function isConstant(values: readonly number[]): boolean {
  const first = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return false;
  return true;
}
