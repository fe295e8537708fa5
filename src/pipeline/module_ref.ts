const LIBRARY_ROOT = new URL("../", import.meta.url).href;
const FRAME_URL = /((?:file|https?|data|blob):[^\s()]+?):\d+:\d+\)?$/;

/**
 * The URL of the first module on the call stack outside this library: where a
 * factory was defined. Workers use it to import that module and find the
 * factory among its exports ("rebuild by reference"). `undefined` when the
 * stack shows no such module (e.g. code evaluated from a string).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addDelta } from "../../examples/scaling_demo.ts";
 *
 * // Factories record the module that called them (through callerModuleUrl), for workers.
 * assert.match(addDelta.moduleUrl ?? "", /^file:.*\/examples\/scaling_demo\.ts$/);
 * ```
 */
export function callerModuleUrl(): string | undefined {
  const stack = new Error().stack ?? "";
  for (const line of stack.split("\n").slice(1)) {
    const url = FRAME_URL.exec(line.trim())?.[1];
    if (url !== undefined && !url.startsWith(LIBRARY_ROOT)) return url;
  }
  return undefined;
}
