import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { serialize } from "node:v8";
import { FrameWriter } from "../src/execution/worker/frames.ts";
import { HmacSha256, sha256 } from "../src/plain_sha256.ts";
import { createSha256, sha256Hex } from "../src/sha256.ts";

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (text: string) => new Uint8Array(text.match(/../g)!.map((b) => parseInt(b, 16)));
const bytes = (text: string) => new TextEncoder().encode(text);
const random = (n: number) => {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65_536) crypto.getRandomValues(out.subarray(at, at + 65_536));
  return out;
};

Deno.test("HMAC-SHA-256: the RFC 4231 test vectors", () => {
  const cases: [Uint8Array, Uint8Array, string][] = [
    [
      fromHex("0b".repeat(20)),
      bytes("Hi There"),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    ],
    [
      bytes("Jefe"),
      bytes("what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ],
    [
      fromHex("aa".repeat(20)),
      fromHex("dd".repeat(50)),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    ],
    [
      fromHex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
      fromHex("cd".repeat(50)),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ],
    // Keys longer than a block are hashed first.
    [
      fromHex("aa".repeat(131)),
      bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ],
    [
      fromHex("aa".repeat(131)),
      bytes(
        "This is a test using a larger than block-size key and a larger than block-size data. " +
          "The key needs to be hashed before being used by the HMAC algorithm.",
      ),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ],
  ];
  for (const [key, data, tag] of cases) assert.equal(hex(new HmacSha256(key).tag(32, data)), tag);
  // Case 5: truncated to 128 bits.
  assert.equal(
    hex(new HmacSha256(fromHex("0c".repeat(20))).tag(16, bytes("Test With Truncation"))),
    "a3b6167473100ee06e0c796c2955552b",
  );
});

Deno.test("SHA-256 and HMAC-SHA-256 agree with node:crypto on every length around the block and padding edges", () => {
  const key = random(32);
  const hmac = new HmacSha256(key);
  const lengths = [...Array.from({ length: 200 }, (_, i) => i), 4095, 4096, 4097, 100_003];
  for (const n of lengths) {
    const data = random(n);
    // Split in three parts at varying places: a part may end inside a block.
    const first = Math.min(n, 67 - (n % 67)), last = Math.max(first, n - (n % 5));
    const [a, b, c] = [data.subarray(0, first), data.subarray(first, last), data.subarray(last)];
    assert.equal(
      hex(sha256(a, b, c)),
      createHash("sha256").update(data).digest("hex"),
      `sha256 of ${n} bytes`,
    );
    assert.equal(
      hex(hmac.tag(32, a, b, c)),
      createHmac("sha256", key).update(data).digest("hex"),
      `HMAC of ${n} bytes`,
    );
  }
});

Deno.test("sealed frames of every size carry the truncated HMAC-SHA-256 of counter, length and payload", () => {
  const key = random(32);
  const writer = new FrameWriter(key);
  const expected = (kind: string, counter: number, payload: Uint8Array) => {
    const data = new Uint8Array(9);
    data[0] = kind.charCodeAt(0);
    new DataView(data.buffer).setUint32(1, counter, true);
    new DataView(data.buffer).setUint32(5, payload.length, true);
    const hmac = createHmac("sha256", key).update(data);
    return hex(
      kind === "P" ? hmac.update(payload).digest().subarray(0, 16) : hmac.digest().subarray(0, 16),
    );
  };
  // Small payloads are tagged in TypeScript, large ones by node:crypto: both must be this HMAC.
  for (const [counter, size] of [0, 100, 4_000, 4_096, 50_000, 2_000_000].entries()) {
    const message = random(size);
    const payload = new Uint8Array(serialize(message));
    const frame = writer.encode(message);
    const header = frame.subarray(12, 28);
    const payloadTag = frame.subarray(28 + payload.length);
    assert.deepEqual(frame.subarray(28, 28 + payload.length), payload);
    assert.equal(hex(header), expected("H", counter, payload), `header tag, ${size} bytes`);
    assert.equal(hex(payloadTag), expected("P", counter, payload), `payload tag, ${size} bytes`);
  }
});

Deno.test("sha256Hex: the same digest as node:crypto, plain or native, for every kind of text", () => {
  const texts = [
    "",
    "abc",
    "é∑😀 mixed — UTF-8",
    "lone \ud800 surrogate \udfff",
    "x".repeat(55),
    "x".repeat(64),
    "ü".repeat(16_384), // the longest text hashed in plain TypeScript, 32 KiB of UTF-8
    "ü".repeat(16_385), // the shortest hashed natively
    String.fromCharCode(...random(3000).map((b) => b + 0x20)),
  ];
  for (const text of texts) {
    assert.equal(
      sha256Hex(text),
      createHash("sha256").update(text).digest("hex"),
      text.slice(0, 20),
    );
  }
});

Deno.test("createSha256: the digest of node:crypto when the input stays short, and when it grows past 32 KiB in the middle", () => {
  for (const sizes of [[0], [3, 61, 1000], [32_768], [32_768, 1], [10_000, 30_000, 5], [100_003]]) {
    const hash = createSha256();
    const native = createHash("sha256");
    // One buffer, overwritten after each update as the canonical encoder does.
    const buffer = new Uint8Array(Math.max(...sizes));
    for (const size of sizes) {
      const part = buffer.subarray(0, size);
      crypto.getRandomValues(part.subarray(0, Math.min(size, 65_536)));
      hash.update(part);
      native.update(part);
      buffer.fill(0xee);
    }
    const expected = native.digest("hex");
    assert.equal(hash.digest("hex"), expected, `parts of ${sizes.join(", ")} bytes`);
  }
  assert.equal(hex(createSha256().update("é").update(bytes("x")).digest()), sha256Hex("éx"));
});
