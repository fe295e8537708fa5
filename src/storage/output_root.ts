import { resolvePath } from "../resolve_path.ts";

/** The environment variable that moves the default output root. */
export const OUTPUT_ROOT_ENV = "CRYSTALLIZE_HOME";

/**
 * The folder everything a run writes goes under (step cache, versioned runs,
 * artifacts), as an absolute path: the experiment's `outputDir`, else
 * `$CRYSTALLIZE_HOME` when the process may read it, else `.crystallize` in the
 * working directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "../path.ts";
 * import { resolvePath } from "../resolve_path.ts";
 * import { outputRoot } from "@crystallize/deno";
 *
 * assert.equal(outputRoot({ outputDir: "out" }), resolvePath("out"));
 * // Without outputDir: $CRYSTALLIZE_HOME when this process may read it, else .crystallize here.
 * const home = Deno.permissions.querySync({ name: "env", variable: "CRYSTALLIZE_HOME" });
 * if (home.state !== "granted") assert.equal(outputRoot({}), join(Deno.cwd(), ".crystallize"));
 * ```
 */
export function outputRoot(experiment: { readonly outputDir?: string | undefined }): string {
  if (experiment.outputDir !== undefined) return resolvePath(experiment.outputDir);
  const env = Deno.permissions.querySync({ name: "env", variable: OUTPUT_ROOT_ENV });
  const home = env.state === "granted" ? Deno.env.get(OUTPUT_ROOT_ENV) : undefined;
  return resolvePath(home || ".crystallize");
}
