/**
 * JSON text that keeps what plain JSON loses in metrics: `NaN`, `Infinity`
 * and `-Infinity` are written as `{"$number": "NaN"}` (and so on) and
 * bigints as `{"$bigint": "12"}`, and read back as such. Everything else is
 * ordinary JSON. With `indent`, objects and arrays holding objects or arrays
 * get one entry per line, while arrays of plain values (metrics, seeds) stay
 * on one line, so a run of 100k replicates is not 100k lines of numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromJsonText, toJsonText } from "./json_values.ts";
 *
 * const text = toJsonText({ loss: [NaN, 1] });
 * assert.deepEqual(fromJsonText(text), { loss: [NaN, 1] });
 * assert.equal(toJsonText({ a: [1, 2], b: { c: "x" } }, 2), '{\n  "a": [1,2],\n  "b": {\n    "c": "x"\n  }\n}');
 * ```
 */
export function toJsonText(value: unknown, indent?: number): string {
  return indent === undefined || indent === 0 ? compact(value) : pretty(value, indent);
}

/** The replacer that keeps non-finite numbers and bigints. */
function keepValues(_key: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
  if (typeof v === "bigint") return { $bigint: v.toString() };
  return v;
}

/**
 * One-line JSON. A replacer makes `JSON.stringify` about 3× slower, so it
 * runs only when needed: a bigint makes plain `JSON.stringify` throw, and a
 * non-finite number comes out as `null`, so text without `null` is final.
 */
function compact(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined || !text.includes("null")) return text;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error; // a bigint (a cycle throws again below)
  }
  return JSON.stringify(value, keepValues);
}

/** Start of a placeholder; with a fresh nonce per call, no string a caller wrote can match one. */
const FLAT_TOKEN = "\u0000flat-array:";

/**
 * Indented JSON with arrays of plain values on one line. Each such array is
 * replaced, while `JSON.stringify` walks the value, by a placeholder string
 * (so its elements are never visited by the replacer), written compactly,
 * and put back in place of the placeholder's quoted text.
 */
function pretty(value: unknown, indent: number): string {
  const nonce = crypto.randomUUID();
  const flats: string[] = [];
  const text = JSON.stringify(value, (key, v) => {
    if (Array.isArray(v) && v.length > 0 && v.every(isPlain)) {
      flats.push(compact(v));
      return `${FLAT_TOKEN}${nonce}:${flats.length - 1}`;
    }
    return keepValues(key, v);
  }, indent);
  if (flats.length === 0 || text === undefined) return text;
  const placeholder = new RegExp(`"\\\\u0000flat-array:${nonce}:(\\d+)"`, "g");
  return text.replace(placeholder, (_match, i: string) => flats[Number(i)]);
}

/** A value JSON writes as a literal (what `toJSON` could change is left to the replacer). */
function isPlain(v: unknown): boolean {
  return v === null || typeof v === "number" || typeof v === "string" ||
    typeof v === "boolean" || typeof v === "bigint";
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
