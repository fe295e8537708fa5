import type { Hash } from "node:crypto";
import { nodeCrypto } from "./node_crypto.ts";
import { sha256 } from "./plain_sha256.ts";

/**
 * Texts up to this many UTF-16 units are hashed in plain TypeScript: a cold
 * first call costs ~3 ms at this size, loading `node:crypto` ~15 ms.
 */
const PLAIN_MAX = 32_768;

const encoder = new TextEncoder();

/**
 * A new SHA-256 hash (Node's, native speed; `node:crypto` loads on the first
 * call, see `node_crypto.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSha256 } from "./sha256.ts";
 *
 * assert.equal(createSha256().update("abc").digest("hex").slice(0, 8), "ba7816bf");
 * ```
 */
export function createSha256(): Hash {
  return nodeCrypto().createHash("sha256");
}

/**
 * SHA-256 of a UTF-8 string, as lowercase hex. Short texts (step code,
 * pipeline signatures, names) never load `node:crypto`.
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
  if (text.length > PLAIN_MAX) return createSha256().update(text).digest("hex");
  let hex = "";
  for (const byte of sha256(encoder.encode(text))) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
