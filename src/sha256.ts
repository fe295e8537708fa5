import type { Hash } from "node:crypto";
import { nodeCrypto } from "./node_crypto.ts";

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
