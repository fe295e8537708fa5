import type { ResultRow } from "./rows.ts";

/** The CSV columns, in order. */
export const CSV_COLUMNS = [
  "experiment",
  "version",
  "run_id",
  "condition",
  "replicate",
  "seed",
  "metric",
  "value",
] as const;

/**
 * Rows as CSV (RFC 4180: a header line, CRLF line ends, fields with commas,
 * quotes or line breaks quoted, quotes doubled). `null` is an empty field;
 * a value that is not a number or string is written as JSON. A field that
 * a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
 * tab or CR, except a plain number) gets a leading `'`: condition and
 * metric names come from experiment code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowsToCsv } from "./csv.ts";
 *
 * const csv = rowsToCsv([{ experiment: "e", version: 0, runId: "r", condition: "a,b",
 *   replicate: 0, seed: 5, metric: "m", value: -1.5 }]);
 * assert.equal(csv, 'experiment,version,run_id,condition,replicate,seed,metric,value\r\ne,0,r,"a,b",0,5,m,-1.5\r\n');
 * ```
 */
export function rowsToCsv(rows: readonly ResultRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    lines.push(
      [r.experiment, r.version, r.runId, r.condition, r.replicate, r.seed, r.metric, r.value]
        .map(csvField).join(","),
    );
  }
  return lines.map((l) => `${l}\r\n`).join("");
}

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  let text = typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
