/** Values per chunk: 128 KiB of float64. */
const CHUNK = 16_384;

/**
 * An append-only list of the values a run keeps (a metric of one condition,
 * or its seeds), built for millions of appends. Numbers go into
 * `Float64Array` chunks, which live outside the garbage-collected heap: the
 * young-generation collector never copies them, and V8 does not grow its
 * young generation for them (a growing array would be copied there at every
 * doubling), so a long run's memory is its values, not collector space.
 * Once a value that is not a number arrives, the column turns into a plain
 * array. {@linkcode ValueColumn.toArray} gives the values back exactly
 * (float64 holds every JavaScript number, `-0` and `NaN` included).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ValueColumn } from "./value_column.ts";
 *
 * const column = new ValueColumn<number | string>();
 * for (let i = 0; i < 20_000; i++) column.push(i / 2);
 * assert.equal(column.toArray()[19_999], 9_999.5);
 * column.push("text"); // not a number: the column becomes a plain array
 * assert.equal(column.toArray().length, 20_001);
 * assert.equal(column.toArray().at(-1), "text");
 * ```
 */
export class ValueColumn<T> {
  readonly #chunks: Float64Array[] = [];
  /** The chunk being filled, and how much of it is. */
  #chunk: Float64Array | undefined;
  #fill = CHUNK;
  #length = 0;
  /** Every value, once one was not a number. */
  #values: T[] | undefined;

  /** How many values it holds. */
  get length(): number {
    return this.#values?.length ?? this.#length;
  }

  /** Appends a value. */
  push(value: T): void {
    if (this.#values !== undefined) {
      this.#values.push(value);
      return;
    }
    if (typeof value !== "number") {
      this.#values = this.toArray();
      this.#values.push(value);
      this.#chunks.length = 0;
      this.#chunk = undefined;
      return;
    }
    if (this.#fill === CHUNK) {
      this.#chunk = new Float64Array(CHUNK);
      this.#chunks.push(this.#chunk);
      this.#fill = 0;
    }
    this.#chunk![this.#fill++] = value;
    this.#length++;
  }

  /** The values, in the order they were appended, as a plain array. */
  toArray(): T[] {
    if (this.#values !== undefined) return this.#values;
    // Sized and made a double array at once: one allocation, where pushing copies at each growth.
    const out = new Array<number>(this.#length).fill(0.5);
    let at = 0;
    for (const chunk of this.#chunks) {
      const n = Math.min(this.#length - at, CHUNK);
      for (let i = 0; i < n; i++) out[at++] = chunk[i];
    }
    return out as T[];
  }
}
