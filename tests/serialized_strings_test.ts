/**
 * Arrays of wide strings are hashed from V8's serialization of the array
 * (src/cache/serialized_strings.ts): every kind of record it meets must give
 * the bytes the string-by-string path gives.
 */
import assert from "node:assert/strict";
import { createSha256 } from "../src/sha256.ts";
import { StringWriter } from "../src/cache/string_writer.ts";
import { writeStrings } from "../src/cache/serialized_strings.ts";

function oneByOne(values: readonly string[]): string {
  const writer = new StringWriter(createSha256(), 4096);
  for (const s of values) writer.string(s);
  return writer.digest();
}

function serialized(values: readonly string[]): string {
  const writer = new StringWriter(createSha256(), 4096);
  writeStrings(values, writer);
  return writer.digest();
}

const wide = (n: number) => Array.from({ length: n }, (_, i) => `数据-${i}-行`.repeat(1 + i % 5));
/** A string V8 keeps two-byte although every code unit fits one byte (a slice of a wide one). */
const narrowTwoByte = (i: number) => ("数" + `narrow-two-byte-${i}-${"x".repeat(i % 40)}`).slice(1);

const SHAPES: [string, () => string[]][] = [
  ["short wide strings", () => wide(1_000)],
  [
    "wide strings of 64 to 127 code units",
    () => wide(200).map((s, i) => s.padEnd(64 + i % 64, "数")),
  ],
  [
    "wide strings around 127 and 128 code units",
    () => Array.from({ length: 100 }, (_, i) => "数".repeat(126 + i % 3)),
  ],
  ["long wide strings (UTF-8 form)", () => wide(100).map((s) => s.repeat(40))],
  [
    "lone surrogates, short and long",
    () => wide(100).map((s, i) => s + (i % 2 ? "\uD800" : "\uDFFF".repeat(200))),
  ],
  ["wide strings with the wide unit late", () => wide(100).map((s, i) => "a".repeat(i % 60) + s)],
  [
    "narrow two-byte strings among wide ones",
    () => wide(300).map((s, i) => i % 3 ? s : narrowTwoByte(i)),
  ],
  [
    "one-byte strings between wide ones (padding)",
    () => wide(300).map((s, i) => i % 2 ? `row-${i}` : s),
  ],
  [
    "many short records written one by one",
    () => Array.from({ length: 2_000 }, (_, i) => i % 2 ? "a" : "数"),
  ],
  [
    "Latin-1 among wide strings",
    () => wide(300).map((s, i) => i % 4 ? s : `é-${i}-ü`.repeat(i % 50)),
  ],
  ["empty strings among wide ones", () => wide(300).map((s, i) => i % 7 ? s : "")],
];

Deno.test("writeStrings: wide string arrays hash as the strings one by one, whatever V8 records", () => {
  for (const [name, make] of SHAPES) {
    const values = make();
    assert.equal(serialized(values), oneByOne(values), name);
  }
});

Deno.test("writeStrings: arrays V8 does not write densely, and small arrays, take the plain path", () => {
  const holey = wide(100);
  delete holey[50];
  holey[50] = "数据"; // holey elements kind: V8 writes a sparse array
  assert.equal(serialized(holey), oneByOne(holey));
  const small = wide(10);
  assert.equal(serialized(small), oneByOne(small));
  // A change anywhere changes the digest.
  const changed = wide(1_000);
  changed[999] = changed[999] + "!";
  assert.notEqual(serialized(changed), serialized(wide(1_000)));
});
