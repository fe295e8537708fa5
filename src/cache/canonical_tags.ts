/**
 * The first byte of each value's canonical encoding (see
 * `canonicalHash`): which kind of value follows. Every encoding
 * is self-delimiting after its tag (lengths and counts), so distinct values
 * give distinct byte strings. These bytes are part of every stored cache
 * key: changing one invalidates all caches.
 *
 * @module
 */
/** Tags of values other than strings (a string's tag is its {@linkcode FORM}). */
export const TAG = {
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
export const FORM = { oneByte: 0x73, utf8: 0x38, twoByte: 0x77 } as const;

/**
 * Strings up to this length are copied code unit by code unit (for short
 * strings cheaper than a native call); below 0x80, so their length is one
 * varint byte.
 */
export const SHORT_STRING = 127;
