/**
 * Numbers and tables as text: the one way summaries, Markdown exports and
 * reports write a number.
 * @module
 */

/**
 * A number for tables: 4 significant decimals, exponent form when tiny or
 * huge, `-` for NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatNumber } from "./text_format.ts";
 *
 * assert.equal(formatNumber(0.000012), "1.200e-5");
 * assert.equal(formatNumber(2 / 3), "0.6667");
 * ```
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return "-";
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(3);
  return Number(x.toFixed(4)).toString();
}

/**
 * A value for tables: numbers by {@linkcode formatNumber}, booleans as
 * yes/no, `-` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCell } from "./text_format.ts";
 *
 * assert.deepEqual([formatCell(0.5), formatCell(true), formatCell(undefined)], ["0.5", "yes", "-"]);
 * ```
 */
export function formatCell(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  return "-";
}

/**
 * Rows padded into aligned columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { table } from "./text_format.ts";
 *
 * assert.deepEqual(table([["a", "bb"], ["ccc", "d"]]), ["a    bb", "ccc  d"]);
 * ```
 */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
}
