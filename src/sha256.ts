import type { Hash } from "node:crypto";
import { hexOf } from "./bytes.ts";
import { nodeCrypto, nodeCryptoLoaded } from "./node_builtins.ts";
import { sha256 } from "./plain_sha256.ts";

/**
 * Inputs up to this many bytes are hashed in plain TypeScript: a cold first
 * call costs ~3 ms at this size, loading `node:crypto` ~15 ms.
 */
const PLAIN_MAX_BYTES = 32_768;

/**
 * Bytes a process hashes in plain TypeScript at most (≈4 ms once warm):
 * beyond, loading `node:crypto` once costs less than going on per byte.
 */
const PLAIN_BUDGET_BYTES = 262_144;

let plainBytesHashed = 0;

/**
 * How many bytes one hash may take in plain TypeScript: none once
 * `node:crypto` is loaded (native is faster per byte) or the budget is spent.
 */
function plainBytesLeft(): number {
  if (nodeCryptoLoaded()) return 0;
  return Math.min(PLAIN_MAX_BYTES, PLAIN_BUDGET_BYTES - plainBytesHashed);
}

const encoder = new TextEncoder();

/** An incremental SHA-256 (see {@linkcode createSha256}). */
export interface Sha256 {
  /** Adds bytes (a string as UTF-8); the caller may reuse `data` after the call. */
  update(data: string | Uint8Array): Sha256;
  /** The digest of everything added. */
  digest(): Uint8Array;
  /** The digest of everything added, as lowercase hex. */
  digest(encoding: "hex"): string;
}

/**
 * A new SHA-256 hash. Up to 32 KiB of input is hashed in plain TypeScript
 * while `node:crypto` is not loaded and the process has hashed less than
 * 256 KiB that way (a run of a small experiment — its fingerprints, its
 * records — never loads `node:crypto`); beyond, it goes on in Node's native
 * hash, which `node:crypto` is loaded for then (see `node_builtins.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSha256 } from "./sha256.ts";
 *
 * assert.equal(createSha256().update("ab").update("c").digest("hex").slice(0, 8), "ba7816bf");
 * assert.equal(createSha256().update("abc").digest().length, 32);
 * ```
 */
export function createSha256(): Sha256 {
  return new LazySha256();
}

/**
 * SHA-256 of a UTF-8 string, as lowercase hex.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./sha256.ts";
 *
 * assert.equal(sha256Hex("abc").slice(0, 8), "ba7816bf");
 * ```
 */
export function sha256Hex(text: string): string {
  return createSha256().update(text).digest("hex");
}

/** Keeps the input while it is short, and hands it to the native hash once it is not. */
class LazySha256 implements Sha256 {
  #parts: Uint8Array[] = [];
  #bytes = 0;
  #native: Hash | undefined;

  update(data: string | Uint8Array): Sha256 {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    if (this.#native === undefined && this.#bytes + bytes.length <= plainBytesLeft()) {
      this.#parts.push(typeof data === "string" ? bytes : bytes.slice());
      this.#bytes += bytes.length;
      return this;
    }
    if (this.#native === undefined) {
      this.#native = nodeCrypto().createHash("sha256");
      for (const part of this.#parts) this.#native.update(part);
      this.#parts = [];
    }
    this.#native.update(bytes);
    return this;
  }

  digest(): Uint8Array;
  digest(encoding: "hex"): string;
  digest(encoding?: "hex"): Uint8Array | string {
    let digest: Uint8Array;
    if (this.#native === undefined) {
      digest = sha256(...this.#parts);
      plainBytesHashed += this.#bytes;
    } else digest = new Uint8Array(this.#native.digest());
    return encoding === "hex" ? hexOf(digest) : digest;
  }
}
