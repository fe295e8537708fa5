import assert from "node:assert/strict";
import { deserialize, serialize } from "node:v8";
import {
  decodeMessage,
  encodeMessage,
  PLAIN_ARRAY_LIMIT,
  PLAIN_VERSION,
} from "../src/execution/worker/message_codec.ts";
import { seededRandom as random } from "./seeded_random.ts";

/** What V8's structured clone delivers for `value`: the reference every case is held to. */
const viaV8 = (value: unknown) => deserialize(serialize(value));

const PLAIN: Record<string, unknown> = {
  "undefined": undefined,
  "null": null,
  "booleans": [true, false],
  "int32 edges": [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)],
  "beyond int32": [2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE],
  "non-finite and -0": [NaN, Infinity, -Infinity, -0, 0.1 + 0.2],
  "bigints": [0n, -1n, 2n ** 200n, -(3n ** 99n)],
  "strings": ["", "a", "ascii only", "é", "数据", "😀 emoji", "\u0000nul", "x".repeat(10_000)],
  "dates": [new Date(0), new Date(-1), new Date(8.64e15), new Date(NaN)],
  "undefined properties": { cache: undefined, record: undefined, n: 1 },
  "undefined items": [undefined, 1, undefined],
  "nested": { a: { b: { c: [1, [2, [3, { d: "e" }]]] } } },
  "key order, integer-like keys": { z: 1, 10: 2, a: 3, 2: 4, "-1": 5, "1.5": 6 },
  "empty containers": [{}, [], [[]], { a: {} }],
  "__proto__ and constructor keys": JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 2}'),
  "null-prototype object": Object.assign(Object.create(null), { a: 1 }),
  "longest plain array": Array.from({ length: PLAIN_ARRAY_LIMIT }, (_, i) => i / 3),
  "an outcome": {
    type: "outcome",
    outcome: {
      replicate: 3,
      condition: "baseline",
      metrics: { loop_ms: [49.5], x: [-0.25] },
      error: undefined,
      timings: { work: 0.125 },
    },
  },
};

Deno.test("message codec: plain data takes the plain form and arrives as V8's structured clone delivers it", () => {
  for (const [name, value] of Object.entries(PLAIN)) {
    const bytes = encodeMessage(value);
    assert.equal(bytes[0], PLAIN_VERSION, `${name}: plain form`);
    assert.deepStrictEqual(decodeMessage(bytes), viaV8(value), name);
  }
});

Deno.test("message codec: -0, NaN and property order survive exactly", () => {
  const decoded = decodeMessage(encodeMessage({ z: -0, a: NaN, m: [-0] })) as {
    z: number;
    a: number;
    m: number[];
  };
  assert.ok(Object.is(decoded.z, -0) && Object.is(decoded.m[0], -0));
  assert.ok(Number.isNaN(decoded.a));
  assert.deepEqual(Object.keys(decoded), ["z", "a", "m"]);
});

Deno.test("message codec: a __proto__ key arrives as an own property and sets no prototype", () => {
  const value = JSON.parse('{"__proto__": {"polluted": true}}');
  const decoded = decodeMessage(encodeMessage(value)) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  assert.ok(Object.hasOwn(decoded, "__proto__"));
  assert.equal((decoded as { polluted?: boolean }).polluted, undefined);
  assert.equal(({} as { polluted?: boolean }).polluted, undefined);
});

const shared = { n: 1 };
const cyclic: Record<string, unknown> = { name: "loop" };
cyclic.self = cyclic;
const day = new Date(86_400_000);

Deno.test("message codec: shared and cyclic references (objects, arrays, dates) take the plain form and stay one object each, as with V8", () => {
  const list = [1, 2];
  const message = { a: shared, b: [shared, list, list], c: { list, day }, d: day, cyclic };
  const bytes = encodeMessage(message);
  assert.equal(bytes[0], PLAIN_VERSION);
  const decoded = decodeMessage(bytes) as typeof message;
  assert.deepStrictEqual(decoded, viaV8(message));
  assert.equal(decoded.a, decoded.b[0]);
  assert.equal(decoded.b[1], decoded.b[2]);
  assert.equal(decoded.b[1], decoded.c.list);
  assert.equal(decoded.c.day, decoded.d);
  assert.equal(decoded.cyclic.self, decoded.cyclic);
  // A reference to an object not met yet is malformed.
  assert.throws(
    () => decodeMessage(new Uint8Array([PLAIN_VERSION, 0x72, 0, 0, 0, 0])),
    /reference/,
  );
});

const holey = [1, , 3];
const withExtra = Object.assign([1, 2], { extra: "kept" });
class Point {
  constructor(readonly x: number, readonly y: number) {}
}

const NOT_PLAIN: Record<string, unknown> = {
  "a Map": new Map<unknown, unknown>([[1, "a"], ["k", { v: [1] }]]),
  "a Set": new Set([1, "2", 3n]),
  "typed arrays": [new Uint8Array([1, 2, 3]), new Float64Array([0.5, -0])],
  "an ArrayBuffer": new Uint8Array([9, 8]).buffer,
  "a RegExp": /a+b/giu,
  "an Error": new RangeError("too far"),
  "a hole": holey,
  "an array's extra property": withExtra,
  "a class instance": new Point(1, 2),
  "a boxed string": new String("boxed"),
  "a lone surrogate": ["ok", "\ud800 alone"],
  "a lone surrogate as a key": { "\udc00": 1 },
  "an array longer than the limit": Array.from({ length: PLAIN_ARRAY_LIMIT + 1 }, (_, i) => i),
  "plain data around a Map": { type: "outcome", metrics: { m: new Map([["a", 1]]) } },
};

Deno.test("message codec: everything else goes through V8's serializer and arrives exactly as before", () => {
  for (const [name, value] of Object.entries(NOT_PLAIN)) {
    const bytes = encodeMessage(value);
    assert.equal(bytes[0], 0xff, `${name}: V8's form`);
    assert.deepStrictEqual(decodeMessage(bytes), viaV8(value), name);
  }
  assert.equal(1 in (decodeMessage(encodeMessage(holey)) as unknown[]), false, "the hole stays");
  assert.equal((decodeMessage(encodeMessage(withExtra)) as { extra?: string }).extra, "kept");
});

Deno.test("message codec: what V8 cannot clone throws V8's own error", () => {
  for (const value of [{ f: () => 1 }, [Symbol("s")], { nested: { fn: Math.max } }]) {
    let v8Error: Error | undefined;
    try {
      serialize(value);
    } catch (error) {
      v8Error = error as Error;
    }
    assert.match(v8Error?.message ?? "", /could not be cloned/);
    assert.throws(() => encodeMessage(value), (e: Error) => e.message === v8Error!.message);
  }
});

Deno.test("message codec: nesting deeper than the stack falls back to V8, which refuses it the same way", () => {
  let deep: unknown = 0;
  for (let i = 0; i < 200_000; i++) deep = [deep];
  let v8Error: unknown;
  try {
    serialize(deep);
  } catch (error) {
    v8Error = error;
  }
  assert.ok(v8Error instanceof Error);
  assert.throws(() => encodeMessage(deep), (e: Error) => e.message === (v8Error as Error).message);
});

Deno.test("message codec: truncated, malformed or padded plain bytes throw instead of decoding to something", () => {
  const bytes = encodeMessage(PLAIN["an outcome"]);
  for (let end = 1; end < bytes.length; end++) {
    assert.throws(() => decodeMessage(bytes.subarray(0, end)), `cut at ${end}`);
  }
  const cases: Record<string, number[]> = {
    "unknown tag": [PLAIN_VERSION, 0x7a],
    "string longer than the bytes": [PLAIN_VERSION, 0x73, 9, 0, 0, 0, 0x61],
    "invalid UTF-8": [PLAIN_VERSION, 0x73, 2, 0, 0, 0, 0xc3, 0x28],
    "array count beyond the bytes": [PLAIN_VERSION, 0x61, 0xff, 0xff, 0xff, 0x7f],
    "object key that is not a string": [PLAIN_VERSION, 0x6f, 1, 0, 0, 0, 0x69, 1, 0, 0, 0, 0x6e],
    "bigint that is not digits": [PLAIN_VERSION, 0x62, 1, 0, 0, 0, 0x78],
    "bytes after the message": [PLAIN_VERSION, 0x6e, 0x6e],
    "empty message": [PLAIN_VERSION],
  };
  for (const [name, raw] of Object.entries(cases)) {
    assert.throws(() => decodeMessage(new Uint8Array(raw)), name);
  }
});

function randomValue(next: () => number, depth: number): unknown {
  const leaves = [
    () => undefined,
    () => null,
    () => next() < 0.5,
    () => Math.floor(next() * 2000) - 1000,
    () => (next() - 0.5) * 1e300,
    () => [NaN, -0, Infinity][Math.floor(next() * 3)],
    () => BigInt(Math.floor(next() * 1e15)) * 12345n,
    () =>
      String.fromCodePoint(
        ...Array.from({ length: next() * 8 }, () => Math.floor(next() * 0x110000)),
      ),
    () => new Date(Math.floor(next() * 1e13)),
  ];
  const r = next();
  // A code point in the surrogate range makes a lone surrogate: a case for V8's form.
  if (depth > 3 || r < 0.5) return leaves[Math.floor(next() * leaves.length)]();
  const n = Math.floor(next() * 6);
  if (r < 0.75) return Array.from({ length: n }, () => randomValue(next, depth + 1));
  return Object.fromEntries(
    Array.from(
      { length: n },
      (_, i) => [`k${i}${String.fromCharCode(97 + i)}`, randomValue(next, depth + 1)],
    ),
  );
}

Deno.test("message codec: 2,000 random values arrive as V8's structured clone delivers them", () => {
  const next = random(20261202);
  let plain = 0;
  for (let i = 0; i < 2000; i++) {
    const value = randomValue(next, 0);
    const bytes = encodeMessage(value);
    if (bytes[0] === PLAIN_VERSION) plain++;
    assert.deepStrictEqual(decodeMessage(bytes), viaV8(value), `case ${i}`);
  }
  assert.ok(plain > 1000, `most random values are plain data (${plain} of 2000)`);
});

Deno.test("message codec: a getter that encodes a message of its own does not disturb the message being encoded", () => {
  let inner: Uint8Array | undefined;
  const message = {
    before: "a",
    get middle() {
      inner = encodeMessage({ inner: [1, 2, 3] });
      return "m";
    },
    after: [true],
  };
  const decoded = decodeMessage(encodeMessage(message));
  assert.deepStrictEqual(decoded, { before: "a", middle: "m", after: [true] });
  assert.deepStrictEqual(decodeMessage(inner!), { inner: [1, 2, 3] });
});

Deno.test("message codec: messages after a large one (and after one V8 wrote) are whole", () => {
  const large = { rows: Array.from({ length: 200 }, (_, i) => ({ i, text: "é".repeat(500) })) };
  const small = { type: "ready" };
  assert.deepStrictEqual(decodeMessage(encodeMessage(large)), large);
  assert.deepStrictEqual(decodeMessage(encodeMessage(small)), small);
  assert.deepStrictEqual(decodeMessage(encodeMessage(new Map([[1, 1]]))), new Map([[1, 1]]));
  assert.deepStrictEqual(decodeMessage(encodeMessage(small)), small);
});
