/**
 * The library's version (as in `deno.json`). A constant, not an import of
 * `deno.json`: sandboxed processes load the library with read access to
 * `mod.ts` and `src/` only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VERSION } from "./version.ts";
 *
 * const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
 * assert.equal(VERSION, config.version);
 * ```
 */
export const VERSION = "0.1.0";
