/**
 * `node:crypto` and `node:v8`, loaded the first time they are needed rather
 * than when a module importing them loads: the first `node:` module a
 * process imports starts Deno's Node compatibility layer, which costs 6–12 ms
 * of start-up, and most worker processes never need either (their frames
 * are plain data, their payloads short). Only types are imported statically.
 * @module
 */
import type { Hash, Hmac } from "node:crypto";

/** The part of `node:crypto` the library uses. */
export interface NodeCrypto {
  /** A new hash (`"sha256"`, `"sha1"`). */
  createHash(algorithm: string): Hash;
  /** A new HMAC with `key`. */
  createHmac(algorithm: string, key: Uint8Array): Hmac;
}

/** The part of `node:v8` the library uses: V8's structured-clone serialization. */
export interface NodeV8 {
  /** The bytes of `value` (a `Buffer`). */
  serialize(value: unknown): Uint8Array;
  /** The value of bytes `serialize` wrote. */
  deserialize(bytes: Uint8Array): unknown;
}

interface NodeBuiltins {
  "node:crypto": NodeCrypto;
  "node:v8": NodeV8;
}

interface NodeProcess {
  getBuiltinModule<Id extends keyof NodeBuiltins>(id: Id): NodeBuiltins[Id];
}

const loaded: { -readonly [Id in keyof NodeBuiltins]?: NodeBuiltins[Id] } = {};

// `process.getBuiltinModule` loads a builtin synchronously, where `import()` would make every
// caller asynchronous. The first call costs more than a static import (≈15 ms: reading
// `process` builds Node's process object), so it suits what most processes never need.
function builtin<Id extends keyof NodeBuiltins>(id: Id): NodeBuiltins[Id] {
  return loaded[id] ??= (globalThis as unknown as { process: NodeProcess }).process
    .getBuiltinModule(id);
}

/**
 * `node:crypto`, loaded on the first call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeCrypto } from "./node_builtins.ts";
 *
 * const hex = nodeCrypto().createHash("sha256").update("abc").digest("hex");
 * assert.equal(hex.slice(0, 8), "ba7816bf");
 * ```
 */
export function nodeCrypto(): NodeCrypto {
  return builtin("node:crypto");
}

/**
 * Whether {@linkcode nodeCrypto} has loaded `node:crypto` already (a caller
 * with a plain fallback uses the native one only when it costs nothing more).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeCrypto, nodeCryptoLoaded } from "./node_builtins.ts";
 *
 * nodeCrypto();
 * assert.equal(nodeCryptoLoaded(), true);
 * ```
 */
export function nodeCryptoLoaded(): boolean {
  return loaded["node:crypto"] !== undefined;
}

/**
 * `node:v8`, loaded on the first call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nodeV8 } from "./node_builtins.ts";
 *
 * const v8 = nodeV8();
 * assert.deepEqual(v8.deserialize(v8.serialize(new Map([[1, 2]]))), new Map([[1, 2]]));
 * ```
 */
export function nodeV8(): NodeV8 {
  return builtin("node:v8");
}
