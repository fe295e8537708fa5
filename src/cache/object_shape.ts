import { TAG } from "./canonical_tags.ts";
import { StringWriter } from "./string_writer.ts";

/**
 * The keys of plain objects of one shape (rows of a table): sorted once,
 * and, once a second object of the shape follows, the canonical bytes that
 * precede each value (the object's tag and key count, then each key) encoded
 * once, so that each further row copies them instead of encoding its keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ObjectShape } from "./object_shape.ts";
 *
 * const shape = new ObjectShape();
 * assert.deepEqual(shape.of(["b", "a"]), ["a", "b"]);
 * const once = shape.prefixes; // one object of the shape so far: not encoded yet
 * shape.of(["b", "a"]);
 * const twice = shape.prefixes?.map((p) => [...p]);
 * assert.equal(once, undefined);
 * assert.deepEqual(twice, [[0x6f, 2, 0x73, 1, 0x61], [0x73, 1, 0x62]]); // tag, count, "a"; "b"
 * ```
 */
export class ObjectShape {
  #keys: readonly string[] = [];
  #sorted: readonly string[] = [];
  #prefixes: Uint8Array[] | undefined;
  #repeated = false;

  /** `keys` sorted; after a call with the keys of the previous call, {@linkcode ObjectShape.prefixes} are theirs. */
  of(keys: readonly string[]): readonly string[] {
    if (this.#isLast(keys)) {
      if (!this.#repeated) {
        this.#repeated = true;
        this.#prefixes = prefixesOf(this.#sorted);
      }
      return this.#sorted;
    }
    this.#keys = keys;
    this.#sorted = keys.toSorted();
    this.#prefixes = undefined;
    this.#repeated = false;
    return this.#sorted;
  }

  /**
   * For each sorted key, the bytes written before its value (the first also
   * holds the object's tag and key count); `undefined` until the shape
   * repeats, and for objects without keys.
   */
  get prefixes(): readonly Uint8Array[] | undefined {
    return this.#prefixes;
  }

  #isLast(keys: readonly string[]): boolean {
    const last = this.#keys;
    if (keys.length !== last.length) return false;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== last[i]) return false;
    return true;
  }
}

/** The canonical bytes ahead of each value of an object with the keys `sorted`. */
function prefixesOf(sorted: readonly string[]): Uint8Array[] | undefined {
  if (sorted.length === 0) return undefined;
  let written: number[] = [];
  const collect = {
    update: (bytes: Uint8Array) => bytes.forEach((b) => written.push(b)),
    digest: () => "",
  };
  // The bytes of a string do not depend on the buffer size (only the speed of writing them).
  const writer = new StringWriter(collect, 256);
  return sorted.map((key, k) => {
    if (k === 0) {
      writer.tag(TAG.object);
      writer.varint(sorted.length);
    }
    writer.string(key);
    writer.flush();
    const prefix = Uint8Array.from(written);
    written = [];
    return prefix;
  });
}
