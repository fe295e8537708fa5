import type { Hash } from "node:crypto";

interface NodeProcess {
  getBuiltinModule(id: "node:crypto"): { createHash(algorithm: "sha256"): Hash };
}

let create: (() => Hash) | undefined;

/**
 * A new SHA-256 hash (Node's, native speed). `node:crypto` is loaded on the
 * first call rather than imported: most worker processes never hash, and
 * loading it costs each one about 11 ms of start-up.
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
  if (create === undefined) {
    const process = (globalThis as unknown as { process: NodeProcess }).process;
    const { createHash } = process.getBuiltinModule("node:crypto");
    create = () => createHash("sha256");
  }
  return create();
}
