/**
 * Imports a module when the code that needs it runs, not before. Deno
 * loads what a literal `import("./x.ts")` names — and everything that
 * module imports — as soon as the importing program starts, to have it
 * ready; for a command line program that needs one command's modules of
 * many, that costs more than the command itself. A URL made at run time
 * (or an `npm:` specifier held in a variable) is loaded only when
 * imported. Give the module's type with `typeof import("./x.ts")`, which
 * Deno does not load. `deno compile` must then be told to embed npm
 * packages with `--include` (see the `compile` task).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lazyImport } from "./lazy_import.ts";
 *
 * const { CrystallizeError } = await lazyImport<typeof import("./errors.ts")>(
 *   new URL("./errors.ts", import.meta.url),
 * );
 * assert.equal(new CrystallizeError("no").message, "no");
 * ```
 */
export function lazyImport<T>(specifier: URL | string): Promise<T> {
  return import(typeof specifier === "string" ? specifier : specifier.href);
}
