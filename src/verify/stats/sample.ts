/**
 * Input validation shared by the statistics module (the moments themselves
 * are in `moments.ts`). Internal: not re-exported from `mod.ts`.
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
 * import assert from "node:assert/strict";
 * import { describeValue } from "./sample.ts";
 *
 * assert.equal(describeValue("3"), '"3" (string)');
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
 * import assert from "node:assert/strict";
 * import { validateSample } from "./sample.ts";
 *
 * assert.equal(validateSample("welchTTest", "a", [1, 2, 3], 2).length, 3);
 * assert.throws(() => validateSample("welchTTest", "a", [1], 2), /at least 2/);
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
 * Checks the two samples `a` and `b` of a two-sample function `fn` (see
 * {@linkcode validateSample}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateSamples } from "./sample.ts";
 *
 * assert.throws(() => validateSamples("welchTTest", [1, 2], [3], 2), /sample "b" has 1 value/);
 * ```
 */
export function validateSamples(fn: string, a: unknown, b: unknown, minSize: number): void {
  validateSample(fn, "a", a, minSize);
  validateSample(fn, "b", b, minSize);
}

/**
 * Checks that `confidence` is a number strictly between 0 and 1 and returns it.
 *
 * @param fn Name of the public function, used to prefix the message.
 * @param confidence What the caller passed.
 * @throws {StatisticsInputError} naming the function and the fix otherwise.
 *
 * @example
 * ```ts
 * import { validateConfidence } from "./sample.ts";
 * console.log(validateConfidence("normalMeanDiffCI", 0.95)); // 0.95
 * ```
 */
export function validateConfidence(fn: string, confidence: unknown): number {
  if (typeof confidence !== "number" || !(confidence > 0 && confidence < 1)) {
    throw new StatisticsInputError(
      `${fn}: option "confidence" is ${
        describeValue(confidence)
      }; use a number strictly between 0 and 1, e.g. 0.95.`,
      { argument: "confidence" },
    );
  }
  return confidence;
}
