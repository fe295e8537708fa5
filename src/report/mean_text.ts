import { meanCi } from "../verify/stats/mean_ci.ts";
import { formatNumber } from "./text_format.ts";

/**
 * A sample as tables show it: the count of numeric values and
 * `mean ± half-width` of its 95% t interval (no `±` below two values;
 * `k non-numeric` when none is a number).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { meanCiText } from "./mean_text.ts";
 *
 * assert.deepEqual(meanCiText([1, 2, 3]), { n: 3, text: "2 ± 2.4841" }); // t(0.975, 2) × 1/√3
 * assert.deepEqual(meanCiText(["a"]), { n: 0, text: "1 non-numeric" });
 * ```
 */
export function meanCiText(values: readonly unknown[]): { n: number; text: string } {
  const { n, mean, halfWidth } = meanCi(values);
  if (n === 0) return { n, text: `${values.length} non-numeric` };
  const ci = Number.isNaN(halfWidth) ? "" : ` ± ${formatNumber(halfWidth)}`;
  return { n, text: `${formatNumber(mean)}${ci}` };
}
