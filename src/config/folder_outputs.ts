import { Artifact } from "../data/artifact.ts";
import type { ConfigIssue } from "./config_error.ts";
import { suggestion } from "../did_you_mean.ts";
import type { ConfigFile } from "./folder_config.ts";
import type { FolderModules } from "./folder_modules.ts";

/**
 * The `outputs` of a config as artifacts, by alias. An `Artifact` exported
 * from `outputs.ts` under the alias (or under the entry's `artifact` name) is
 * used as is — steps import the same object to write it; otherwise the entry
 * declares a new one (`file_name`, default the alias; `format`;
 * `description`). Problems are added to `issues`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ConfigIssue } from "./config_error.ts";
 * import { readConfigFile } from "./folder_config.ts";
 * import { FolderModules } from "./folder_modules.ts";
 * import { resolveOutputs } from "./folder_outputs.ts";
 *
 * const folder = new URL("../../examples/dag/producer", import.meta.url).pathname;
 * const file = await readConfigFile(folder);
 * const issues: ConfigIssue[] = [];
 * const outputs = await resolveOutputs(file, new FolderModules(folder, file.source), issues);
 * assert.deepEqual(Object.values(outputs).map((a) => a.name), ["readings.json"]);
 * ```
 */
export async function resolveOutputs(
  file: ConfigFile,
  modules: FolderModules,
  issues: ConfigIssue[],
): Promise<Record<string, Artifact>> {
  const out: Record<string, Artifact> = {};
  const byName = new Map<string, string>();
  for (const [alias, spec] of Object.entries(file.config.outputs ?? {})) {
    const path = ["outputs", alias];
    let artifact: Artifact | undefined;
    const exportName = spec?.artifact;
    if (exportName !== undefined || modules.has("outputs")) {
      const exports = await modules.load(
        "outputs",
        [...path, ...(exportName ? ["artifact"] : [])],
        issues,
      );
      const exported = exports?.[exportName ?? alias];
      if (exported instanceof Artifact) {
        artifact = exported;
        for (const key of ["file_name", "format"] as const) {
          const given = spec?.[key];
          const actual = key === "file_name" ? exported.name : exported.format;
          if (given !== undefined && given !== actual) {
            issues.push(file.source.issue(
              [...path, key],
              `outputs.${alias}.${key} is "${given}", but the Artifact exported as '${
                exportName ?? alias
              }' from outputs.ts has ${
                key === "file_name" ? "name" : "format"
              } "${actual}"; remove one of them`,
            ));
          }
        }
      } else if (exports !== undefined && exportName !== undefined) {
        const artifacts = Object.keys(exports).filter((k) => exports[k] instanceof Artifact);
        issues.push(file.source.issue(
          [...path, "artifact"],
          `outputs.ts exports no Artifact '${exportName}'${suggestion(exportName, artifacts)} (${
            artifacts.length > 0
              ? `Artifacts there: ${artifacts.join(", ")}`
              : `declare it with export const ${exportName} = new Artifact("${exportName}")`
          })`,
        ));
        continue;
      } else if (exports === undefined && exportName !== undefined) {
        continue;
      }
    }
    if (artifact === undefined) {
      try {
        artifact = new Artifact(spec?.file_name ?? alias, {
          format: spec?.format,
          description: spec?.description,
        });
      } catch (error) {
        issues.push(file.source.issue(
          spec?.file_name === undefined ? path : [...path, "file_name"],
          (error as Error).message,
          { key: spec?.file_name === undefined },
        ));
        continue;
      }
    }
    const clash = byName.get(artifact.name);
    if (clash !== undefined) {
      issues.push(file.source.issue(
        path,
        `outputs '${clash}' and '${alias}' are both stored as '${artifact.name}'; give them different file names`,
        { key: true },
      ));
      continue;
    }
    byName.set(artifact.name, alias);
    out[alias] = artifact;
  }
  return out;
}
