import { createSha256 } from "../sha256.ts";
import { ResourceFactory } from "../pipeline/resource_factory.ts";
import { TAG } from "./canonical_tags.ts";
import { cycle, HashRefusal, under } from "./hash_refusal.ts";
import type { ByteSink } from "./hash_writer.ts";
import { ObjectShape } from "./object_shape.ts";
import { StringWriter } from "./string_writer.ts";

/** Map entries and Set members are hashed one by one, each through a small buffer. */
const ENTRY_BUFFER_SIZE = 1024;
/** Below this depth no cycle is possible to miss: a cycle only makes the depth grow. */
const CYCLE_CHECK_DEPTH = 64;

/**
 * Writes the tagged encoding of a value (see `canonicalHash` for the rules)
 * into a hash. Every encoding is self-delimiting (tags, lengths, counts), so
 * distinct values give distinct byte strings. A value without a stable hash
 * throws a {@linkcode HashRefusal}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSha256 } from "../sha256.ts";
 * import { CanonicalEncoder } from "./canonical_encoder.ts";
 *
 * const digestOf = (value: unknown) => {
 *   const encoder = new CanonicalEncoder(createSha256(), 1024, []);
 *   encoder.write(value);
 *   return encoder.digest();
 * };
 * assert.equal(digestOf({ a: 1, b: 2 }), digestOf({ b: 2, a: 1 }));
 * ```
 */
export class CanonicalEncoder extends StringWriter {
  /** The objects being written, outermost first (shared with entry encoders). */
  readonly #stack: object[];
  /** The keys of the last plain object written (objects of one shape in a row share them). */
  readonly #shape = new ObjectShape();

  /** An encoder into `hash` through a `size`-byte buffer, below the objects of `stack`. */
  constructor(hash: ByteSink, size: number, stack: object[]) {
    super(hash, size);
    this.#stack = stack;
  }

  /** Writes `value`'s encoding. */
  write(value: unknown): void {
    switch (typeof value) {
      case "undefined":
        return this.tag(TAG.undefined);
      case "boolean":
        return this.tag(value ? TAG.true : TAG.false);
      case "number":
        this.tag(TAG.number);
        return this.float(value);
      case "bigint":
        this.tag(TAG.bigint);
        return this.string(value.toString());
      case "string":
        return this.string(value);
      case "object":
        if (value === null) return this.tag(TAG.null);
        return this.#object(value);
      default:
        throw new HashRefusal((path) =>
          `${path} is a ${typeof value}, which has no stable hash; ` +
          "pass plain data (numbers, strings, arrays, objects) or make the step non-cacheable"
        );
    }
  }

  #object(value: object): void {
    const stack = this.#stack;
    if (stack.length >= CYCLE_CHECK_DEPTH && stack.includes(value)) throw cycle(stack, value);
    stack.push(value);
    this.#objectBody(value);
    // Not popped on a throw: a refusal ends the encoding, the stack with it.
    stack.pop();
  }

  #objectBody(value: object): void {
    if (Array.isArray(value)) return this.#array(value);
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      return this.#plain(value as Record<string, unknown>);
    }
    if (ArrayBuffer.isView(value)) {
      this.tag(TAG.typed);
      this.string(value.constructor.name);
      return this.bytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
    if (value instanceof ArrayBuffer) {
      this.tag(TAG.bytes);
      return this.bytes(new Uint8Array(value));
    }
    if (value instanceof Date) {
      this.tag(TAG.date);
      return this.float(value.getTime());
    }
    if (value instanceof RegExp) {
      this.tag(TAG.regexp);
      return this.string(`${value.source}/${value.flags}`);
    }
    if (value instanceof Map) return this.#map(value);
    if (value instanceof Set) return this.#set(value);
    if (value instanceof ResourceFactory) {
      this.tag(TAG.resource);
      return this.string(value.key ?? "");
    }
    this.#instance(value);
  }

  /** A class instance: by its class name and `toJSON()`. */
  #instance(value: object): void {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON !== "function") {
      throw new HashRefusal((path) =>
        `${path} is an instance of ${
          value.constructor?.name ?? "a class"
        }, which has no stable hash; ` +
        "give the class a toJSON() method, pass plain data, or make the step non-cacheable"
      );
    }
    this.tag(TAG.json);
    this.string(value.constructor?.name ?? "");
    try {
      this.write(toJSON.call(value));
    } catch (error) {
      throw under(error, () => ".toJSON()");
    }
  }

  #array(value: readonly unknown[]): void {
    const n = value.length;
    const first = typeof value[0];
    if ((n === 0 || first === "number") && allNumbers(value)) return this.#numbers(value);
    if (first === "string" && allStrings(value)) return this.#strings(value);
    this.tag(TAG.array);
    this.varint(n);
    let i = 0;
    try {
      for (; i < n; i++) this.write(value[i]);
    } catch (error) {
      throw under(error, () => `[${i}]`);
    }
  }

  /** An array of numbers only: its float64s in one run, without a tag each. */
  #numbers(value: ArrayLike<number>): void {
    this.tag(TAG.numbers);
    this.varint(value.length);
    this.floats(value);
  }

  /** An array of strings only: one tag for all (each string still carries its form). */
  #strings(value: readonly string[]): void {
    this.tag(TAG.strings);
    this.varint(value.length);
    this.strings(value);
  }

  #plain(value: Record<string, unknown>): void {
    const sorted = this.#shape.of(Object.keys(value));
    const prefixes = this.#shape.prefixes;
    if (prefixes === undefined) {
      this.tag(TAG.object);
      this.varint(sorted.length);
    }
    let k = 0;
    try {
      for (; k < sorted.length; k++) {
        if (prefixes === undefined) this.string(sorted[k]);
        else this.raw(prefixes[k]);
        this.write(value[sorted[k]]);
      }
    } catch (error) {
      throw under(error, () => `.${sorted[k]}`);
    }
  }

  /**
   * A Map. With keys all strings or all numbers (distinct, so their order is
   * canonical) its entries are written sorted by key; otherwise each entry is
   * hashed on its own and they are written in digest order.
   */
  #map(value: Map<unknown, unknown>): void {
    const keys = [...value.keys()];
    const kind = uniformKind(keys);
    if (kind === undefined) {
      this.tag(TAG.map);
      return this.#unordered([...value], (i) => `.get(#${i})`);
    }
    // Native sorts, without a comparator: strings by code units, numbers ascending, NaN last.
    const sorted = kind === "string"
      ? (keys as string[]).sort()
      : Float64Array.from(keys as number[]).sort();
    this.tag(kind === "string" ? TAG.mapByString : TAG.mapByNumber);
    this.varint(sorted.length);
    let k = 0;
    try {
      for (; k < sorted.length; k++) {
        const key = sorted[k];
        if (typeof key === "string") this.string(key);
        else this.float(key);
        this.write(value.get(key));
      }
    } catch (error) {
      // The entry's place in insertion order, found only now that it is needed.
      throw under(error, () => `.get(#${[...value.keys()].indexOf(sorted[k])})`);
    }
  }

  /** A Set: strings or numbers only are written sorted, other members in digest order. */
  #set(value: Set<unknown>): void {
    const members = [...value];
    const kind = uniformKind(members);
    if (kind === "number") {
      this.tag(TAG.setOfNumbers);
      return this.#numbers(Float64Array.from(members as number[]).sort());
    }
    if (kind === "string") {
      this.tag(TAG.setOfStrings);
      return this.#strings((members as string[]).sort());
    }
    this.tag(TAG.set);
    this.#unordered(members.map((v) => [v]), (i) => `{#${i}}`);
  }

  /** Map entries or Set members: each hashed on its own, then written in digest order. */
  #unordered(items: readonly (readonly unknown[])[], segment: (i: number) => string): void {
    const digests = items.map((parts, i) => {
      const entry = new CanonicalEncoder(createSha256(), ENTRY_BUFFER_SIZE, this.#stack);
      try {
        for (const part of parts) entry.write(part);
      } catch (error) {
        throw under(error, () => segment(i));
      }
      return entry.digest();
    }).sort();
    this.varint(digests.length);
    for (const d of digests) this.string(d);
  }
}

/** `"string"` or `"number"` when every value (at least one) is of that type, else `undefined`. */
function uniformKind(values: readonly unknown[]): "string" | "number" | undefined {
  if (typeof values[0] === "string") return allStrings(values) ? "string" : undefined;
  if (typeof values[0] === "number") return allNumbers(values) ? "number" : undefined;
  return undefined;
}

// One loop per type, each with a literal `typeof` test (V8 turns it into a type check).
function allNumbers(values: readonly unknown[]): values is readonly number[] {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== "number") return false;
  return true;
}

function allStrings(values: readonly unknown[]): values is readonly string[] {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== "string") return false;
  return true;
}
