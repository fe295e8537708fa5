import { dirname } from "../path.ts";
import { allRefs, type WorkerSpec } from "./worker/messages.ts";
import { pathOfFileUrl } from "../file_url.ts";

/**
 * Folders of the file modules a spec imports.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moduleFolders } from "./module_folders.ts";
 *
 * const ref = { module: "file:///exp/steps.ts", name: "total" };
 * const spec = { datasource: { ref, params: {} }, steps: [{ ref, params: {}, cacheable: false }], conditions: [] };
 * assert.deepEqual(moduleFolders(spec), ["/exp"]);
 * ```
 */
export function moduleFolders(
  spec: Pick<WorkerSpec, "datasource" | "steps" | "conditions">,
): string[] {
  const files = allRefs(spec).filter((r) => r.module.startsWith("file:"));
  return [...new Set(files.map((r) => dirname(pathOfFileUrl(r.module))))];
}
