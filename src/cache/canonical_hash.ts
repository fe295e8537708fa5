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
 * - `BigInt` differs from the number with the same value; `Date` by its
 *   time; `RegExp` by source and flags;
 * - typed arrays, `DataView` and `ArrayBuffer` by their bytes and element
 *   type (`Uint8Array [1]` differs from `Int8Array [1]` and from `[1]`);
 * - a {@linkcode ResourceFactory} by its `key` (resources are not data);
 * - class instances by their `toJSON()` and class name.
 *
 * Functions, symbols, class instances without `toJSON` and cycles throw
 * {@linkcode CacheKeyError} naming the path of the value.
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
  const encoder = new CanonicalEncoder(createSha256());
  encoder.write(value, path);
  return encoder.digest();
}

const TAG = {
  undefined: 0x75,
  null: 0x6e,
  true: 0x74,
  false: 0x66,
  number: 0x64,
  bigint: 0x62,
  string: 0x73,
  array: 0x61,
  object: 0x6f,
  map: 0x6d,
  set: 0x53,
  date: 0x44,
  regexp: 0x72,
  bytes: 0x42,
  typed: 0x54,
  resource: 0x52,
  json: 0x4a,
} as const;

const BUFFER_SIZE = 64 * 1024;
const textEncoder = new TextEncoder();

/** Writes tagged bytes into a hash through a buffer (few `update` calls for big arrays). */
class CanonicalEncoder {
  readonly #hash: Hash;
  readonly #buffer = new Uint8Array(BUFFER_SIZE);
  readonly #view = new DataView(this.#buffer.buffer);
  readonly #ancestors = new Set<object>();
  #used = 0;

  constructor(hash: Hash) {
    this.#hash = hash;
  }

  digest(): string {
    this.#flush();
    return this.#hash.digest("hex");
  }

  write(value: unknown, path: string): void {
    switch (typeof value) {
      case "undefined":
        return this.#tag(TAG.undefined);
      case "boolean":
        return this.#tag(value ? TAG.true : TAG.false);
      case "number":
        return this.#number(value);
      case "bigint":
        this.#tag(TAG.bigint);
        return this.#string(value.toString());
      case "string":
        this.#tag(TAG.string);
        return this.#string(value);
      case "object":
        if (value === null) return this.#tag(TAG.null);
        return this.#object(value, path);
      default:
        throw new CacheKeyError(
          `${path} is a ${typeof value}, which has no stable hash; ` +
            "pass plain data (numbers, strings, arrays, objects) or make the step non-cacheable",
        );
    }
  }

  #object(value: object, path: string): void {
    if (this.#ancestors.has(value)) {
      throw new CacheKeyError(
        `${path} refers back to one of its own parents (a cycle); cache keys need tree-shaped data`,
      );
    }
    this.#ancestors.add(value);
    try {
      this.#objectBody(value, path);
    } finally {
      this.#ancestors.delete(value);
    }
  }

  #objectBody(value: object, path: string): void {
    if (Array.isArray(value)) {
      this.#tag(TAG.array);
      this.#uint32(value.length);
      for (let i = 0; i < value.length; i++) this.write(value[i], `${path}[${i}]`);
      return;
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
    if (value instanceof Map) {
      this.#tag(TAG.map);
      return this.#unordered(
        [...value].map(([k, v], i) => [k, v, `${path}.get(#${i})`] as const),
        true,
      );
    }
    if (value instanceof Set) {
      this.#tag(TAG.set);
      return this.#unordered([...value].map((v, i) => [v, undefined, `${path}{#${i}}`] as const));
    }
    if (value instanceof ResourceFactory) {
      this.#tag(TAG.resource);
      return this.#string(value.key ?? "");
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON !== "function") {
        throw new CacheKeyError(
          `${path} is an instance of ${
            value.constructor?.name ?? "a class"
          }, which has no stable hash; ` +
            "give the class a toJSON() method, pass plain data, or make the step non-cacheable",
        );
      }
      this.#tag(TAG.json);
      this.#string(value.constructor?.name ?? "");
      return this.write(toJSON.call(value), `${path}.toJSON()`);
    }
    const keys = Object.keys(value).sort();
    this.#tag(TAG.object);
    this.#uint32(keys.length);
    for (const key of keys) {
      this.#string(key);
      this.write((value as Record<string, unknown>)[key], `${path}.${key}`);
    }
  }

  /** Map entries or Set members: each hashed on its own, then written in digest order. */
  #unordered(items: readonly (readonly [unknown, unknown, string])[], pairs = false): void {
    const digests = items.map(([k, v, p]) => {
      const entry = new CanonicalEncoder(createSha256());
      entry.write(k, p);
      if (pairs) entry.write(v, p);
      return entry.digest();
    }).sort();
    this.#uint32(digests.length);
    for (const d of digests) this.#string(d);
  }

  #number(n: number): void {
    this.#tag(TAG.number);
    this.#float(Number.isNaN(n) ? NaN : n);
  }

  #tag(tag: number): void {
    this.#reserve(1);
    this.#buffer[this.#used++] = tag;
  }

  #uint32(n: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#used, n);
    this.#used += 4;
  }

  #float(n: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#used, n);
    this.#used += 8;
  }

  #string(s: string): void {
    // Short strings (the common case) encode straight into the buffer.
    if (s.length * 3 + 4 <= BUFFER_SIZE - this.#used) {
      const { written } = textEncoder.encodeInto(s, this.#buffer.subarray(this.#used + 4));
      this.#view.setUint32(this.#used, written);
      this.#used += 4 + written;
      return;
    }
    this.#bytes(textEncoder.encode(s));
  }

  #bytes(bytes: Uint8Array): void {
    this.#uint32(bytes.length);
    if (bytes.length <= BUFFER_SIZE - this.#used) {
      this.#buffer.set(bytes, this.#used);
      this.#used += bytes.length;
      return;
    }
    this.#flush();
    this.#hash.update(bytes);
  }

  #reserve(n: number): void {
    if (this.#used + n > BUFFER_SIZE) this.#flush();
  }

  #flush(): void {
    if (this.#used === 0) return;
    this.#hash.update(this.#buffer.subarray(0, this.#used));
    this.#used = 0;
  }
}
