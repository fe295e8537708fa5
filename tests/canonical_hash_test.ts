import assert from "node:assert/strict";
import { CacheKeyError, canonicalHash, resourceFactory } from "../mod.ts";

const same = (a: unknown, b: unknown) => assert.equal(canonicalHash(a), canonicalHash(b));
const differ = (a: unknown, b: unknown) => assert.notEqual(canonicalHash(a), canonicalHash(b));

Deno.test("canonicalHash: key order of plain objects does not matter, nesting does", () => {
  same({ a: 1, b: { c: [1, 2], d: "x" } }, { b: { d: "x", c: [1, 2] }, a: 1 });
  differ({ a: { b: 1 } }, { a: 1, b: 1 });
  differ([1, 2], [2, 1]);
  assert.match(canonicalHash({ a: 1 }), /^[0-9a-f]{64}$/);
});

Deno.test("canonicalHash: Maps and Sets are order-free; they differ from objects and arrays", () => {
  same(new Map([["a", 1], ["b", 2]]), new Map([["b", 2], ["a", 1]]));
  same(new Set([1, "x", 3]), new Set([3, 1, "x"]));
  differ(new Map([["a", 1]]), { a: 1 });
  differ(new Set([1, 2]), [1, 2]);
  differ(new Map([["a", 1]]), new Map([["a", 2]]));
  same(new Map([[{ k: 1 }, "v"]]), new Map([[{ k: 1 }, "v"]]));
});

Deno.test("canonicalHash: typed arrays by bytes and element type", () => {
  same(new Float64Array([1, 2]), new Float64Array([1, 2]));
  differ(new Uint8Array([1]), new Int8Array([1]));
  differ(new Uint8Array([1]), [1]);
  differ(new Float32Array([1, 2]), new Float32Array([1, 3]));
  // A view hashes its own bytes, not the whole buffer behind it.
  const buffer = new Uint8Array([9, 1, 2, 9]);
  same(buffer.subarray(1, 3), new Uint8Array([1, 2]));
  same(new Uint8Array([1, 2]).buffer, new Uint8Array([1, 2]).buffer);
});

Deno.test("canonicalHash: numbers, NaN, infinities, -0, BigInt, undefined, Dates", () => {
  same(NaN, 0 / 0);
  same(NaN, Number("x"));
  differ(Infinity, -Infinity);
  differ(Infinity, NaN);
  differ(0, -0);
  differ(1n, 1);
  same(10n ** 30n, 10n ** 30n);
  differ("1", 1);
  differ(null, undefined);
  differ({ a: undefined }, {});
  differ([undefined], []);
  same(new Date("2024-01-02T03:04:05Z"), new Date(Date.UTC(2024, 0, 2, 3, 4, 5)));
  differ(new Date(0), 0);
  differ(true, 1);
});

Deno.test("canonicalHash: class instances by toJSON; functions, symbols and cycles throw with the path", () => {
  class Point {
    constructor(readonly x: number) {}
    toJSON() {
      return { x: this.x };
    }
  }
  same(new Point(1), new Point(1));
  differ(new Point(1), { x: 1 });
  class Opaque {
    constructor(readonly x: number) {}
  }
  assert.throws(
    () => canonicalHash({ model: { layer: new Opaque(1) } }),
    (e: unknown) =>
      e instanceof CacheKeyError &&
      e.message ===
        "value.model.layer is an instance of Opaque, which has no stable hash; give the class a toJSON() method, pass plain data, or make the step non-cacheable",
  );
  assert.throws(
    () => canonicalHash({ fns: [1, () => 2] }),
    /value\.fns\[1\] is a function, which has no stable hash/,
  );
  assert.throws(() => canonicalHash(Symbol("s")), /value is a symbol/);
  const loop: Record<string, unknown> = { a: 1 };
  loop.self = loop;
  assert.throws(() => canonicalHash(loop), /value\.self refers back to one of its own parents/);
  // The same object twice (not a cycle) is fine.
  const shared = { k: 1 };
  same({ a: shared, b: shared }, { a: { k: 1 }, b: { k: 1 } });
});

Deno.test("canonicalHash: resource factories hash by their key, not by what they build", () => {
  const a = resourceFactory(() => ({ conn: 1 }), { key: "db" });
  const b = resourceFactory(() => ({ conn: 2 }), { key: "db" });
  const c = resourceFactory(() => ({ conn: 1 }), { key: "other" });
  same({ r: a }, { r: b });
  differ({ r: a }, { r: c });
});

Deno.test("canonicalHash: long strings and big arrays take the buffered path consistently", () => {
  const long = "x".repeat(200_000);
  same(long, "x".repeat(200_000));
  differ(long, "x".repeat(199_999) + "y");
  const numbers = Array.from({ length: 100_000 }, (_, i) => i * 0.5);
  same(numbers, numbers.slice());
  const changed = numbers.slice();
  changed[99_999] = -1;
  differ(numbers, changed);
});
