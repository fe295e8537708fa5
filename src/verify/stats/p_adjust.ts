/**
 * Multiple-comparison adjustment of p-values.
 *
 * @module
 */

import { StatisticsInputError } from "./errors.ts";
import { describeValue } from "./sample.ts";

/**
 * Holm's step-down adjustment (controls the family-wise error rate). With the
 * m p-values sorted ascending, p₍ᵢ₎ (i = 1..m) becomes
 * min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎): the running maximum keeps the adjusted
 * values monotone, exactly as statsmodels' `multipletests(method="holm")`.
 *
 * @param pValues Raw p-values, each a number in [0, 1]; may be empty.
 * @returns Adjusted p-values in the input order (a new array; `[]` for `[]`).
 * @throws {StatisticsInputError} for a non-array, or an entry that is not a
 * number in [0, 1] (NaN included), naming its index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { holm } from "./p_adjust.ts";
 *
 * assert.deepEqual(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
 * ```
 */
export function holm(pValues: readonly number[]): number[] {
  const p = validatePValues("holm", pValues);
  const m = p.length;
  const order = ascendingOrder(p);
  const adjusted = new Array<number>(m);
  let running = 0;
  for (let rank = 0; rank < m; rank++) {
    const i = order[rank];
    running = Math.max(running, Math.min(1, (m - rank) * p[i]));
    adjusted[i] = running;
  }
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up adjustment (controls the false discovery rate).
 * With the m p-values sorted ascending, p₍ᵢ₎ becomes
 * min(1, min_{j ≥ i} m·p₍ⱼ₎ / j), monotone as
 * `scipy.stats.false_discovery_control(p, method="bh")` and statsmodels'
 * `multipletests(method="fdr_bh")`.
 *
 * @param pValues Raw p-values, each a number in [0, 1]; may be empty.
 * @returns Adjusted p-values (q-values) in the input order (`[]` for `[]`).
 * @throws {StatisticsInputError} for a non-array, or an entry that is not a
 * number in [0, 1] (NaN included), naming its index.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benjaminiHochberg } from "./p_adjust.ts";
 *
 * assert.deepEqual(benjaminiHochberg([0.01, 0.04, 0.03]), [0.03, 0.04, 0.04]);
 * ```
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const p = validatePValues("benjaminiHochberg", pValues);
  const m = p.length;
  const order = ascendingOrder(p);
  const adjusted = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const i = order[rank];
    running = Math.min(running, (p[i] * m) / (rank + 1));
    adjusted[i] = running;
  }
  return adjusted;
}

function validatePValues(fn: string, pValues: unknown): readonly number[] {
  if (!Array.isArray(pValues)) {
    throw new StatisticsInputError(
      `${fn}: "pValues" must be an array of numbers in [0, 1], got ${describeValue(pValues)}.`,
      { argument: "pValues" },
    );
  }
  for (let i = 0; i < pValues.length; i++) {
    const v: unknown = pValues[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) {
      throw new StatisticsInputError(
        `${fn}: "pValues" has ${
          describeValue(v)
        } at index ${i}; every p-value must be a number in [0, 1] ` +
          `(a NaN p-value usually comes from a test on constant data — resolve it before adjusting).`,
        { argument: "pValues", index: i },
      );
    }
  }
  return pValues as readonly number[];
}

/** Indices sorted by ascending value; ties keep input order (stable). */
function ascendingOrder(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((i, j) => values[i] - values[j] || i - j);
}
