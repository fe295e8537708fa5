/**
 * Shape checks for data that comes from processes running experiment code
 * (worker and runner messages, stored runs): such data is hostile until
 * checked, so a check returns the first problem found, naming where it is,
 * before anything reads it. Unknown extra fields are allowed (newer senders);
 * every field a reader uses is checked for its type and bounds.
 * @module
 */

/** Returns the problem with `value` at `path`, or `undefined` when it has the shape. */
export type Shape = (value: unknown, path: string) => string | undefined;

/** Longest string accepted anywhere: 16 MiB (a stack trace, a log line). */
const MAX_STRING = 16 * 1024 * 1024;

/** Most elements of one array. */
const MAX_ITEMS = 10_000_000;

/**
 * A string of at most `max` characters.
 *
 * @example
 * ```ts
 * import { string } from "./shape.ts";
 * if (string()(1, "name") !== "name must be a string") throw new Error();
 * ```
 */
export function string(max: number = MAX_STRING): Shape {
  return (v, path) =>
    typeof v !== "string"
      ? `${path} must be a string`
      : v.length > max
      ? `${path} is longer than ${max} characters`
      : undefined;
}

/**
 * A number: finite by default; an integer in `[min, max]` with `integer`.
 *
 * @example
 * ```ts
 * import { number } from "./shape.ts";
 * if (number({ integer: true, min: 0 })(-1, "id") === undefined) throw new Error();
 * ```
 */
export function number(
  options: { readonly integer?: boolean; readonly min?: number; readonly max?: number } = {},
): Shape {
  const { integer = false, min = -Infinity, max = Infinity } = options;
  return (v, path) => {
    if (typeof v !== "number" || Number.isNaN(v)) return `${path} must be a number`;
    if (integer && !Number.isSafeInteger(v)) return `${path} must be a whole number`;
    if (!integer && !Number.isFinite(v) && (min !== -Infinity || max !== Infinity)) {
      return `${path} must be finite`;
    }
    return v < min || v > max ? `${path} must be between ${min} and ${max}` : undefined;
  };
}

/**
 * A name, label or path: a string of at most 64 KiB characters.
 *
 * @example
 * ```ts
 * import { label } from "./shape.ts";
 * if (label("baseline", "condition") !== undefined) throw new Error();
 * ```
 */
export const label: Shape = string(64 * 1024);

/**
 * A count or index: a whole number, 0 or more.
 *
 * @example
 * ```ts
 * import { count } from "./shape.ts";
 * if (count(1.5, "replicate") === undefined) throw new Error();
 * ```
 */
export const count: Shape = number({ integer: true, min: 0 });

/**
 * A boolean.
 *
 * @example
 * ```ts
 * import { boolean } from "./shape.ts";
 * if (boolean("yes", "ok") === undefined) throw new Error();
 * ```
 */
export const boolean: Shape = (v, path) =>
  typeof v === "boolean" ? undefined : `${path} must be true or false`;

/**
 * Anything (the reader does not look inside, or checks it itself).
 *
 * @example
 * ```ts
 * import { anything } from "./shape.ts";
 * if (anything(1, "x") !== undefined) throw new Error();
 * ```
 */
export const anything: Shape = () => undefined;

/**
 * One of the given literal values.
 *
 * @example
 * ```ts
 * import { literal } from "./shape.ts";
 * if (literal("a", "b")("c", "kind") === undefined) throw new Error();
 * ```
 */
export function literal(...values: readonly (string | number | boolean | null)[]): Shape {
  return (v, path) =>
    values.includes(v as string) ? undefined : `${path} must be one of ${values.join(", ")}`;
}

/**
 * `undefined` or the shape.
 *
 * @example
 * ```ts
 * import { optional, string } from "./shape.ts";
 * if (optional(string())(undefined, "x") !== undefined) throw new Error();
 * ```
 */
export function optional(shape: Shape): Shape {
  return (v, path) => v === undefined ? undefined : shape(v, path);
}

/**
 * The first shape that fits; the last one's problem otherwise.
 *
 * @example
 * ```ts
 * import { literal, oneOf, string } from "./shape.ts";
 * if (oneOf(literal(null), string())(null, "best") !== undefined) throw new Error();
 * ```
 */
export function oneOf(...shapes: readonly Shape[]): Shape {
  return (v, path) => {
    let problem: string | undefined;
    for (const shape of shapes) {
      problem = shape(v, path);
      if (problem === undefined) return undefined;
    }
    return problem;
  };
}

/**
 * An array of at most `max` items of one shape.
 *
 * @example
 * ```ts
 * import { array, string } from "./shape.ts";
 * if (array(string())(["a", 1], "names") !== "names[1] must be a string") throw new Error();
 * ```
 */
export function array(item: Shape, max: number = MAX_ITEMS): Shape {
  return (v, path) => {
    if (!Array.isArray(v)) return `${path} must be a list`;
    if (v.length > max) return `${path} has more than ${max} items`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${path}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

/**
 * A plain object with the given fields (others are allowed and not read).
 *
 * @example
 * ```ts
 * import { number, object } from "./shape.ts";
 * if (object({ id: number() })({ id: "1" }, "m") !== "m.id must be a number") throw new Error();
 * ```
 */
export function object(fields: Readonly<Record<string, Shape>>): Shape {
  const entries = Object.entries(fields);
  return (v, path) => {
    if (!isRecord(v)) return `${path} must be an object`;
    for (const [key, shape] of entries) {
      const problem = shape(Object.hasOwn(v, key) ? v[key] : undefined, `${path}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

/**
 * A plain object whose every value has one shape (keys are names).
 *
 * @example
 * ```ts
 * import { number, record } from "./shape.ts";
 * if (record(number())({ a: 1, b: 2 }, "counts") !== undefined) throw new Error();
 * ```
 */
export function record(value: Shape): Shape {
  return (v, path) => {
    if (!isRecord(v)) return `${path} must be an object`;
    for (const [key, item] of Object.entries(v)) {
      const problem = value(item, `${path}[${JSON.stringify(key)}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

/**
 * Messages of a union told apart by their `type` field.
 *
 * @example
 * ```ts
 * import { number, object, tagged } from "./shape.ts";
 * const message = tagged({ ping: object({ id: number() }) });
 * if (message({ type: "pong" }, "message") === undefined) throw new Error();
 * ```
 */
export function tagged(variants: Readonly<Record<string, Shape>>): Shape {
  return (v, path) => {
    if (!isRecord(v)) return `${path} must be an object`;
    const type = v.type;
    if (typeof type !== "string" || !Object.hasOwn(variants, type)) {
      return `${path}.type must be one of ${Object.keys(variants).join(", ")}`;
    }
    return variants[type](v, `${path} (${type})`);
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
