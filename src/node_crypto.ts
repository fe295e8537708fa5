import type { Hash, Hmac } from "node:crypto";

/** The part of `node:crypto` this project uses. */
export interface NodeCrypto {
  /** A new hash (`"sha256"`, `"sha1"`). */
  createHash(algorithm: string): Hash;
  /** A new HMAC with `key`. */
  createHmac(algorithm: string, key: Uint8Array): Hmac;
}

interface NodeProcess {
  getBuiltinModule(id: "node:crypto"): NodeCrypto;
}

let loaded: NodeCrypto | undefined;

/**
 * `node:crypto` (native hashes), loaded on the first call rather than
 * imported: most worker processes never hash, and loading it costs each
 * process about 15 ms of start-up on a 2-core machine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeCrypto } from "./node_crypto.ts";
 *
 * assert.equal(nodeCrypto().createHash("sha1").update("abc").digest("hex").slice(0, 8), "a9993e36");
 * ```
 */
export function nodeCrypto(): NodeCrypto {
  loaded ??= (globalThis as unknown as { process: NodeProcess }).process
    .getBuiltinModule("node:crypto");
  return loaded;
}

/**
 * Whether `node:crypto` is loaded already: then native hashing costs
 * nothing more to start.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeCrypto, nodeCryptoLoaded } from "./node_crypto.ts";
 *
 * nodeCrypto();
 * assert.equal(nodeCryptoLoaded(), true);
 * ```
 */
export function nodeCryptoLoaded(): boolean {
  return loaded !== undefined;
}
