import { PathNameError, pathNameMessage, pathNameProblem } from "../path_name.ts";

/** Suffix of the metadata file stored beside each artifact. */
const META_SUFFIX = ".meta.json";

/**
 * Throws {@linkcode PathNameError} when `name` cannot be a file name inside a
 * replicate's folder: it must follow `PATH_NAME_RULE` (no `/`, so
 * no subfolders) and must not end in `.meta.json` (the metadata beside each
 * artifact).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PathNameError } from "@crystallize/deno";
 * import { checkArtifactName } from "./artifact_name.ts";
 *
 * checkArtifactName("model.json"); // fine
 * assert.throws(() => checkArtifactName("../x"), PathNameError);
 * ```
 */
export function checkArtifactName(name: string): void {
  const problem = pathNameProblem(name) ??
    (name.endsWith(META_SUFFIX) ? `it ends in "${META_SUFFIX}", which holds metadata` : undefined);
  if (problem !== undefined) throw new PathNameError(pathNameMessage(name, "artifact", problem));
}
