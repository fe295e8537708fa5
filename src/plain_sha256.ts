/**
 * SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104) in plain TypeScript,
 * synchronous: what seals frames and hashes short texts (step code, names).
 * `node:crypto` would do it natively, but loading it costs every worker
 * process and runner about 15 ms of start-up on this project's 2-core
 * machine (more than all the frames of a typical run take to seal, or all
 * the step code of a run to hash), and Web Crypto is asynchronous, while a
 * frame must be on its way before the next line of the worker runs.
 * @module
 */

/** SHA-256 round constants: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

/** The initial hash value: fractional parts of the square roots of the first 8 primes. */
const INITIAL = new Int32Array([
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
]);

const BLOCK = 64;

/** The message schedule, shared: hashing is synchronous and never re-entered. */
const W = new Int32Array(64);

/** Mixes the 64-byte block of `bytes` at `at` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++, at += 4) {
    W[i] = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  }
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15];
    const w2 = W[i - 2];
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = state[0], b = state[1], c = state[2], d = state[3];
  let e = state[4], f = state[5], g = state[6], h = state[7];
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + (g ^ (e & (f ^ g))) + K[i] + W[i]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) | (c & (a | b)))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
  state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0;
  state[7] = (state[7] + h) | 0;
}

/**
 * Hashes `parts` into `state` (which holds the state after `done` bytes,
 * whole blocks) and pads: `state` is then the digest. `block` is scratch.
 */
function hashParts(state: Int32Array, block: Uint8Array, done: number, parts: Uint8Array[]): void {
  let filled = 0;
  let length = done;
  for (const bytes of parts) {
    let at = 0;
    length += bytes.length;
    if (filled > 0) {
      const take = Math.min(BLOCK - filled, bytes.length);
      block.set(bytes.subarray(0, take), filled);
      filled += take;
      at = take;
      if (filled < BLOCK) continue;
      compress(state, block, 0);
      filled = 0;
    }
    for (; at + BLOCK <= bytes.length; at += BLOCK) compress(state, bytes, at);
    if (at < bytes.length) {
      block.set(bytes.subarray(at), 0);
      filled = bytes.length - at;
    }
  }
  block[filled++] = 0x80;
  if (filled > BLOCK - 8) {
    block.fill(0, filled);
    compress(state, block, 0);
    filled = 0;
  }
  block.fill(0, filled, BLOCK - 8);
  // The length in bits, big-endian, in 64 bits (no message here comes near 2^53 bits).
  const bits = length * 8;
  const high = Math.floor(bits / 0x1_0000_0000);
  for (let i = 0; i < 4; i++) {
    block[BLOCK - 8 + i] = (high >>> (24 - 8 * i)) & 0xff;
    block[BLOCK - 4 + i] = (bits >>> (24 - 8 * i)) & 0xff;
  }
  compress(state, block, 0);
}

/** The first `length` bytes of a state, big-endian, into `out` from `at`. */
function stateBytes(state: Int32Array, out: Uint8Array, at: number, length: number): void {
  for (let i = 0; i < length; i++) out[at + i] = state[i >> 2] >>> (24 - 8 * (i & 3));
}

/**
 * The SHA-256 digest of the concatenation of `parts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256 } from "./plain_sha256.ts";
 *
 * const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
 * assert.equal(hex(sha256(new TextEncoder().encode("abc"))).slice(0, 8), "ba7816bf");
 * ```
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const state = INITIAL.slice();
  hashParts(state, new Uint8Array(BLOCK), 0, parts);
  const out = new Uint8Array(32);
  stateBytes(state, out, 0, 32);
  return out;
}

/**
 * HMAC-SHA-256 with one key: the key's inner and outer blocks are hashed
 * once, so each tag costs only the message's blocks and two more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HmacSha256 } from "./plain_sha256.ts";
 *
 * const bytes = (s: string) => new TextEncoder().encode(s);
 * const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
 * // RFC 4231, test case 2.
 * const tag = new HmacSha256(bytes("Jefe")).tag(32, bytes("what do ya want "), bytes("for nothing?"));
 * assert.equal(hex(tag), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
 * ```
 */
export class HmacSha256 {
  readonly #inner: Int32Array;
  readonly #outer: Int32Array;
  readonly #state = new Int32Array(8);
  readonly #block = new Uint8Array(BLOCK);

  /** Prepares tags with `key` (a key longer than a block is hashed first, as RFC 2104 says). */
  constructor(key: Uint8Array) {
    const padded = new Uint8Array(BLOCK);
    padded.set(key.length > BLOCK ? sha256(key) : key);
    const pad = (byte: number) => {
      const state = INITIAL.slice();
      compress(state, padded.map((b) => b ^ byte), 0);
      return state;
    };
    this.#inner = pad(0x36);
    this.#outer = pad(0x5c);
  }

  /** The first `length` (at most 32) bytes of the tag of the concatenation of `parts`. */
  tag(length: number, ...parts: Uint8Array[]): Uint8Array {
    const state = this.#state;
    const block = this.#block;
    state.set(this.#inner);
    hashParts(state, block, BLOCK, parts);
    // The outer hash: the inner digest is one short message after the outer key block.
    stateBytes(state, block, 0, 32);
    state.set(this.#outer);
    hashParts(state, block, BLOCK, [block.subarray(0, 32)]);
    const out = new Uint8Array(length);
    stateBytes(state, out, 0, length);
    return out;
  }
}
