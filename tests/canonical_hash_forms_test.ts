/**
 * canonicalHash's fast paths (arrays of numbers or strings, string forms,
 * Maps and Sets of strings or numbers, deep values): each must keep the
 * rules of the general encoding.
 */
import assert from "node:assert/strict";
import { CacheKeyError, canonicalHash } from "../mod.ts";

const same = (a: unknown, b: unknown) => assert.equal(canonicalHash(a), canonicalHash(b));
const differ = (a: unknown, b: unknown) => assert.notEqual(canonicalHash(a), canonicalHash(b));

Deno.test("canonicalHash: strings of every form and length stay distinct, lone surrogates included", () => {
  for (const length of [1, 40, 127, 128, 5_000, 40_000]) {
    const pad = "a".repeat(length - 1);
    // A lone surrogate is not U+FFFD, nor the other lone surrogate (UTF-8 would merge them).
    differ(pad + "\uD800", pad + "\uDFFF");
    differ(pad + "\uD800", pad + "\uFFFD");
    // One-byte (Latin-1), UTF-8 and two-byte forms never collide with each other.
    differ(pad + "é", pad + "Ã©");
    differ(pad + "数", pad + "æ\u0095°");
    same(pad + "é数", pad + "é" + "数");
    differ(pad + "é数", pad + "é数 ");
  }
  same("x".repeat(200_000), "x".repeat(100_000) + "x".repeat(100_000));
  differ("数".repeat(30_000), "数".repeat(29_999) + "敷");
  differ("\uD800".repeat(30_000), "\uDFFF".repeat(30_000));
});

Deno.test("canonicalHash: arrays of numbers or strings hash like the values they hold", () => {
  differ([1, 2], [1, "2"]);
  differ(["1", "2"], ["1", 2]);
  differ([1, 2], ["1", "2"]);
  differ([], [""]);
  same([NaN, 1], [0 / 0, 1]);
  differ([-0], [0]);
  differ([1n], [1]);
  const numbers = Array.from({ length: 10_000 }, (_, i) => i / 3);
  same(numbers, [...numbers]);
  const changed = [...numbers];
  changed[9_999] = 0;
  differ(numbers, changed);
  differ([[1, 2], [3]], [[1], [2, 3]]);
  differ(["ab", "c"], ["a", "bc"]);
});

Deno.test("canonicalHash: Maps and Sets of strings or numbers are order-free and keep their values apart", () => {
  same(
    new Map<string, unknown>([["b", 2], ["a", [1]]]),
    new Map<string, unknown>([["a", [1]], ["b", 2]]),
  );
  same(new Map([[2, "x"], [NaN, "y"], [-1, "z"]]), new Map([[NaN, "y"], [-1, "z"], [2, "x"]]));
  differ(new Map([["1", "x"]]), new Map([[1, "x"]]));
  differ(new Map<string, unknown>([["a", 1]]), new Map<string, unknown>([["a", "1"]]));
  same(new Set([3, NaN, -2]), new Set([NaN, -2, 3]));
  same(new Set(["b", "a"]), new Set(["a", "b"]));
  differ(new Set(["1"]), new Set([1]));
  differ(new Set([1, 2]), [1, 2]);
  differ(new Set(["a"]), ["a"]);
  // Mixed keys take the general, digest-ordered path, order-free too.
  same(new Map<unknown, number>([["a", 1], [2, 2]]), new Map<unknown, number>([[2, 2], ["a", 1]]));
  same(new Set<unknown>(["a", 1]), new Set<unknown>([1, "a"]));
});

Deno.test("canonicalHash: refused values inside fast paths and deep values are reported with their path", () => {
  const refused = (value: unknown, message: RegExp) =>
    assert.throws(
      () => canonicalHash(value),
      (e: unknown) => e instanceof CacheKeyError && message.test(e.message),
    );
  refused(new Map<string, unknown>([["b", 1], ["a", () => 1]]), /^value\.get\(#1\) is a function/);
  refused(
    new Map<number, unknown>([[2, 1], [1, { f: Symbol("s") }]]),
    /^value\.get\(#1\)\.f is a symbol/,
  );
  refused(new Set([{ ok: 1 }, { f: () => 1 }]), /^value\{#1\}\.f is a function/);
  refused([{ a: 1 }, { a: [1, 2, () => 3] }], /^value\[1\]\.a\[2\] is a function/);
  // A cycle is reported where it first closes, however deep it is found.
  const list: unknown[] = [1];
  list.push({ back: list });
  refused({ data: list }, /^value\.data\[1\]\.back refers back to one of its own parents/);
  // Deep values without a cycle hash, shared objects at any depth included.
  let deep: unknown = { leaf: true };
  const shared = { s: 1 };
  for (let i = 0; i < 300; i++) deep = { next: deep, shared };
  same(deep, structuredClone(deep));
  let cyclic: Record<string, unknown> = {};
  const top = cyclic;
  for (let i = 0; i < 100; i++) cyclic = (cyclic.next = {}) as Record<string, unknown>;
  cyclic.next = top.next;
  refused(top, new RegExp(`^value(\\.next){101} refers back`));
});
