import type { Hash } from "node:crypto";
import { createSha256 } from "../sha256.ts";
import { ResourceFactory } from "../pipeline/resource_factory.ts";
import { CacheKeyError } from "./cache_key_error.ts";

/**
 * SHA-256 (hex) of a value's canonical encoding: equal data hashes equally
 * however it was built. The rules:
 *
 * - plain objects: keys sorted, so key order does not matter; a key whose
 *   value is `undefined` differs from a missing key;
 * - `Map` and `Set`: order-free (entries sorted by their own hashes);
 * - numbers: by their float64 bits, so `-0` differs from `0`; every `NaN` is
 *   one value; `Infinity` and `-Infinity` are distinct values;
 * - strings by their UTF-16 code units (so lone surrogates stay distinct);
 * - `BigInt` differs from the number with the same value; `Date` by its
 *   time; `RegExp` by source and flags;
 * - typed arrays, `DataView` and `ArrayBuffer` by their bytes and element
 *   type (`Uint8Array [1]` differs from `Int8Array [1]` and from `[1]`);
 * - a {@linkcode ResourceFactory} by its `key` (resources are not data);
 * - class instances by their `toJSON()` and class name.
 *
 * Functions, symbols, class instances without `toJSON` and cycles throw
 * {@linkcode CacheKeyError} naming the path of the value (`path` is the
 * name of the root).
 *
 * Speed: about the cost of `v8.serialize` plus SHA-256 of its bytes (the
 * floor of hashing arbitrary data) for arrays of numbers, of objects and of
 * one-byte strings, faster for typed arrays, ≈2× for two-byte (e.g. CJK)
 * strings (`deno task bench:cache`). The encoding changed with that work,
 * so cache entries written by earlier versions are recomputed once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalHash } from "@crystallize/deno";
 *
 * assert.equal(canonicalHash({ a: 1, b: [2, 3] }), canonicalHash({ b: [2, 3], a: 1 }));
 * assert.equal(canonicalHash(new Set([1, 2])), canonicalHash(new Set([2, 1])));
 * assert.notEqual(canonicalHash(0), canonicalHash(-0));
 * ```
 */
export function canonicalHash(value: unknown, path = "value"): string {
  const encoder = new CanonicalEncoder(createSha256(), BUFFER_SIZE, []);
  try {
    encoder.write(value);
  } catch (error) {
    if (error instanceof Refused) throw new CacheKeyError(error.describe(path + error.path()));
    throw error;
  }
  return encoder.digest();
}

const TAG = {
  undefined: 0x75,
  null: 0x6e,
  true: 0x74,
  false: 0x66,
  number: 0x64,
  bigint: 0x62,
  array: 0x61,
  numbers: 0x41,
  strings: 0x57,
  object: 0x6f,
  map: 0x6d,
  mapByString: 0x4d,
  mapByNumber: 0x4e,
  set: 0x53,
  setOfStrings: 0x45,
  setOfNumbers: 0x46,
  date: 0x44,
  regexp: 0x72,
  bytes: 0x42,
  typed: 0x54,
  resource: 0x52,
  json: 0x4a,
} as const;

/**
 * A string is its form byte (which is also its tag), a length, then its
 * content: with every code unit below 0x100 (as V8 stores such strings), one
 * byte each (length in code units); otherwise its code units as two bytes
 * each, little-endian — except that a string longer than `SHORT_STRING` and
 * well-formed is written as its UTF-8 bytes (length in bytes), which the
 * native encoder has produced already. (UTF-8 alone would not do: it turns
 * lone surrogates into U+FFFD, making different strings equal.) The form is
 * a function of the string, and distinct strings get distinct bytes.
 */
const FORM = { oneByte: 0x73, utf8: 0x38, twoByte: 0x77 } as const;

const BUFFER_SIZE = 64 * 1024;
/** Map entries and Set members are hashed one by one, each through a small buffer. */
const ENTRY_BUFFER_SIZE = 1024;
/**
 * Strings up to this length are copied code unit by code unit (for short
 * strings cheaper than a native call); below 0x80, so their length is one
 * varint byte.
 */
const SHORT_STRING = 127;
/** Below this depth no cycle is possible to miss: a cycle only makes the depth grow. */
const CYCLE_CHECK_DEPTH = 64;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const textEncoder = new TextEncoder();

/**
 * A value that has no stable hash, found while encoding. The path is put
 * together while the error unwinds (each container adds the segment of the
 * child it was writing), so encoding builds no path string for the values
 * that hash fine.
 */
class Refused extends Error {
  /** Path segments, innermost first. */
  readonly #segments: string[] = [];
  readonly #message: (path: string) => string;
  /** For a cycle: how many segments (outermost first) lead to the first repeated object. */
  readonly #keep: number | undefined;

  constructor(message: (path: string) => string, keep?: number) {
    super("refused");
    this.#message = message;
    this.#keep = keep;
  }

  /** Records that the refused value sits under `segment` of its container. */
  under(segment: string): Refused {
    this.#segments.push(segment);
    return this;
  }

  path(): string {
    const outermostFirst = this.#segments.toReversed();
    return (this.#keep === undefined ? outermostFirst : outermostFirst.slice(0, this.#keep))
      .join("");
  }

  describe(path: string): string {
    return this.#message(path);
  }
}

/** Adds `segment` to a {@linkcode Refused} passing through a container; other errors pass as they are. */
function under(error: unknown, segment: () => string): unknown {
  return error instanceof Refused ? error.under(segment()) : error;
}

/**
 * Writes the tagged encoding of a value into a hash through a buffer (few
 * `update` calls). Every encoding is self-delimiting (tags, lengths, counts),
 * so distinct values give distinct byte strings.
 */
class CanonicalEncoder {
  readonly #hash: Hash;
  readonly #buffer: Uint8Array;
  readonly #view: DataView;
  /** The buffer as 16-bit units, for two-byte strings at even positions. */
  readonly #units16: Uint16Array;
  readonly #size: number;
  /** The objects being written, outermost first (shared with entry encoders). */
  readonly #stack: object[];
  #used = 0;
  /** The keys of the last plain object written and their sorted order (objects of one shape). */
  #lastKeys: string[] = [];
  #lastSorted: string[] = [];

  constructor(hash: Hash, size: number, stack: object[]) {
    this.#hash = hash;
    this.#size = size;
    this.#buffer = new Uint8Array(size);
    this.#view = new DataView(this.#buffer.buffer);
    this.#units16 = new Uint16Array(this.#buffer.buffer, 0, size >> 1);
    this.#stack = stack;
  }

  digest(): string {
    this.#flush();
    return this.#hash.digest("hex");
  }

  write(value: unknown): void {
    switch (typeof value) {
      case "undefined":
        return this.#tag(TAG.undefined);
      case "boolean":
        return this.#tag(value ? TAG.true : TAG.false);
      case "number":
        this.#tag(TAG.number);
        return this.#float(value);
      case "bigint":
        this.#tag(TAG.bigint);
        return this.#string(value.toString());
      case "string":
        return this.#string(value);
      case "object":
        if (value === null) return this.#tag(TAG.null);
        return this.#object(value);
      default:
        throw new Refused((path) =>
          `${path} is a ${typeof value}, which has no stable hash; ` +
          "pass plain data (numbers, strings, arrays, objects) or make the step non-cacheable"
        );
    }
  }

  #object(value: object): void {
    const stack = this.#stack;
    if (stack.length >= CYCLE_CHECK_DEPTH && stack.includes(value)) throw cycle(stack, value);
    stack.push(value);
    try {
      this.#objectBody(value);
    } finally {
      stack.pop();
    }
  }

  #objectBody(value: object): void {
    if (Array.isArray(value)) return this.#array(value);
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      return this.#plain(value as Record<string, unknown>);
    }
    if (ArrayBuffer.isView(value)) {
      this.#tag(TAG.typed);
      this.#string(value.constructor.name);
      return this.#bytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
    if (value instanceof ArrayBuffer) {
      this.#tag(TAG.bytes);
      return this.#bytes(new Uint8Array(value));
    }
    if (value instanceof Date) {
      this.#tag(TAG.date);
      return this.#float(value.getTime());
    }
    if (value instanceof RegExp) {
      this.#tag(TAG.regexp);
      return this.#string(`${value.source}/${value.flags}`);
    }
    if (value instanceof Map) return this.#map(value);
    if (value instanceof Set) return this.#set(value);
    if (value instanceof ResourceFactory) {
      this.#tag(TAG.resource);
      return this.#string(value.key ?? "");
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON !== "function") {
      throw new Refused((path) =>
        `${path} is an instance of ${
          value.constructor?.name ?? "a class"
        }, which has no stable hash; ` +
        "give the class a toJSON() method, pass plain data, or make the step non-cacheable"
      );
    }
    this.#tag(TAG.json);
    this.#string(value.constructor?.name ?? "");
    try {
      this.write(toJSON.call(value));
    } catch (error) {
      throw under(error, () => ".toJSON()");
    }
  }

  #array(value: readonly unknown[]): void {
    const n = value.length;
    const kind = n === 0 ? "number" : typeof value[0];
    if (kind === "number" || kind === "string") {
      let same = true;
      // deno-lint-ignore valid-typeof -- `kind` holds a typeof result of the first element
      for (let i = 1; i < n && same; i++) same = typeof value[i] === kind;
      if (same && kind === "number") return this.#numbers(value as readonly number[]);
      if (same) return this.#strings(value as readonly string[]);
    }
    this.#tag(TAG.array);
    this.#varint(n);
    let i = 0;
    try {
      for (; i < n; i++) this.write(value[i]);
    } catch (error) {
      throw under(error, () => `[${i}]`);
    }
  }

  /** An array of numbers only: its float64s in one run, without a tag each. */
  #numbers(value: ArrayLike<number>): void {
    this.#tag(TAG.numbers);
    this.#varint(value.length);
    // Few numbers: one by one (the same bytes, without the scratch copy).
    if (value.length <= 16 || !LITTLE_ENDIAN) {
      for (let i = 0; i < value.length; i++) this.#float(value[i]);
      return;
    }
    const floats = SCRATCH_FLOATS;
    const bytes = SCRATCH_BYTES;
    for (let start = 0; start < value.length; start += floats.length) {
      const end = Math.min(value.length, start + floats.length);
      for (let i = start; i < end; i++) {
        const n = value[i];
        floats[i - start] = n === n ? n : NaN; // one NaN whatever its bits
      }
      this.#raw(bytes.subarray(0, (end - start) * 8));
    }
  }

  /** An array of strings only: one tag for all (each string still carries its form). */
  #strings(value: readonly string[]): void {
    this.#tag(TAG.strings);
    this.#varint(value.length);
    for (let i = 0; i < value.length; i++) this.#string(value[i]);
  }

  #plain(value: Record<string, unknown>): void {
    const keys = Object.keys(value);
    const sorted = this.#sortedKeys(keys);
    this.#tag(TAG.object);
    this.#varint(sorted.length);
    let k = 0;
    try {
      for (; k < sorted.length; k++) {
        this.#string(sorted[k]);
        this.write(value[sorted[k]]);
      }
    } catch (error) {
      throw under(error, () => `.${sorted[k]}`);
    }
  }

  /** `keys` sorted; objects of the same shape in a row (rows of a table) sort once. */
  #sortedKeys(keys: string[]): string[] {
    const last = this.#lastKeys;
    if (keys.length === last.length) {
      let same = true;
      for (let i = 0; i < keys.length && same; i++) same = keys[i] === last[i];
      if (same) return this.#lastSorted;
    }
    this.#lastKeys = keys;
    this.#lastSorted = keys.toSorted();
    return this.#lastSorted;
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
      this.#tag(TAG.map);
      return this.#unordered([...value], (i) => `.get(#${i})`);
    }
    // Native sorts, without a comparator: strings by code units, numbers ascending, NaN last.
    const sorted = kind === "string"
      ? (keys as string[]).sort()
      : Float64Array.from(keys as number[]).sort();
    this.#tag(kind === "string" ? TAG.mapByString : TAG.mapByNumber);
    this.#varint(sorted.length);
    let k = 0;
    try {
      for (; k < sorted.length; k++) {
        const key = sorted[k];
        if (typeof key === "string") this.#string(key);
        else this.#float(key);
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
      this.#tag(TAG.setOfNumbers);
      return this.#numbers(Float64Array.from(members as number[]).sort());
    }
    if (kind === "string") {
      this.#tag(TAG.setOfStrings);
      return this.#strings((members as string[]).sort());
    }
    this.#tag(TAG.set);
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
    this.#varint(digests.length);
    for (const d of digests) this.#string(d);
  }

  #tag(tag: number): void {
    this.#reserve(1);
    this.#buffer[this.#used++] = tag;
  }

  /** A length or count, LEB128 (one byte below 128: most strings and objects). */
  #varint(n: number): void {
    this.#reserve(5);
    const b = this.#buffer;
    let at = this.#used;
    for (; n >= 0x80; n = Math.floor(n / 0x80)) b[at++] = (n & 0x7f) | 0x80;
    b[at++] = n;
    this.#used = at;
  }

  #float(n: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#used, n === n ? n : NaN, true);
    this.#used += 8;
  }

  /** A string (see {@linkcode FORM}). */
  #string(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      // Copied code unit by code unit, optimistically as one byte each (SHORT_STRING < 0x80:
      // the length is one varint byte).
      this.#reserve(2 + n);
      const b = this.#buffer;
      const start = this.#used;
      b[start] = FORM.oneByte;
      b[start + 1] = n;
      let at = start + 2;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff) return this.#twoBytes(s);
        b[at++] = c;
      }
      this.#used = at;
      return;
    }
    // Longer ones go through the native UTF-8 encoder: for ASCII that is the one-byte form.
    if (6 + 3 * n > this.#size) {
      const utf8 = textEncoder.encode(s);
      if (utf8.length === n) return this.#header(FORM.oneByte, n, utf8);
      if (!hasWide(s)) return this.#oneByte(s);
      return s.isWellFormed() ? this.#header(FORM.utf8, utf8.length, utf8) : this.#twoBytes(s);
    }
    this.#reserve(6 + 3 * n);
    const start = this.#used;
    const written = textEncoder.encodeInto(s, this.#buffer.subarray(start + 6)).written;
    if (written === n) return this.#moveDown(FORM.oneByte, n, start + 6, n);
    if (!hasWide(s)) return this.#oneByte(s);
    if (s.isWellFormed()) return this.#moveDown(FORM.utf8, written, start + 6, written);
    this.#twoBytes(s);
  }

  #oneByte(s: string): void {
    this.#tag(FORM.oneByte);
    this.#varint(s.length);
    this.#units(s, 1);
  }

  #twoBytes(s: string): void {
    this.#tag(FORM.twoByte);
    this.#varint(s.length);
    this.#units(s, 2);
  }

  /** `form`, `length`, then `bytes`. */
  #header(form: number, length: number, bytes: Uint8Array): void {
    this.#tag(form);
    this.#varint(length);
    this.#raw(bytes);
  }

  /**
   * `form` and `length` at the write position, followed by the `count` bytes
   * already encoded at `from` (at most 6 bytes further on, room reserved).
   */
  #moveDown(form: number, length: number, from: number, count: number): void {
    this.#tag(form);
    this.#varint(length);
    this.#buffer.copyWithin(this.#used, from, from + count);
    this.#used += count;
  }

  /** The code units of `s`, `width` bytes each, straight into the buffer. */
  #units(s: string, width: 1 | 2): void {
    for (let start = 0; start < s.length;) {
      if (this.#used + width > this.#size) this.#flush();
      const end = Math.min(s.length, start + Math.floor((this.#size - this.#used) / width));
      const b = this.#buffer;
      let at = this.#used;
      if (width === 1) {
        for (let i = start; i < end; i++) b[at++] = s.charCodeAt(i);
      } else if (LITTLE_ENDIAN && (at & 1) === 0) {
        // Aligned: one 16-bit store per code unit (the same bytes as the loop below).
        const units = this.#units16;
        for (let i = start, u = at >> 1; i < end; i++) units[u++] = s.charCodeAt(i);
        at += 2 * (end - start);
      } else {
        for (let i = start; i < end; i++) {
          const c = s.charCodeAt(i);
          b[at++] = c & 0xff;
          b[at++] = c >> 8;
        }
      }
      this.#used = at;
      start = end;
    }
  }

  /** Length-prefixed bytes. */
  #bytes(bytes: Uint8Array): void {
    this.#varint(bytes.length);
    this.#raw(bytes);
  }

  /** Bytes as they are: copied into the buffer, or straight into the hash when large. */
  #raw(bytes: Uint8Array): void {
    if (bytes.length <= this.#size - this.#used) {
      this.#buffer.set(bytes, this.#used);
      this.#used += bytes.length;
      return;
    }
    this.#flush();
    if (bytes.length < this.#size) {
      this.#buffer.set(bytes, 0);
      this.#used = bytes.length;
    } else {
      this.#hash.update(bytes);
    }
  }

  #reserve(n: number): void {
    if (this.#used + n > this.#size) this.#flush();
  }

  #flush(): void {
    if (this.#used === 0) return;
    this.#hash.update(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }
}

/**
 * The refusal of a cycle found at `value`: its path goes to the first object
 * on the stack that repeats an ancestor (the checks start deep, past the
 * first repetition).
 */
function cycle(stack: readonly object[], value: object): Refused {
  const all = [...stack, value];
  let first = all.findIndex((o, i) => all.indexOf(o) < i);
  if (first < 0) first = all.length - 1;
  return new Refused(
    (path) =>
      `${path} refers back to one of its own parents (a cycle); cache keys need tree-shaped data`,
    first,
  );
}

/** `"string"` or `"number"` when every value is of that type, else `undefined`. */
function uniformKind(values: readonly unknown[]): "string" | "number" | undefined {
  const kind = typeof values[0];
  if (kind !== "string" && kind !== "number") return undefined;
  // deno-lint-ignore valid-typeof -- `kind` holds a typeof result of the first element
  for (const v of values) if (typeof v !== kind) return undefined;
  return kind;
}

/** Whether a code unit of `s` is above 0xff (a scan that stops at the first). */
function hasWide(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return true;
  return false;
}

/** Scratch for the float64s of number arrays (reused: encoding is synchronous). */
const SCRATCH_FLOATS = new Float64Array(4096);
const SCRATCH_BYTES = new Uint8Array(SCRATCH_FLOATS.buffer);
