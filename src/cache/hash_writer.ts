/**
 * What a {@linkcode HashWriter} writes into: a hash of `node:crypto`, or
 * anything else that takes bytes the same way.
 */
export interface ByteSink {
  /** Takes the next bytes; they may be overwritten after the call. */
  update(bytes: Uint8Array): unknown;
  /** The digest of all bytes taken, in hex. */
  digest(encoding: "hex"): string;
}

/** Whether this machine stores numbers little-endian (the encoding's byte order). */
export const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Runs of bytes up to this length are copied in a loop rather than natively. */
const SMALL_RUN = 32;

/** Scratch for the float64s of number runs (reused: encoding is synchronous). */
const SCRATCH_FLOATS = new Float64Array(4096);
const SCRATCH_BYTES = new Uint8Array(SCRATCH_FLOATS.buffer);

/**
 * Writes bytes into a hash through a buffer, so that encoding many small
 * values costs few `update` calls: the byte layer of the canonical encoding
 * (tags, varint lengths, float64s, raw bytes). Subclasses write into
 * `buffer` directly after {@linkcode HashWriter.reserve}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSha256 } from "../sha256.ts";
 * import { HashWriter } from "./hash_writer.ts";
 *
 * const writer = new HashWriter(createSha256(), 64);
 * writer.raw(new TextEncoder().encode("abc"));
 * assert.equal(writer.digest().slice(0, 8), "ba7816bf"); // SHA-256 of "abc"
 * ```
 */
export class HashWriter {
  readonly #hash: ByteSink;
  /** The buffer; bytes below `used` are written and not yet hashed. */
  protected readonly buffer: Uint8Array;
  /** The buffer as 16-bit units, for two-byte strings at even positions. */
  protected readonly units16: Uint16Array;
  /** The buffer's length. */
  protected readonly size: number;
  /** How many bytes of the buffer are written. */
  protected used = 0;
  readonly #view: DataView;

  /** A writer into `hash` through a buffer of `size` bytes. */
  constructor(hash: ByteSink, size: number) {
    this.#hash = hash;
    this.size = size;
    this.buffer = new Uint8Array(size);
    this.#view = new DataView(this.buffer.buffer);
    this.units16 = new Uint16Array(this.buffer.buffer, 0, size >> 1);
  }

  /** The hex SHA-256 of everything written. */
  digest(): string {
    this.flush();
    return this.#hash.digest("hex");
  }

  /** One byte. */
  tag(tag: number): void {
    this.reserve(1);
    this.buffer[this.used++] = tag;
  }

  /** A length or count, LEB128 (one byte below 128: most strings and objects). */
  varint(n: number): void {
    this.reserve(5);
    const b = this.buffer;
    let at = this.used;
    for (; n >= 0x80; n = Math.floor(n / 0x80)) b[at++] = (n & 0x7f) | 0x80;
    b[at++] = n;
    this.used = at;
  }

  /** A float64, little-endian; every `NaN` as one value whatever its bits. */
  float(n: number): void {
    this.reserve(8);
    this.#view.setFloat64(this.used, n === n ? n : NaN, true);
    this.used += 8;
  }

  /** The float64s of `values` in one run, as {@linkcode HashWriter.float} writes each. */
  floats(values: ArrayLike<number>): void {
    // Few numbers: one by one (the same bytes, without the scratch copy).
    if (values.length <= 16 || !LITTLE_ENDIAN) {
      for (let i = 0; i < values.length; i++) this.float(values[i]);
      return;
    }
    for (let start = 0; start < values.length; start += SCRATCH_FLOATS.length) {
      const end = Math.min(values.length, start + SCRATCH_FLOATS.length);
      for (let i = start; i < end; i++) {
        const n = values[i];
        SCRATCH_FLOATS[i - start] = n === n ? n : NaN;
      }
      this.raw(SCRATCH_BYTES.subarray(0, (end - start) * 8));
    }
  }

  /** Length-prefixed bytes. */
  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** Bytes as they are: copied into the buffer, or straight into the hash when large. */
  raw(bytes: Uint8Array): void {
    if (bytes.length <= SMALL_RUN) {
      // Byte by byte: cheaper than a native copy for a few bytes (the keys of an object).
      this.reserve(bytes.length);
      const b = this.buffer;
      let at = this.used;
      for (let i = 0; i < bytes.length; i++) b[at++] = bytes[i];
      this.used = at;
      return;
    }
    if (bytes.length <= this.size - this.used) {
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
      return;
    }
    this.flush();
    if (bytes.length < this.size) {
      this.buffer.set(bytes, 0);
      this.used = bytes.length;
    } else {
      this.#hash.update(bytes);
    }
  }

  /** Makes room for `n` more bytes in the buffer (`n` at most its size). */
  reserve(n: number): void {
    if (this.used + n > this.size) this.flush();
  }

  /** Hashes the buffered bytes and empties the buffer. */
  flush(): void {
    if (this.used === 0) return;
    this.#hash.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}
