/**
 * JSON text that keeps what plain JSON loses in metrics: `NaN`, `Infinity`
 * and `-Infinity` are written as `{"$number": "NaN"}` (and so on) and read
 * back as numbers. Everything else is ordinary JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromJsonText, toJsonText } from "./json_values.ts";
 *
 * const text = toJsonText({ loss: [NaN, 1] });
 * assert.deepEqual(fromJsonText(text), { loss: [NaN, 1] });
 * ```
 */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
    if (typeof v === "bigint") return { $bigint: v.toString() };
    return v;
  }, indent);
}

/**
 * Parses text written by {@linkcode toJsonText}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromJsonText } from "./json_values.ts";
 *
 * assert.deepEqual(fromJsonText('{"x":{"$number":"-Infinity"}}'), { x: -Infinity });
 * ```
 */
export function fromJsonText(text: string): unknown {
  return JSON.parse(text, (_key, v) => {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$number") return Number(v.$number);
      if (keys.length === 1 && keys[0] === "$bigint") return BigInt(v.$bigint);
    }
    return v;
  });
}
