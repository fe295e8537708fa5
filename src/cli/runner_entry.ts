import { childEntry } from "../execution/worker/entry.ts";
import { fileUrl } from "./sandbox.ts";

/**
 * The entry module of a runner process, as a `data:` URL (see `childEntry`):
 * it loads the library from `library`, then the target modules with
 * permission checks — their top-level code runs there, in the sandbox, and
 * a module that imports a file the sandbox may not read is refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runnerEntry } from "./runner_entry.ts";
 *
 * const url = runnerEntry("/lib", ["file:///exp/demo.ts"]);
 * assert.ok(decodeURIComponent(url).includes("file:///lib/src/cli/runner/serve.ts"));
 * ```
 */
export function runnerEntry(library: string, modules: readonly string[]): string {
  return childEntry({
    serve: "src/cli/runner/serve.ts",
    serveExport: "serveRunner",
    modules,
    loading: "checked",
    library: libraryUrl(library),
  });
}

/**
 * The URL of a library folder, with the trailing slash relative URLs need.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { libraryUrl } from "./runner_entry.ts";
 *
 * assert.equal(libraryUrl("/lib"), "file:///lib/");
 * ```
 */
export function libraryUrl(library: string): string {
  return fileUrl(library.replace(/[\\/]*$/, "/"));
}
