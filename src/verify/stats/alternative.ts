import { StatisticsInputError } from "./errors.ts";

/**
 * The alternative hypothesis of a two-sample test, with scipy's meaning:
 * the first sample `a` relative to the second sample `b`.
 *
 * - `"two-sided"` (the default): `a` and `b` differ.
 * - `"less"`: `a` is less than `b` (its mean, or stochastically for ranks).
 * - `"greater"`: `a` is greater than `b`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Alternative } from "./alternative.ts";
 * import { welchTTest } from "./t_test.ts";
 *
 * const alternative: Alternative = "greater"; // a's mean is greater than b's
 * assert.ok(welchTTest([3, 4, 5], [1, 2, 3], { alternative }).pValue < 0.05);
 * ```
 */
export type Alternative = "two-sided" | "less" | "greater";

const ALTERNATIVES: readonly Alternative[] = ["two-sided", "less", "greater"];

/**
 * Returns `alternative` (default `"two-sided"`) after checking that it is one
 * of the three allowed values.
 *
 * @throws {StatisticsInputError} for any other value.
 */
export function resolveAlternative(fn: string, alternative: unknown): Alternative {
  if (alternative === undefined) return "two-sided";
  if (ALTERNATIVES.includes(alternative as Alternative)) return alternative as Alternative;
  throw new StatisticsInputError(
    `${fn}: option "alternative" is ${JSON.stringify(alternative)}; ` +
      `use one of "two-sided" (default), "less" or "greater".`,
    { argument: "alternative" },
  );
}
