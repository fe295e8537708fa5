import { nodeV8 } from "../node_builtins.ts";
import { FORM, SHORT_STRING } from "./canonical_tags.ts";
import { LITTLE_ENDIAN } from "./hash_writer.ts";

/** Where the strings go: bytes as they are, tags, and strings written the ordinary way. */
export interface StringSink {
  /** Bytes as they are. */
  raw(bytes: Uint8Array): void;
  /** One byte. */
  tag(tag: number): void;
  /** A length, LEB128. */
  varint(n: number): void;
  /** One string in its canonical form, encoded by the sink itself. */
  string(s: string): void;
}

/** V8's serialization format (`node:v8`), version 15: the bytes this file reads. */
const V8 = {
  version: 0xff,
  version15: 0x0f,
  denseArray: 0x41,
  oneByteString: 0x22,
  twoByteString: 0x63,
  padding: 0x00,
} as const;

/** Below this many strings the serializer's fixed cost is not worth it. */
const MIN_STRINGS = 64;
/** How many code units of a sampled string are looked at for a wide one. */
const SAMPLE_UNITS = 32;
/** A record shorter than this is cheaper to write by the loop in JS than one by one from here. */
const ONE_BY_ONE_BYTES = 64;

/**
 * Writes the strings of `values` exactly as `sink.string` would write each
 * of them, but has V8's serializer copy their code units (natively; a JS
 * loop costs about 1.5 ns a code unit, ≈2× the floor for CJK text).
 *
 * V8 writes a one-byte string as `"`, varint length, Latin-1 bytes — the
 * canonical one-byte form under another tag — and a two-byte string as
 * (padding) `c`, varint byte length, UTF-16 in the machine's byte order —
 * the canonical two-byte form, little-endian, when the string is short and
 * holds a code unit above 0xff. Such records are rewritten in place and
 * written in runs; other records are written one by one. Should the
 * serialization not be what this expects (another format version, a record
 * that does not match its string), or should too many records need writing
 * one by one, the remaining strings go to `sink.string`: the bytes are the
 * same either way.
 *
 * That path is taken for many strings on a little-endian machine when a
 * sample of them holds code units above 0xff (for one-byte strings the loop
 * in JS is as fast as the serializer).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSha256 } from "../sha256.ts";
 * import { StringWriter } from "./string_writer.ts";
 * import { writeStrings } from "./serialized_strings.ts";
 *
 * const values = Array.from({ length: 100 }, (_, i) => i % 3 ? `数据-${i}` : `row-${i}`);
 * const oneByOne = new StringWriter(createSha256(), 1024);
 * for (const s of values) oneByOne.string(s);
 * const serialized = new StringWriter(createSha256(), 1024);
 * writeStrings(values, serialized);
 * assert.equal(serialized.digest(), oneByOne.digest());
 * ```
 */
export function writeStrings(values: readonly string[], sink: StringSink): void {
  if (!LITTLE_ENDIAN || values.length < MIN_STRINGS || !sampleIsWide(values)) {
    return writeEach(values, 0, sink);
  }
  const bytes = nodeV8().serialize(values);
  let at = denseArrayStart(bytes, values.length);
  if (at === 0) return writeEach(values, 0, sink);
  let run = at;
  let costly = 0;
  for (let k = 0; k < values.length; k++) {
    const end = rewriteRecord(bytes, at, values[k].length);
    if (end > 0) {
      at = end;
      continue;
    }
    if (run < at) sink.raw(bytes.subarray(run, at));
    if (end === 0) return writeEach(values, k, sink);
    const next = ~end;
    writeRecord(bytes, next, values[k], sink);
    // Short records written one by one cost more than the loop in JS: give up on many of them.
    if (next - at < ONE_BY_ONE_BYTES && ++costly > 64 && costly * 4 > k) {
      return writeEach(values, k + 1, sink);
    }
    at = run = next;
  }
  if (run < at) sink.raw(bytes.subarray(run, at));
}

/** Whether the first, middle or last string starts with a code unit above 0xff. */
function sampleIsWide(values: readonly string[]): boolean {
  const startsWide = (s: string) => {
    for (let i = 0; i < Math.min(s.length, SAMPLE_UNITS); i++) {
      if (s.charCodeAt(i) > 0xff) return true;
    }
    return false;
  };
  return startsWide(values[0]) || startsWide(values[values.length >> 1]) ||
    startsWide(values[values.length - 1]);
}

function writeEach(values: readonly string[], from: number, sink: StringSink): void {
  for (let k = from; k < values.length; k++) sink.string(values[k]);
}

/** Where the elements of a serialized dense array of `count` values start, or 0. */
function denseArrayStart(bytes: Uint8Array, count: number): number {
  if (bytes[0] !== V8.version || bytes[1] !== V8.version15 || bytes[2] !== V8.denseArray) return 0;
  const start = readVarint(bytes, 3);
  return varintValue === count ? start : 0;
}

/**
 * Rewrites the record of a string of `length` code units at `at` into its
 * canonical form in place, when that form has the same size. Returns the
 * record's end when it did, the end bitwise-negated (`~end`) when the record
 * must be written otherwise, and 0 when it is not the record of a string of
 * that length.
 */
function rewriteRecord(bytes: Uint8Array, at: number, length: number): number {
  if (bytes[at] === V8.oneByteString) {
    const data = readVarint(bytes, at + 1);
    const end = data + length;
    if (varintValue !== length || end > bytes.length) return 0;
    bytes[at] = FORM.oneByte;
    return end;
  }
  const tag = bytes[at] === V8.padding ? at + 1 : at;
  if (bytes[tag] !== V8.twoByteString) return 0;
  const data = readVarint(bytes, tag + 1);
  const end = data + 2 * length;
  if (varintValue !== 2 * length || end > bytes.length) return 0;
  // No padding and a one-byte length (below 64 code units): the canonical header has the same size.
  if (data !== at + 2 || !hasWideUnit(bytes, data, end)) return ~end;
  bytes[at] = FORM.twoByte;
  bytes[at + 1] = length;
  return end;
}

/**
 * Writes the record ending at `end` that could not be rewritten in place: a
 * short wide string by its header and its code units as V8 wrote them, any
 * other through `sink.string`.
 */
function writeRecord(bytes: Uint8Array, end: number, value: string, sink: StringSink): void {
  const data = end - 2 * value.length;
  if (value.length > SHORT_STRING || !hasWideUnit(bytes, data, end)) return sink.string(value);
  sink.tag(FORM.twoByte);
  sink.varint(value.length);
  sink.raw(bytes.subarray(data, end));
}

/** Whether a UTF-16LE code unit between `from` and `end` is above 0xff. */
function hasWideUnit(bytes: Uint8Array, from: number, end: number): boolean {
  for (let i = from + 1; i < end; i += 2) if (bytes[i] !== 0) return true;
  return false;
}

/** The value of the last varint read (a second result, without allocating). */
let varintValue = 0;

/** Reads the LEB128 varint at `at` into `varintValue`; returns where it ends. */
function readVarint(bytes: Uint8Array, at: number): number {
  let value = 0;
  let scale = 1;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    scale *= 0x80;
  } while (byte >= 0x80 && at < bytes.length);
  varintValue = value;
  return at;
}
