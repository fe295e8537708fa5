import type { Hash, Hmac } from "node:crypto";

/** What this module uses of `node:crypto`. */
interface NodeCrypto {
  createHash(algorithm: "sha256"): Hash;
  createHmac(algorithm: "sha256", key: Uint8Array): Hmac;
}

interface NodeProcess {
  getBuiltinModule(id: "node:crypto"): NodeCrypto;
}

let loaded: NodeCrypto | undefined;

/**
 * `node:crypto`, loaded on the first call rather than imported: most
 * worker processes never hash, and loading it costs each process about
 * 11 ms of start-up (the CLI's, before it starts its runner).
 */
function nodeCrypto(): NodeCrypto {
  loaded ??= (globalThis as unknown as { process: NodeProcess }).process
    .getBuiltinModule("node:crypto");
  return loaded;
}

/**
 * A new SHA-256 hash (Node's, native speed), `node:crypto` loaded on first use.
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
 * A new HMAC-SHA-256 with `key` (Node's), `node:crypto` loaded on first use.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHmacSha256 } from "./sha256.ts";
 *
 * const key = new TextEncoder().encode("key");
 * const tag = createHmacSha256(key).update("The quick brown fox jumps over the lazy dog").digest("hex");
 * assert.equal(tag.slice(0, 8), "f7bc83f4");
 * ```
 */
export function createHmacSha256(key: Uint8Array): Hmac {
  return nodeCrypto().createHmac("sha256", key);
}
