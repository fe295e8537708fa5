import { deserialize, serialize } from "node:v8";

/**
 * Marks the start of a protocol frame on a worker's stdout. Anything a step
 * prints outside frames is passed through as ordinary output, so
 * `console.log` in experiment code cannot corrupt the protocol.
 */
const MAGIC = new Uint8Array([0xc7, 0x52, 0x59, 0x53, 0x54, 0x41, 0x4c, 0x5a]);
const HEADER = MAGIC.length + 4;

/**
 * Encodes a message as a frame: magic bytes, a 32-bit little-endian length,
 * then the V8 structured-clone serialisation (Dates, Maps, typed arrays,
 * BigInts and `undefined` survive, unlike JSON).
 *
 * @example
 * ```ts
 * const reader = new FrameReader();
 * reader.push(encodeFrame({ hello: 1 })).frames; // [{ hello: 1 }]
 * ```
 */
export function encodeFrame(message: unknown): Uint8Array {
  const payload = serialize(message);
  const frame = new Uint8Array(HEADER + payload.length);
  frame.set(MAGIC, 0);
  new DataView(frame.buffer).setUint32(MAGIC.length, payload.length, true);
  frame.set(payload, HEADER);
  return frame;
}

/** Splits a byte stream into frames and the bytes around them. */
export class FrameReader {
  #buffer: Uint8Array = new Uint8Array(0);

  /** Adds bytes; returns the complete frames and any non-frame output found. */
  push(chunk: Uint8Array): { frames: unknown[]; output: Uint8Array[] } {
    const frames: unknown[] = [];
    const output: Uint8Array[] = [];
    let buf = concat(this.#buffer, chunk);
    for (;;) {
      const start = indexOfMagic(buf);
      if (start < 0) {
        // Keep a tail that could be the beginning of the magic bytes.
        const keep = Math.min(buf.length, MAGIC.length - 1);
        if (buf.length > keep) output.push(buf.slice(0, buf.length - keep));
        buf = buf.slice(buf.length - keep);
        break;
      }
      if (start > 0) output.push(buf.slice(0, start));
      buf = buf.slice(start);
      if (buf.length < HEADER) break;
      const length = new DataView(buf.buffer, buf.byteOffset).getUint32(MAGIC.length, true);
      if (buf.length < HEADER + length) break;
      frames.push(deserialize(buf.subarray(HEADER, HEADER + length)));
      buf = buf.slice(HEADER + length);
    }
    this.#buffer = buf;
    return { frames, output };
  }

  /** The bytes held back at the end of the stream (a partial frame or magic). */
  flush(): Uint8Array {
    const rest = this.#buffer;
    this.#buffer = new Uint8Array(0);
    return rest;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function indexOfMagic(buf: Uint8Array): number {
  for (
    let i = buf.indexOf(MAGIC[0]);
    i >= 0 && i <= buf.length - MAGIC.length;
    i = buf.indexOf(MAGIC[0], i + 1)
  ) {
    let match = true;
    for (let j = 1; j < MAGIC.length; j++) {
      if (buf[i + j] !== MAGIC[j]) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  // A partial magic at the very end counts as "not yet": the caller keeps the tail.
  return -1;
}
