import { FORM, SHORT_STRING } from "./canonical_tags.ts";
import { HashWriter, LITTLE_ENDIAN } from "./hash_writer.ts";
import { writeStrings } from "./serialized_strings.ts";

const textEncoder = new TextEncoder();

/**
 * A {@linkcode HashWriter} that also writes strings in their canonical
 * forms (see {@linkcode FORM}): short strings are copied code unit by code
 * unit, long ones go through the native UTF-8 encoder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSha256 } from "../sha256.ts";
 * import { StringWriter } from "./string_writer.ts";
 *
 * const digestOf = (s: string) => {
 *   const writer = new StringWriter(createSha256(), 1024);
 *   writer.string(s);
 *   return writer.digest();
 * };
 * assert.notEqual(digestOf("\uD800"), digestOf("\uFFFD")); // lone surrogates stay apart
 * ```
 */
export class StringWriter extends HashWriter {
  /** A string: its form, its length, its content. */
  string(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) return this.#short(s, n);
    // Longer ones go through the native UTF-8 encoder: for ASCII that is the one-byte form.
    if (6 + 3 * n > this.size) return this.#huge(s, n);
    this.reserve(6 + 3 * n);
    const start = this.used;
    const written = textEncoder.encodeInto(s, this.buffer.subarray(start + 6)).written;
    if (written === n) return this.#moveDown(FORM.oneByte, n, start + 6, n);
    if (!hasWide(s)) return this.#codeUnits(s, 1);
    if (s.isWellFormed()) return this.#moveDown(FORM.utf8, written, start + 6, written);
    this.#codeUnits(s, 2);
  }

  /** Strings one after another (an array's, a set's), each as {@linkcode StringWriter.string} writes it. */
  strings(values: readonly string[]): void {
    writeStrings(values, this);
  }

  /**
   * A string of at most `SHORT_STRING` code units (`SHORT_STRING` < 0x80:
   * the length is one varint byte), copied optimistically as one byte each.
   */
  #short(s: string, n: number): void {
    this.reserve(2 + 2 * n); // room for the two-byte form too
    const b = this.buffer;
    const start = this.used;
    let at = start + 2;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) return this.#shortTwoBytes(s, n, start);
      b[at++] = c;
    }
    b[start] = FORM.oneByte;
    b[start + 1] = n;
    this.used = at;
  }

  /** A short string with a code unit above 0xff, at `start` (room reserved). */
  #shortTwoBytes(s: string, n: number, start: number): void {
    const b = this.buffer;
    b[start] = FORM.twoByte;
    b[start + 1] = n;
    const at = start + 2;
    if (LITTLE_ENDIAN && (at & 1) === 0) {
      // Aligned: one 16-bit store per code unit (the same bytes as the loop below).
      const units = this.units16;
      for (let i = 0, u = at >> 1; i < n; i++) units[u++] = s.charCodeAt(i);
    } else {
      for (let i = 0, j = at; i < n; i++) {
        const c = s.charCodeAt(i);
        b[j++] = c & 0xff;
        b[j++] = c >> 8;
      }
    }
    this.used = at + 2 * n;
  }

  /** A string too long to encode into the buffer: encoded on its own. */
  #huge(s: string, n: number): void {
    const utf8 = textEncoder.encode(s);
    if (utf8.length === n) return this.#header(FORM.oneByte, n, utf8);
    if (!hasWide(s)) return this.#codeUnits(s, 1);
    return s.isWellFormed() ? this.#header(FORM.utf8, utf8.length, utf8) : this.#codeUnits(s, 2);
  }

  /** `s` in the one-byte form (every code unit below 0x100) or the two-byte form. */
  #codeUnits(s: string, width: 1 | 2): void {
    this.tag(width === 1 ? FORM.oneByte : FORM.twoByte);
    this.varint(s.length);
    this.#units(s, width);
  }

  /** `form`, `length`, then `bytes`. */
  #header(form: number, length: number, bytes: Uint8Array): void {
    this.tag(form);
    this.varint(length);
    this.raw(bytes);
  }

  /**
   * `form` and `length` at the write position, followed by the `count` bytes
   * already encoded at `from` (at most 6 bytes further on, room reserved).
   */
  #moveDown(form: number, length: number, from: number, count: number): void {
    this.tag(form);
    this.varint(length);
    this.buffer.copyWithin(this.used, from, from + count);
    this.used += count;
  }

  /** The code units of `s`, `width` bytes each, straight into the buffer. */
  #units(s: string, width: 1 | 2): void {
    for (let start = 0; start < s.length;) {
      if (this.used + width > this.size) this.flush();
      const end = Math.min(s.length, start + Math.floor((this.size - this.used) / width));
      const b = this.buffer;
      let at = this.used;
      if (width === 1) {
        for (let i = start; i < end; i++) b[at++] = s.charCodeAt(i);
      } else if (LITTLE_ENDIAN && (at & 1) === 0) {
        // Aligned: one 16-bit store per code unit (the same bytes as the loop below).
        const units = this.units16;
        for (let i = start, u = at >> 1; i < end; i++) units[u++] = s.charCodeAt(i);
        at += 2 * (end - start);
      } else {
        for (let i = start; i < end; i++) {
          const c = s.charCodeAt(i);
          b[at++] = c & 0xff;
          b[at++] = c >> 8;
        }
      }
      this.used = at;
      start = end;
    }
  }
}

/** Whether a code unit of `s` is above 0xff (a scan that stops at the first). */
function hasWide(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return true;
  return false;
}
