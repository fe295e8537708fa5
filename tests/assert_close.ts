/**
 * Test helper: |actual − expected| ≤ rel·|expected| (relative error against a
 * reference value); NaN matches NaN and ±Infinity must match exactly.
 * @module
 */
import { ok } from "node:assert/strict";

/** Asserts `actual` is within relative error `rel` of `expected`. */
export function assertClose(
  actual: number | undefined,
  expected: number,
  rel = 1e-6,
  label = "",
): void {
  if (actual === undefined) throw new Error(`${label}: expected ${expected}, got undefined`);
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    ok(Object.is(actual, expected), `${label}: expected ${expected}, got ${actual}`);
    return;
  }
  const err = Math.abs(actual - expected);
  ok(
    err <= rel * Math.abs(expected),
    `${label}: expected ${expected}, got ${actual} (relative error ${err / Math.abs(expected)})`,
  );
}
