import assert from "node:assert/strict";
import { serialize } from "node:v8";
import {
  FRAME_KEY_BYTES,
  FrameCorruptError,
  FrameReader,
  FrameWriter,
} from "../src/execution/worker/frames.ts";

const MAGIC = [0xc7, 0x52, 0x59, 0x53, 0x54, 0x41, 0x4c, 0x5a];
const key = () => crypto.getRandomValues(new Uint8Array(FRAME_KEY_BYTES));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
};
const text = (chunks: Uint8Array[]) => new TextDecoder().decode(concat(...chunks));

/** Everything a reader makes of `stream` pushed in chunks of `size` bytes, then flushed. */
function readInChunks(reader: FrameReader, stream: Uint8Array, size: number) {
  const frames: unknown[] = [];
  const output: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += size) {
    const pushed = reader.push(stream.subarray(at, at + size));
    frames.push(...pushed.frames);
    output.push(...pushed.output);
  }
  output.push(reader.flush());
  return { frames, output };
}

/** A frame as experiment code could forge it: right magic and length, a made-up tag. */
function forged(message: unknown): Uint8Array {
  const payload = serialize(message);
  const frame = new Uint8Array(12 + 16 + payload.length + 16);
  frame.set(MAGIC, 0);
  new DataView(frame.buffer).setUint32(8, payload.length, true);
  frame.set(payload, 28);
  return frame;
}

Deno.test("sealed frames: the reader takes frames sealed with its key, in order, split anywhere", () => {
  const k = key();
  const writer = new FrameWriter(k);
  const stream = concat(
    new TextEncoder().encode("before "),
    writer.encode({ n: 1 }),
    new TextEncoder().encode(" between "),
    writer.encode({ n: 2, big: new Float64Array(10_000) }),
    new TextEncoder().encode(" after"),
  );
  for (const size of [1, 7, 13, 4096, stream.length]) {
    const { frames, output } = readInChunks(new FrameReader(k), stream, size);
    assert.deepEqual(frames.map((f) => (f as { n: number }).n), [1, 2], `chunks of ${size}`);
    assert.equal(text(output), "before  between  after");
  }
});

Deno.test("sealed frames: many small frames in one chunk, with output between them, come out in order", () => {
  const k = key();
  const writer = new FrameWriter(k);
  const parts: Uint8Array[] = [];
  for (let n = 0; n < 500; n++) {
    parts.push(writer.encode({ n }));
    if (n % 7 === 0) parts.push(new TextEncoder().encode(`<${n}>`));
  }
  const stream = concat(...parts);
  for (const size of [stream.length, 4096, 333]) {
    const { frames, output } = readInChunks(new FrameReader(k), stream, size);
    const ns = frames.map((f) => (f as { n: number }).n);
    assert.deepEqual(ns, Array.from({ length: 500 }, (_, n) => n), `chunks of ${size}`);
    const printed = Array.from({ length: 500 }, (_, n) => n).filter((n) => n % 7 === 0);
    assert.equal(text(output), printed.map((n) => `<${n}>`).join(""), `chunks of ${size}`);
  }
});

Deno.test("sealed frames: printed, forged, foreign-key and replayed frames are output, never messages", () => {
  const k = key();
  const writer = new FrameWriter(k);
  const genuine = writer.encode({ type: "done" });
  const other = new FrameWriter(key()).encode({ type: "failed" });
  // A forged header with a huge length must not swallow the genuine frame after it.
  const huge = forged({ type: "pool" });
  new DataView(huge.buffer).setUint32(8, 0x7fffffff, true);
  const reader = new FrameReader(k);
  const first = reader.push(concat(forged({ type: "failed" }), other, huge, genuine));
  assert.deepEqual(first.frames, [{ type: "done" }]);
  // The same genuine frame again is a replay: the counter has moved on.
  const again = reader.push(genuine);
  assert.deepEqual(again.frames, []);
  const shown = concat(...first.output, ...again.output, reader.flush());
  assert.equal(
    shown.length,
    forged({ type: "failed" }).length + other.length + huge.length + genuine.length,
  );
  // The next genuine frame still arrives.
  assert.deepEqual(reader.push(writer.encode({ type: "next" })).frames, [{ type: "next" }]);
});

Deno.test("sealed frames: a genuine header whose payload was tampered with stops the stream", () => {
  const k = key();
  const frame = new FrameWriter(k).encode({ type: "done", value: 1 });
  frame[frame.length - 20] ^= 0xff; // a payload byte
  assert.throws(() => new FrameReader(k).push(frame), FrameCorruptError);
});

Deno.test("sealed frames: random noise full of magic bytes passes through intact", () => {
  const k = key();
  const writer = new FrameWriter(k);
  const noise = new Uint8Array(1 << 20);
  for (let i = 0; i < noise.length; i += 65536) {
    crypto.getRandomValues(noise.subarray(i, i + 65536));
  }
  for (let i = 0; i < noise.length; i += 4099) noise.set(MAGIC, i);
  const reader = new FrameReader(k);
  const output: Uint8Array[] = [];
  const frames: unknown[] = [];
  for (const part of [noise.subarray(0, 500_000), writer.encode("x"), noise.subarray(500_000)]) {
    const pushed = reader.push(part);
    output.push(...pushed.output);
    frames.push(...pushed.frames);
  }
  output.push(reader.flush());
  assert.deepEqual(frames, ["x"]);
  assert.deepEqual(concat(...output), noise);
});

Deno.test("plain frames (parent to child) round-trip without a key", () => {
  const reader = new FrameReader();
  const { frames } = reader.push(new FrameWriter().encode({ type: "run", replicates: [1, 2] }));
  assert.deepEqual(frames, [{ type: "run", replicates: [1, 2] }]);
});
