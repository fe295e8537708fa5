/**
 * Frames: how the CLI, its sandboxed runner and worker processes exchange
 * messages over stdin/stdout, which they share with whatever experiment code
 * prints.
 *
 * A frame is magic bytes, a 32-bit little-endian length and the message
 * with structured-clone semantics (Dates, Maps, typed arrays, BigInts and
 * `undefined` survive, unlike JSON; see `message_codec.ts`). Frames a child process
 * sends to its parent are also **sealed** with a per-process key that the
 * parent generated and the child read before any experiment code loaded
 * (see `parent_channel.ts`): a header tag right after the length, over a frame
 * counter and the length, and a payload tag after the payload. Experiment
 * code can print anything, including the magic bytes, but cannot make a
 * frame the parent accepts: an unauthentic header is ordinary output (so a
 * forged length can never swallow the real frames after it), a replayed
 * frame fails its counter, and a payload corrupted by a concurrent writer
 * fails its tag and ends the conversation.
 * @module
 */
import { concatBytes } from "../../bytes.ts";
import { nodeCrypto } from "../../node_builtins.ts";
import { HmacSha256 } from "../../plain_sha256.ts";
import { decodeMessage, encodeMessage } from "./message_codec.ts";

const MAGIC = new Uint8Array([0xc7, 0x52, 0x59, 0x53, 0x54, 0x41, 0x4c, 0x5a]);
const LENGTH = MAGIC.length + 4;

/** Bytes of a plain frame's header (magic and length), before its payload. */
export const FRAME_HEADER_BYTES = LENGTH;
/** Bytes of each truncated HMAC-SHA-256 tag. */
const TAG = 16;

/**
 * Payloads from this size on are tagged by `node:crypto` (native, loaded
 * when first needed), smaller ones in plain TypeScript, which is faster for
 * them and spares every child process loading `node:crypto` at start-up.
 */
const NATIVE_TAG_FROM = 4096;

/** Length of a frame key, bytes. */
export const FRAME_KEY_BYTES = 32;

/** A sealed frame that failed its payload tag: the stream can no longer be trusted. */
export class FrameCorruptError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "FrameCorruptError";
  }
}

/**
 * Encodes messages as frames, sealed when given a key (a child process
 * writing to its parent) and plain otherwise (a parent writing to a child's
 * stdin, which experiment code cannot write to).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameReader, FrameWriter } from "./frames.ts";
 *
 * const key = crypto.getRandomValues(new Uint8Array(32));
 * const { frames } = new FrameReader(key).push(new FrameWriter(key).encode({ hello: 1 }));
 * assert.deepEqual(frames, [{ hello: 1 }]);
 * ```
 */
export class FrameWriter {
  readonly #key: FrameKey | undefined;
  #counter = 0;

  /** A writer sealing with `key`, or writing plain frames without one. */
  constructor(key?: Uint8Array) {
    this.#key = key === undefined ? undefined : new FrameKey(key);
  }

  /** The frame of one message. */
  encode(message: unknown): Uint8Array {
    const payload = encodeMessage(message);
    const key = this.#key;
    const sealed = key === undefined ? 0 : TAG;
    const frame = new Uint8Array(LENGTH + sealed + payload.length + sealed);
    frame.set(MAGIC, 0);
    writeUint32(frame, MAGIC.length, payload.length);
    frame.set(payload, LENGTH + sealed);
    if (key !== undefined) {
      const counter = this.#counter++;
      frame.set(headerTag(key, counter, payload.length), LENGTH);
      frame.set(payloadTag(key, counter, payload), LENGTH + TAG + payload.length);
    }
    return frame;
  }
}

/**
 * Splits a byte stream into frames and the bytes around them. With a key it
 * accepts only frames sealed with it, in order; everything else is output.
 * `push` throws {@linkcode FrameCorruptError} when a frame with an authentic
 * header has a payload that fails its tag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FrameReader, FrameWriter } from "./frames.ts";
 *
 * const reader = new FrameReader();
 * const { frames, output } = reader.push(new FrameWriter().encode([1, 2]));
 * assert.deepEqual(frames, [[1, 2]]);
 * assert.equal(output.length, 0);
 * ```
 */
export class FrameReader {
  readonly #key: FrameKey | undefined;
  #counter = 0;
  #buffer: Uint8Array = new Uint8Array(0);
  /** Chunks that arrived while a frame was incomplete, and how many bytes it still needs. */
  #waiting: Uint8Array[] = [];
  #waitingBytes = 0;
  #need = 0;

  /** A reader of frames sealed with `key`, or of plain frames without one. */
  constructor(key?: Uint8Array) {
    this.#key = key === undefined ? undefined : new FrameKey(key);
  }

  /** Adds bytes; returns the complete frames and any non-frame output found. */
  push(chunk: Uint8Array): { frames: unknown[]; output: Uint8Array[] } {
    const frames: unknown[] = [];
    const output: Uint8Array[] = [];
    // A large frame comes in many chunks: join them once it is complete, not on every chunk.
    if (this.#need > 0) {
      this.#waiting.push(chunk);
      this.#waitingBytes += chunk.length;
      if (this.#waitingBytes < this.#need) return { frames, output };
      chunk = concatBytes(this.#buffer, ...this.#waiting.splice(0));
      this.#buffer = new Uint8Array(0);
      this.#waitingBytes = 0;
      this.#need = 0;
    }
    const key = this.#key;
    const sealed = key === undefined ? 0 : TAG;
    const buf = concatBytes(this.#buffer, chunk);
    // Bytes before `at` are handled; frames are read in place and the rest is copied once at
    // the end (a copy after every frame made a chunk of many small frames cost its square).
    let at = 0;
    let from = 0;
    for (;;) {
      const start = indexOfMagic(buf, from);
      if (start < 0) {
        // Keep a tail that could be the beginning of the magic bytes.
        const keep = Math.min(buf.length - at, MAGIC.length - 1);
        if (buf.length - keep > at) output.push(buf.slice(at, buf.length - keep));
        at = buf.length - keep;
        break;
      }
      if (buf.length < start + LENGTH + sealed) {
        if (start > at) output.push(buf.slice(at, start));
        at = start;
        break;
      }
      const length = readUint32(buf, start + MAGIC.length);
      if (
        key !== undefined && !sameTag(buf, start + LENGTH, headerTag(key, this.#counter, length))
      ) {
        // Not ours: experiment code printed these bytes. Look for a frame after them.
        from = start + 1;
        continue;
      }
      if (start > at) output.push(buf.slice(at, start));
      at = start;
      const end = start + LENGTH + sealed + length + sealed;
      if (buf.length < end) {
        this.#need = end - buf.length;
        break;
      }
      const payload = buf.subarray(start + LENGTH + sealed, start + LENGTH + sealed + length);
      if (key !== undefined) {
        if (
          !sameTag(buf, start + LENGTH + sealed + length, payloadTag(key, this.#counter, payload))
        ) {
          throw new FrameCorruptError(
            "a protocol message was corrupted in transit (experiment code wrote to stdout from " +
              "another thread while it was being sent)",
          );
        }
        this.#counter++;
      }
      frames.push(decode(payload));
      at = from = end;
    }
    this.#buffer = buf.slice(at);
    return { frames, output };
  }

  /**
   * How many more bytes complete the frame whose header has arrived (0 when
   * no frame is under way), so a synchronous reader can ask for exactly those.
   */
  get missing(): number {
    return Math.max(0, this.#need - this.#waitingBytes);
  }

  /** The bytes held back at the end of the stream (a partial frame or magic). */
  flush(): Uint8Array {
    const rest = concatBytes(this.#buffer, ...this.#waiting.splice(0));
    this.#buffer = new Uint8Array(0);
    this.#waitingBytes = 0;
    this.#need = 0;
    return rest;
  }
}

/** A payload as a message; a payload that cannot be decoded (or nests too deep) breaks the stream. */
function decode(payload: Uint8Array): unknown {
  try {
    return decodeMessage(payload);
  } catch (error) {
    throw new FrameCorruptError(
      `a protocol message could not be decoded (${(error as Error).message})`,
    );
  }
}

/** A frame key and its HMAC-SHA-256, prepared once. */
class FrameKey {
  readonly bytes: Uint8Array;
  readonly hmac: HmacSha256;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.hmac = new HmacSha256(bytes);
  }
}

function headerTag(key: FrameKey, counter: number, length: number): Uint8Array {
  const data = new Uint8Array(9);
  data[0] = 0x48; // "H": a header tag can never be replayed as a payload tag
  writeUint32(data, 1, counter);
  writeUint32(data, 5, length);
  return tag(key, data);
}

function payloadTag(key: FrameKey, counter: number, payload: Uint8Array): Uint8Array {
  const data = new Uint8Array(9);
  data[0] = 0x50; // "P"
  writeUint32(data, 1, counter);
  writeUint32(data, 5, payload.length);
  return tag(key, data, payload);
}

/** The truncated HMAC-SHA-256 of `data` and `payload`. */
function tag(key: FrameKey, data: Uint8Array, payload?: Uint8Array): Uint8Array {
  if (payload === undefined) return key.hmac.tag(TAG, data);
  if (payload.length < NATIVE_TAG_FROM) return key.hmac.tag(TAG, data, payload);
  const digest = nodeCrypto().createHmac("sha256", key.bytes).update(data).update(payload).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, TAG);
}

/** Constant-time comparison of `expected` with the bytes of `buf` at `at`. */
function sameTag(buf: Uint8Array, at: number, expected: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < TAG; i++) diff |= buf[at + i] ^ expected[i];
  return diff === 0;
}

function writeUint32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value & 0xff;
  buf[at + 1] = (value >>> 8) & 0xff;
  buf[at + 2] = (value >>> 16) & 0xff;
  buf[at + 3] = (value >>> 24) & 0xff;
}

function readUint32(buf: Uint8Array, at: number): number {
  return (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24)) >>> 0;
}

function indexOfMagic(buf: Uint8Array, from: number): number {
  for (
    let i = buf.indexOf(MAGIC[0], from);
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
